import LLM
import XCTest

/// Dequantization checked against gguf-py's values: every vector below is printed by
/// Eval/llm/dequant_vectors.py (gguf's own `dequantize`; `--check` confirms they appear here).
final class DequantTests: XCTestCase {
    func testHalfAndBFloatConversions() {
        XCTAssertEqual(f16ToF32(0x3C00), 1)
        XCTAssertEqual(f16ToF32(0xC000), -2)
        XCTAssertEqual(f16ToF32(0x0001), Float(sign: .plus, exponent: -24, significand: 1))  // smallest subnormal
        XCTAssertEqual(f16ToF32(0x7C00), .infinity)
        XCTAssertTrue(f16ToF32(0x7E00).isNaN)
        XCTAssertEqual(f32ToF16(1), 0x3C00)
        XCTAssertEqual(f32ToF16(65520), 0x7C00)  // rounds up to infinity
        XCTAssertEqual(f32ToF16(1 + 1.0 / 2048), 0x3C00)  // tie → even
        XCTAssertEqual(f32ToF16(1 + 3.0 / 2048), 0x3C02)  // tie → even (up)
        for bits in stride(from: 0, to: 0x7C00, by: 7) { XCTAssertEqual(f32ToF16(f16ToF32(UInt16(bits))), UInt16(bits)) }
        XCTAssertEqual(bf16ToF32(0x3F80), 1)
        XCTAssertEqual(bf16ToF32(0xC040), -3)
        XCTAssertEqual(f32ToBF16(1.00390625), 0x3F80)  // tie → even
        XCTAssertEqual(f32ToBF16(1.01171875), 0x3F82)  // tie → even (up)
    }

    func testGeometry() {
        XCTAssertEqual(TensorType.q4_K.blockSize, 256)
        XCTAssertEqual(TensorType.q4_K.blockBytes, 144)
        XCTAssertEqual(TensorType.q5_K.blockBytes, 176)
        XCTAssertEqual(TensorType.q6_K.blockBytes, 210)
        XCTAssertEqual(TensorType.q5_0.blockBytes, 22)
        XCTAssertEqual(TensorType.q8_0.rowBytes(640), 680)
        XCTAssertEqual(TensorType.bf16.rowBytes(3), 6)
        XCTAssertEqual(TensorType.q4_K.description, "Q4_K")
    }

    func testQ8_0Block() {
        let v = dq(.q8_0, "f210f447c7ddec3008cb3febf64d461063f00328d03c7fd3e7b5d8f916f2e2f53da7")
        assertExact(Array(v[0..<8]), [-0.00724411011, 0.0428609848, -0.034409523, -0.0211286545,
                                      -0.0120735168, 0.0289764404, 0.00482940674, -0.0319948196])
    }

    func testQ5_0Block() {
        let v = dq(.q5_0, "c017720b47dd3e6498cdc69510cb620ae80e27de515e")
        assertExact(Array(v[0..<8]), [-0.00378417969, 0.00756835938, -0.0151367188, -0.00567626953,
                                      0.0113525391, 0.00946044922, 0, -0.00946044922])
    }

    func testQ4_0Block() {
        let v = dq(.q4_0, "0030a30a3c41d6ab24acc523a6ac6b9ce51e")
        assertExact(Array(v[0..<8]), [-0.625, 0.25, 0.5, -0.875, -0.25, 0.375, -0.5, 0.5])
        assertExact(Array(v[28..<32]), [-0.25, 0.125, 0.75, -0.875])
    }

    func testQ5_KBlock() {
        let v = dq(.q5_K, "1f211f25f3fe08fa81ace9fcf7815461b43cde2b7cdd59ec8e3eda1a5246fe42841e87234658b051fa763a891f3a3b1e8751bdcb5265e43d9bf23ac986708b51dc4b22cbbce5cdf6fb0e55f5b68d7e4330df3c8ef7c6e570023835414d7e209c5d46a8e5084916dd74a85ea503391fddcd59ba849105c5acad3280f47786eda87027190cd49d5abcf2a919bd3c6206394868f9dd8b870c2ca566e9c90084d3de3e969b7b403f650fcbaf8e29813c06af")
        assertExact(Array(v[0..<8]), [3.55075836, 0.490104675, 6.61141205, 13.7529373, 1.00021362, 10.6922836, 10.1821747, 6.61141205])
        assertExact(Array(v[32..<36]), [4.08087158, 2.22047424, 15.8633881, 16.4835205])
        assertExact(Array(v[252..<256]), [2.84060669, 0.390083313, -1.08023071, 3.82081604])
    }

    /// Q4_K and Q6_K have no synthetic vectors: they are checked on the default model's tensors.
    func testRealTensorsOfDefaultModel() throws {
        let file = try GGUFFile(path: try ModelTestSupport.requireModel(ModelTestSupport.gemmaFile))
        let expected: [(String, TensorType, [Double])] = [
            ("token_embd.weight", .q8_0, [-0.00724411011, 0.0428609848, -0.034409523, -0.0211286545, -0.0120735168, 0.0289764404, 0.00482940674, -0.0319948196]),
            ("blk.0.attn_q.weight", .q5_0, [-0.00378417969, 0.00756835938, -0.0151367188, -0.00567626953, 0.0113525391, 0.00946044922, 0, -0.00946044922]),
            ("blk.0.attn_output.weight", .q4_K, [-0.0157051086, 0.0496692657, -0.0374965668, 0.0605649948, -0.00480937958, 0.0387735367, -0.0157051086, 0.0278778076]),
            ("blk.0.ffn_down.weight", .q6_K, [0.00521171093, 0.0217154622, -0.0251899362, 0.0138978958, 0.0269271731, -0.0156351328, 0.0104234219, -0.00173723698]),
            ("blk.2.ffn_down.weight", .q4_K, [-0.0167769194, -0.00451278687, -0.00451278687, -0.0208649635, 0.0200154781, -0.0372171402, -0.000424742699, 0.0118393898]),
            ("blk.0.attn_v.weight", .q8_0, [0.00608825684, -0.0395736694, -0.0314559937, -0.0568237305, -0.0426177979, 0.0547943115, -0.0700149536, -0.0476913452]),
        ]
        for (name, type, values) in expected {
            let t = try XCTUnwrap(file.tensor(named: name), name)
            XCTAssertEqual(t.type, type, name)
            var row = [Float](repeating: .nan, count: t.rowLength)
            dequantize(t.type, file.pointer(to: t), &row, count: t.rowLength)
            assertExact(Array(row[0..<8]), values, name)
        }
        let norm = try XCTUnwrap(file.tensor(named: "blk.0.attn_norm.weight"))
        XCTAssertEqual(Array(try file.floats(norm)[0..<4]), [16, 16.875, 10.8125, 41.5])
    }

    // The decimal vectors carry 9 significant digits, enough to identify an f32 exactly.
    private func assertExact(_ got: [Float], _ want: [Double], _ msg: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, file: file, line: line)
        for (i, (g, w)) in zip(got, want).enumerated() {
            XCTAssertEqual(Double(g), w, accuracy: abs(w) * 2e-8, "\(msg) [\(i)] \(g) vs \(w)", file: file, line: line)
        }
    }

    private func dq(_ type: TensorType, _ hex: String) -> [Float] {
        let bytes = hexBytes(hex)
        XCTAssertEqual(bytes.count, type.blockBytes)
        var out = [Float](repeating: .nan, count: type.blockSize)
        bytes.withUnsafeBytes { dequantize(type, $0.baseAddress!, &out, count: type.blockSize) }
        return out
    }
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

