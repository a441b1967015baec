import Base
import Foundation
import LLM
import XCTest

final class GGUFTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "yanfu-gguf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A small valid file with every value type, a nested array and three tensor types.
    static func sampleWriter(alignment: Int = 32) -> GGUFWriter {
        var w = GGUFWriter(alignment: alignment)
        w.set("general.architecture", .string("llama"))
        w.set("u8", .uint8(200)); w.set("i8", .int8(-5)); w.set("u16", .uint16(60000)); w.set("i16", .int16(-300))
        w.set("u32", .uint32(4_000_000_000)); w.set("i32", .int32(-7)); w.set("f32", .float32(0.25)); w.set("bool", .bool(true))
        w.set("u64", .uint64(1 << 40)); w.set("i64", .int64(-(1 << 40))); w.set("f64", .float64(-1.5))
        w.set("汉字.key", .string("值 ✓"))
        w.set("nested", .array([.array([.int32(1), .int32(2)]), .array([.int32(3)]), .array([])]))
        w.set("strings", .array([.string("a"), .string(""), .string("<0x0A>")]))
        w.addTensor(name: "a.weight", dims: [3, 2], floats: [1, 2, 3, 4, 5, -6])
        let q8 = [UInt8](hexBytes("f210f447c7ddec3008cb3febf64d461063f00328d03c7fd3e7b5d8f916f2e2f53da7"))
        w.addTensor(name: "b.q8", dims: [32, 2], type: .q8_0, bytes: q8 + q8)
        w.addTensor(name: "c.f16", dims: [5], type: .f16, bytes: [0, 0, 0, 0x3C, 0, 0xC0, 0, 0x7C, 0, 0x38])
        return w
    }

    func testRoundTrip() throws {
        for alignment in [32, 64, 8] {
            let path = dir + "/round-\(alignment).gguf"
            try Self.sampleWriter(alignment: alignment).write(to: path)
            let f = try GGUFFile(path: path)
            XCTAssertEqual(f.version, 3)
            XCTAssertEqual(f.alignment, alignment)
            XCTAssertEqual(f.architecture, "llama")
            XCTAssertEqual(f.metadata["u8"], .uint8(200))
            XCTAssertEqual(f.metadata["i16"]?.int, -300)
            XCTAssertEqual(f.metadata["u32"]?.int, 4_000_000_000)
            XCTAssertEqual(f.metadata["f32"]?.double, 0.25)
            XCTAssertEqual(f.metadata["bool"]?.bool, true)
            XCTAssertEqual(f.metadata["i64"]?.int, -(1 << 40))
            XCTAssertEqual(f.metadata["f64"], .float64(-1.5))
            XCTAssertEqual(f.metadata["汉字.key"]?.string, "值 ✓")
            XCTAssertEqual(f.metadata["nested"], .array([.array([.int32(1), .int32(2)]), .array([.int32(3)]), .array([])]))
            XCTAssertEqual(f.metadata["strings"]?.array?.compactMap(\.string), ["a", "", "<0x0A>"])
            XCTAssertEqual(f.metadataKeys.first, alignment == 32 ? "general.architecture" : "general.alignment")
            XCTAssertEqual(f.tensors.map(\.name), ["a.weight", "b.q8", "c.f16"])
            let a = try XCTUnwrap(f.tensor(named: "a.weight"))
            XCTAssertEqual(a.dims, [3, 2])
            XCTAssertEqual(a.rowCount, 2)
            XCTAssertEqual(try f.floats(a), [1, 2, 3, 4, 5, -6])
            let b = try XCTUnwrap(f.tensor(named: "b.q8"))
            XCTAssertEqual(b.byteCount, 68)
            XCTAssertEqual(b.offset % alignment, 0)
            XCTAssertEqual(try f.floats(b)[32], Float(-0.00724411011))   // 9 digits name the f32 exactly
            XCTAssertEqual(try f.floats(try XCTUnwrap(f.tensor(named: "c.f16"))), [0, 1, -2, .infinity, 0.5])
            XCTAssertNil(f.tensor(named: "missing"))
        }
    }

    func testVersion2ReadsLikeVersion3() throws {
        var b = Self.sampleWriter().serialized()
        b[4] = 2
        let path = dir + "/v2.gguf"
        _ = FileManager.default.createFile(atPath: path, contents: Data(b))
        let f = try GGUFFile(path: path)
        XCTAssertEqual(f.version, 2)
        XCTAssertEqual(f.tensors.count, 3)
        XCTAssertEqual(f.metadata["汉字.key"]?.string, "值 ✓")
    }

    func testOverlappingTensors() {
        var w = GGUFWriter()
        w.addTensor(name: "a", dims: [16], floats: [Float](repeating: 1, count: 16))
        w.addTensor(name: "b", dims: [4], floats: [1, 2, 3, 4])
        var b = w.serialized()
        // Point "b" (its info is the second one) at "a"'s data.
        let bOffsetAt = 24 + (8 + 1 + 4 + 8 + 4 + 8) + (8 + 1 + 4 + 8 + 4)
        b.replaceSubrange(bOffsetAt..<(bOffsetAt + 8), with: le(UInt64(0)))
        expectError(b, ["tensor", "not overlapping tensor"])
    }

    /// The facts as gguf-py's GGUFReader reads them: Eval/llm/model_facts.py (`--check` confirms them here).
    func testDefaultModelMetadata() throws {
        let f = try GGUFFile(path: try ModelTestSupport.requireModel(ModelTestSupport.gemmaFile))
        XCTAssertEqual(f.version, 3)
        XCTAssertEqual(f.tensors.count, 236)
        XCTAssertEqual(f.metadata.count, 33)
        XCTAssertEqual(f.architecture, "gemma3")
        XCTAssertEqual(f.archValue("embedding_length")?.int, 640)
        XCTAssertEqual(f.archValue("attention.key_length")?.int, 256)
        XCTAssertEqual(f.metadata["tokenizer.ggml.tokens"]?.array?.count, 262_144)
        XCTAssertEqual(f.dataOffset, 6_525_120)
        XCTAssertEqual(f.tensor(named: "token_embd.weight")?.dims, [640, 262_144])
        let last = f.tensors.max { $0.offset < $1.offset }!
        XCTAssertLessThanOrEqual(last.offset + last.byteCount, f.fileSize)
    }

    // MARK: malformed files: each a clear error naming the file, the field and the offset

    private func expectError(_ bytes: [UInt8], _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let path = dir + "/bad.gguf"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        XCTAssertThrowsError(try GGUFFile(path: path), file: file, line: line) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix(path + ": "), text, file: file, line: line)
            for f in fragments { XCTAssertTrue(text.contains(f), "'\(f)' missing in: \(text)", file: file, line: line) }
        }
    }

    func testBadMagic() {
        var b = Self.sampleWriter().serialized()
        b[0] = UInt8(ascii: "X")
        expectError(b, ["magic at byte 0", "GGUF"])
        expectError(Array("PK\u{3}\u{4}".utf8), ["magic"])
    }

    func testUnsupportedVersion() {
        var b = Self.sampleWriter().serialized()
        b[4] = 1
        expectError(b, ["version at byte 4", "version 2 or 3, found 1"])
        b[4] = 0; b[7] = 3
        expectError(b, ["big-endian"])
    }

    func testTruncated() {
        let b = Self.sampleWriter().serialized()
        expectError(Array(b[0..<6]), ["version", "truncated"])
        expectError(Array(b[0..<60]), ["truncated"])
        // Cut inside the tensor data: the last tensor ends past the end of the file.
        expectError(Array(b[0..<(b.count - 40)]), ["tensor 'c.f16' data", "past the end"])
    }

    func testAbsurdCounts() {
        var b = Self.sampleWriter().serialized()
        b.replaceSubrange(8..<16, with: le(UInt64.max))
        expectError(b, ["tensor_count at byte 8", "found 18446744073709551615"])
        b = Self.sampleWriter().serialized()
        b.replaceSubrange(16..<24, with: le(UInt64(1) << 40))
        expectError(b, ["kv_count at byte 16"])
        // The first key's length.
        b = Self.sampleWriter().serialized()
        b.replaceSubrange(24..<32, with: le(UInt64(1) << 62))
        expectError(b, ["metadata key #0 length at byte 24"])
    }

    func testTensorPastEndOfFile() {
        var w = GGUFWriter()
        w.addTensor(name: "t", dims: [4], floats: [1, 2, 3, 4])
        var b = w.serialized()
        // Patch the tensor's relative offset (last u64 of its info) to a far, aligned offset.
        let infoOffsetAt = 24 + 8 + 1 + 4 + 8 + 4
        b.replaceSubrange(infoOffsetAt..<(infoOffsetAt + 8), with: le(UInt64(1 << 20)))
        expectError(b, ["tensor 't' data at byte \(infoOffsetAt)", "past the end"])
        // Dims large enough to overflow.
        b = w.serialized()
        b.replaceSubrange(37..<45, with: le(UInt64.max))
        expectError(b, ["tensor 't' dims[0] at byte 37", "positive dimension"])
    }

    func testWrongAlignment() {
        var w = GGUFWriter()
        w.addTensor(name: "t", dims: [4], floats: [1, 2, 3, 4])
        var b = w.serialized()
        let infoOffsetAt = 24 + 8 + 1 + 4 + 8 + 4
        b.replaceSubrange(infoOffsetAt..<(infoOffsetAt + 8), with: le(UInt64(4)))
        expectError(b, ["tensor 't' offset at byte \(infoOffsetAt)", "aligned to 32 bytes, found 4"])

        var w2 = GGUFWriter()
        w2.set("general.alignment", .uint32(24))
        expectError(w2.serialized(), ["general.alignment", "power of two"])
        var w3 = GGUFWriter()
        w3.set("general.alignment", .string("32"))
        expectError(w3.serialized(), ["general.alignment"])
    }

    func testBadTensorTypeAndBlockMultiple() {
        var w = GGUFWriter()
        w.addTensor(name: "t", dims: [32], type: .q8_0, bytes: [UInt8](repeating: 0, count: 34))
        var b = w.serialized()
        let typeAt = 24 + 8 + 1 + 4 + 8
        b.replaceSubrange(typeAt..<(typeAt + 4), with: le(UInt32(99)))
        expectError(b, ["tensor 't' type at byte \(typeAt)", "found 99"])
        b = w.serialized()
        b.replaceSubrange(37..<45, with: le(UInt64(33)))
        expectError(b, ["tensor 't' dims[0]", "multiple of the Q8_0 block size 32"])
    }

    func testBadValueType() {
        var w = GGUFWriter()
        w.set("k", .uint8(1))
        var b = w.serialized()
        b.replaceSubrange(33..<37, with: le(UInt32(13)))
        expectError(b, ["type of 'k' at byte 33", "found 13"])
    }

    /// Random mutations of a valid file: every outcome is a clean parse or a ModelFileError,
    /// never a crash or an out-of-bounds read (the run would die). Seeded and time-bounded.
    func testFuzzMutations() throws {
        let valid = Self.sampleWriter().serialized()
        let path = dir + "/fuzz.gguf"
        var rng = SplitMix64(seed: 0x5EED_6647)
        let deadline = Date().addingTimeInterval(3)
        var runs = 0, accepted = 0
        while Date() < deadline {
            var b = valid
            switch rng.next() % 4 {
            case 0:  // bit flips
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let i = Int(rng.next() % UInt64(b.count))
                    b[i] ^= 1 << UInt8(rng.next() % 8)
                }
            case 1:  // truncation
                b = Array(b[0..<Int(rng.next() % UInt64(b.count))])
            case 2:  // a random u64 at a random offset (counts, lengths, dims, offsets)
                let i = Int(rng.next() % UInt64(b.count - 8))
                let v: UInt64 = rng.next() % 2 == 0 ? rng.next() : rng.next() % 1024
                b.replaceSubrange(i..<(i + 8), with: le(v))
            default:  // random byte runs
                let i = Int(rng.next() % UInt64(b.count))
                for j in i..<min(b.count, i + 1 + Int(rng.next() % 16)) { b[j] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            if b.isEmpty { b = [0] }
            _ = FileManager.default.createFile(atPath: path, contents: Data(b))
            do {
                let f = try GGUFFile(path: path)
                accepted += 1
                for t in f.tensors where t.type.canDequantize {
                    XCTAssertLessThanOrEqual(t.offset + t.byteCount, f.fileSize)
                    _ = try f.floats(t)
                }
            } catch let e as ModelFileError {
                XCTAssertEqual(e.file, path)
            }
            runs += 1
        }
        XCTAssertGreaterThan(runs, 200)
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertLessThan(accepted, runs)
    }
}

func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }


/// `yanfu model info`'s summary.
final class GGUFModelSummaryTests: XCTestCase {
    func testDefaultModelSummary() throws {
        let s = try ModelSummary.describe(path: try ModelTestSupport.requireModel(ModelTestSupport.gemmaFile))
        XCTAssertEqual(s.format, "gguf")
        XCTAssertEqual(s.architecture, "gemma3")
        XCTAssertEqual(s.tensorCount, 236)
        XCTAssertEqual(s.parameters, 268_098_176)
        XCTAssertEqual(s.vocabularySize, 262_144)
        XCTAssertEqual(s.contextLength, 32768)
        XCTAssertEqual(s.headCountKV, 1)
        XCTAssertEqual(Set(s.tensorTypes.map(\.type)), ["Q8_0", "Q5_0", "Q4_K", "Q6_K", "F32"])
        XCTAssertEqual(s.tensorTypes.reduce(0) { $0 + $1.tensors }, 236)
        XCTAssertNil(s.chatTemplate)
    }

    func testTinyLlamaSummaries() throws {
        let root = SafetensorsTests.tinyLlama
        let hf = try ModelSummary.describe(path: root + "/hf")
        let gguf = try ModelSummary.describe(path: root + "/tiny-llama-f32.gguf")
        XCTAssertEqual(hf.parameters, gguf.parameters)
        XCTAssertEqual(hf.parameters, 125_248)
        XCTAssertEqual(hf.tensorTypes.map(\.type), ["F32"])
        XCTAssertEqual(gguf.architecture, "llama")
        XCTAssertEqual([hf.blockCount, hf.headCount, hf.headCountKV, hf.embeddingLength, hf.vocabularySize],
                       [gguf.blockCount, gguf.headCount, gguf.headCountKV, gguf.embeddingLength, gguf.vocabularySize])
        let bf16 = try ModelSummary.describe(path: root + "/hf-bf16")
        XCTAssertEqual(bf16.tensorTypes.map(\.type), ["BF16"])
        XCTAssertEqual(bf16.tensorBytes * 2, hf.tensorBytes)
        XCTAssertThrowsError(try ModelSummary.describe(path: root + "/missing")) { XCTAssertTrue("\($0)".contains("missing: path")) }
    }
}
