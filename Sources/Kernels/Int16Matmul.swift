import CKernels

/// A frozen weight matrix rounded to int16 blocks for the integer products of training (see
/// gemm_i16.c): `outputs` columns of the product, each a row of `reduction` values cut in blocks
/// of 32 with one f32 scale each. Rounding to ±8191 steps of a block's largest value moves a weight
/// by at most 1/16382 of that value, far below the 4–8-bit quantization the weights come from.
public final class Int16Weights: @unchecked Sendable {
    public let outputs: Int
    public let reduction: Int
    let bytes: UnsafeMutableRawPointer
    public let byteCount: Int

    /// True where the AVX512-VNNI kernel runs; elsewhere a scalar loop gives the same bits slowly,
    /// so callers keep their f32 path.
    public static var fast: Bool { ck_has_i16_gemm() != 0 }

    /// A zero matrix, to be filled with `pack`.
    public init(outputs: Int, reduction: Int) {
        precondition(outputs > 0 && reduction > 0)
        self.outputs = outputs
        self.reduction = reduction
        byteCount = ck_i16_packed_bytes(Int64(outputs), Int64(reduction))
        bytes = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { bytes.deallocate() }

    /// Packs W[i][j] = src[i·strideOut + j·strideIn] (i < outputs, j < count) into reduction
    /// positions start..<start+count; start a multiple of 32.
    public func pack(_ src: UnsafePointer<Float>, strideOut: Int, strideIn: Int, count: Int, at start: Int) {
        rows(0..<outputs).pack(src, strideOut: strideOut, strideIn: strideIn, count: count, at: start)
    }

    /// `w` rounded for y = x·Wᵀ (outputs = W's rows) and for dx = dy·W (outputs = W's columns);
    /// dequantized a tile of rows at a time, once for both.
    public static func packing(_ w: WeightMatrix) -> (forward: Int16Weights, transposed: Int16Weights) {
        let forward = Int16Weights(outputs: w.rows, reduction: w.cols)
        return (forward, pack(w, forward: forward))
    }

    /// `w` rounded for dx = dy·W only (its forward product taken elsewhere).
    public static func transposedPacking(_ w: WeightMatrix) -> Int16Weights { pack(w, forward: nil) }

    private static func pack(_ w: WeightMatrix, forward: Int16Weights?) -> Int16Weights {
        let transposed = Int16Weights(outputs: w.cols, reduction: w.rows)
        let tile = max(32, min(w.rows, (1 << 22) / w.cols) / 32 * 32)
        let buf = UnsafeMutablePointer<Float>.allocate(capacity: tile * w.cols)
        defer { buf.deallocate() }
        var r0 = 0
        while r0 < w.rows {
            let m = min(tile, w.rows - r0)
            ck_dequant_matrix(w.type.rawValue, w.row(r0), w.rowBytes, Int64(m), Int64(w.cols), buf)
            forward?.rows(r0..<r0 + m).pack(buf, strideOut: w.cols, strideIn: 1, count: w.cols, at: 0)
            transposed.pack(buf, strideOut: 1, strideIn: w.cols, count: m, at: r0)
            r0 += m
        }
        return transposed
    }

    /// Output columns `range` (lower bound a multiple of 32) as a matrix of their own, sharing
    /// this one's memory.
    public func rows(_ range: Range<Int>) -> Int16Panels {
        precondition(range.lowerBound % 32 == 0 && range.upperBound <= outputs)
        let offset = ck_i16_packed_bytes(Int64(range.lowerBound), Int64(reduction))
        return Int16Panels(owner: self, bytes: bytes + offset, outputs: range.count)
    }

    /// y (+)= x·Wᵀ over reduction positions `span` (all by default): x has `rows` rows of
    /// span.count values, `ldx` apart; y has `rows` rows of `outputs` values, `ldy` apart.
    public func multiply(_ x: UnsafePointer<Float>, rows n: Int, ldx: Int, span: Range<Int>? = nil,
                         into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool, scratch: Int16Scratch) {
        rows(0..<outputs).multiply(x, rows: n, ldx: ldx, span: span, into: y, ldy: ldy, accumulate: accumulate,
                                   scratch: scratch)
    }
}

/// Some of an `Int16Weights`' output columns (a vocabulary tile of an output head).
public struct Int16Panels {
    let owner: Int16Weights
    let bytes: UnsafeMutableRawPointer
    public let outputs: Int

    public func pack(_ src: UnsafePointer<Float>, strideOut: Int, strideIn: Int, count: Int, at start: Int) {
        precondition(start % 32 == 0 && start + count <= owner.reduction)
        ck_i16_pack(src, Int64(strideOut), Int64(strideIn), Int64(outputs), Int64(count), Int64(owner.reduction),
                    Int64(start), bytes)
    }

    public func multiply(_ x: UnsafePointer<Float>, rows n: Int, ldx: Int, span: Range<Int>? = nil,
                         into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool, scratch: Int16Scratch) {
        let span = span ?? 0..<owner.reduction
        precondition(span.lowerBound % 32 == 0 && span.upperBound <= owner.reduction)
        if n <= 0 { return }
        let blocks = (span.count + 31) / 32, width = blocks * 32
        let (xq, xs) = scratch.reserve(rows: n, blocks: blocks)
        ck_i16_quantize(x, Int64(ldx), Int64(n), Int64(span.count), xq, Int64(width), xs, Int64(blocks))
        ck_i16_gemm(xq, Int64(width), xs, Int64(blocks), Int64(n), bytes, Int64((owner.reduction + 31) / 32),
                    Int64(span.lowerBound / 32), Int64(blocks), Int64(outputs), y, Int64(ldy), accumulate ? 1 : 0)
        withExtendedLifetime(owner) {}
    }
}

/// Room for the int16 rounding of a product's input, reused from call to call.
public final class Int16Scratch: @unchecked Sendable {
    private var q = UnsafeMutablePointer<Int16>.allocate(capacity: 1), qCount = 1
    private var s = UnsafeMutablePointer<Float>.allocate(capacity: 1), sCount = 1

    public init() {}

    func reserve(rows: Int, blocks: Int) -> (UnsafeMutablePointer<Int16>, UnsafeMutablePointer<Float>) {
        if rows * blocks * 32 > qCount {
            q.deallocate()
            qCount = rows * blocks * 32
            q = .allocate(capacity: qCount)
        }
        if rows * blocks > sCount {
            s.deallocate()
            sCount = rows * blocks
            s = .allocate(capacity: sCount)
        }
        return (q, s)
    }

    public var bytes: Int { qCount * 2 + sCount * 4 }

    deinit { q.deallocate(); s.deallocate() }
}
