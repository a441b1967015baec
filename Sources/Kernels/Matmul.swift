import CBLAS
import CKernels

/// A weight matrix as stored: `rows` output rows of `cols` input values each, in any storage
/// type the kernels support, rows `rowBytes` apart. `y[r] = Σ_c W[r][c]·x[c]`.
/// The memory is owned elsewhere (usually the model file's mapping).
public struct WeightMatrix: @unchecked Sendable {
    public let type: TensorType
    public let data: UnsafeRawPointer
    public let rows: Int
    public let cols: Int
    public let rowBytes: Int
    /// A copy of the rows in the layout decoding reads fastest, when made (`groupedForDecoding`).
    public private(set) var grouped: GroupedRows?

    public init(type: TensorType, data: UnsafeRawPointer, rows: Int, cols: Int) {
        precondition(WeightMatrix.supports(type), "no kernel for \(type)")
        self.type = type
        self.data = data
        self.rows = rows
        self.cols = cols
        self.rowBytes = type.rowBytes(cols)
    }

    public static func supports(_ type: TensorType) -> Bool { ck_type_supported(type.rawValue) != 0 }

    /// Pointer to the stored bytes of row `r`.
    public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }

    /// Dequantizes row `r` into `dst` (cols floats), e.g. an embedding lookup.
    public func dequantizeRow(_ r: Int, into dst: UnsafeMutablePointer<Float>) {
        ck_dequant_row(type.rawValue, row(r), dst, Int64(cols))
    }

    /// This matrix plus a copy of its rows regrouped 16 at a time, which one-token decoding reads
    /// in order (17% faster on the 262k-row output head, same bits). Q8_0 with AVX-512 only;
    /// otherwise the matrix as it is. The copy costs the matrix's size in memory.
    public func groupedForDecoding() -> WeightMatrix {
        guard type == .q8_0, rows >= 16, cols % 32 == 0, ck_has_grouped_q8_0() != 0 else { return self }
        var w = self
        w.grouped = GroupedRows(self)
        return w
    }
}

/// A Q8_0 matrix's first 16·⌊rows/16⌋ rows in `ck_group_q8_0`'s layout, owned here.
public final class GroupedRows: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer

    init(_ w: WeightMatrix) {
        let groups = w.rows / 16
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(1, groups * 16 * w.rowBytes), alignment: 64)
        ck_group_q8_0(w.data, w.rowBytes, Int64(groups), Int64(w.cols), bytes)
    }

    deinit { bytes.deallocate() }
}

/// Below this many input rows the quantized matrix-vector kernel (weights read once, never
/// dequantized to memory) beats dequantize-then-SGEMM; with activations rounded to int16
/// (`ck_matvec_integer_rows`) it does up to 64 rows, with int8 (K-quants) up to 16, beyond which
/// the int8 panels (`ck_matmul_x8`) win.
public let matvecMaxRows = 4

/// The most rows `matmul` gives the matrix-vector kernel for this weight type.
@inline(__always)
public func matvecRows(_ type: TensorType) -> Int { max(matvecMaxRows, Int(ck_matvec_integer_rows(type.rawValue))) }

/// Y = X·Wᵀ: `x` holds `n` rows of `w.cols` values, `y` receives `n` rows of `w.rows` values.
///
/// n ≤ `matvecRows(type)` (decoding, short prefills): threaded quantized dot products on the
/// stored blocks. Larger n (prefill): Q4_K and Q6_K as int8 panels (AVX-512 VNNI); other types
/// tile by tile dequantized into `scratch` and multiplied as int16 panels (AVX512-VNNI,
/// block-quantized types) or with SGEMM; `scratch` needs at least `w.cols` floats and should hold
/// a whole matrix for speed.
public func matmul(_ x: UnsafePointer<Float>, rows n: Int, _ w: WeightMatrix, _ y: UnsafeMutablePointer<Float>,
                   scratch: UnsafeMutableBufferPointer<Float>) {
    if n <= 0 { return }
    if n == 1, let g = w.grouped {
        ck_matvec_grouped_q8_0(g.bytes, w.data, w.rowBytes, Int64(w.rows), Int64(w.cols), x, y)
        return
    }
    if n <= matvecRows(w.type) {
        ck_matvec_multi(w.type.rawValue, w.data, w.rowBytes, Int64(w.rows), Int64(w.cols), x, Int64(n), y)
        return
    }
    if w.type == .f32 {
        // Stored f32 needs no dequantization: multiply straight from the mapping, rows split
        // across the pool.
        let threads = KernelThreads.count
        let wf = w.data.assumingMemoryBound(to: Float.self)
        parallelFor(w.rows, chunks: threads) { r0, r1, _ in
            sgemm(CblasNoTrans, CblasTrans, Int32(n), Int32(r1 - r0), Int32(w.cols), 1,
                        x, Int32(w.cols), wf + r0 * w.cols, Int32(w.cols), 0, y + r0, Int32(w.rows))
        }
        return
    }
    // Q4_K and Q6_K on AVX-512 VNNI: int8 panels decoded from the stored integers.
    if matmulInt8(x, rows: n, w, y) { return }
    // Other block-quantized weights: int16 panels (as training multiplies them), where the kernel runs.
    if ![.f16, .bf16].contains(w.type), matmulInt16(x, rows: n, w, y, scratch: scratch) { return }
    // Each pool thread takes whole tiles of weight rows, dequantizes them into its own part of
    // the scratch and runs a single-threaded SGEMM into its columns of y.
    let threads = KernelThreads.count
    let part = scratch.count / threads
    precondition(part >= w.cols, "matmul scratch smaller than one row per thread")
    let tile = max(1, min((w.rows + threads - 1) / threads, part / w.cols))
    let tiles = (w.rows + tile - 1) / tile
    parallelFor(tiles, chunks: tiles) { t0, t1, thread in
        let buf = scratch.baseAddress! + thread * part
        for t in t0..<t1 {
            let r0 = t * tile, m = min(tile, w.rows - r0)
            ck_dequant_matrix(w.type.rawValue, w.row(r0), w.rowBytes, Int64(m), Int64(w.cols), buf)
            sgemm(CblasNoTrans, CblasTrans, Int32(n), Int32(m), Int32(w.cols), 1,
                        x, Int32(w.cols), buf, Int32(w.cols), 0, y + r0, Int32(w.rows))
        }
    }
}

/// Y = X·Wᵀ through int8 panels of W's stored integers, x rounded to int8 per block of 32 as
/// decoding rounds it (see ck_matmul_x8); false (nothing done) where `int8ProductApplies` is false
/// or its buffers cannot be had.
public func matmulInt8(_ x: UnsafePointer<Float>, rows n: Int, _ w: WeightMatrix, _ y: UnsafeMutablePointer<Float>) -> Bool {
    ck_matmul_x8(w.type.rawValue, w.data, w.rowBytes, Int64(w.rows), Int64(w.cols), x, Int64(n), y) != 0
}

/// Q4_K and Q6_K matrices whose rows are whole super-blocks, on AVX-512 VNNI.
public func int8ProductApplies(_ w: WeightMatrix) -> Bool { ck_matmul_x8_applies(w.type.rawValue, Int64(w.cols)) != 0 }

/// Y = X·Wᵀ through int16 panels of W made a tile of rows at a time in `scratch` (see
/// ck_matmul_i16); false (nothing done) where the AVX512-VNNI kernel does not run or the scratch
/// is too small for 32 rows.
public func matmulInt16(_ x: UnsafePointer<Float>, rows n: Int, _ w: WeightMatrix, _ y: UnsafeMutablePointer<Float>,
                        scratch: UnsafeMutableBufferPointer<Float>) -> Bool {
    guard let s = scratch.baseAddress else { return false }
    return ck_matmul_i16(w.type.rawValue, w.data, w.rowBytes, Int64(w.rows), Int64(w.cols), x, Int64(n), y, s, Int64(scratch.count)) != 0
}

/// dX (+)= dY·W, the backward of `matmulInt16` for its input; false as there.
public func matmulBackwardInputInt16(_ dy: UnsafePointer<Float>, rows n: Int, _ w: WeightMatrix, _ dx: UnsafeMutablePointer<Float>,
                                     accumulate: Bool, scratch: UnsafeMutableBufferPointer<Float>) -> Bool {
    guard let s = scratch.baseAddress else { return false }
    return ck_matmul_i16_backward(w.type.rawValue, w.data, w.rowBytes, Int64(w.rows), Int64(w.cols), dy, Int64(n), dx,
                                  accumulate ? 1 : 0, s, Int64(scratch.count)) != 0
}

/// Dot product of stored row `r` of `w` with `x` (single-threaded; for tests and odd shapes).
public func dotRow(_ w: WeightMatrix, _ r: Int, _ x: UnsafePointer<Float>) -> Float {
    ck_dot_row(w.type.rawValue, w.row(r), x, Int64(w.cols))
}

/// Backward of `matmul` for its input: dX (+)= dY·W, with dY `n` rows of `w.rows` values and dX
/// `n` rows of `w.cols`. Quantized weights are dequantized tile by tile into `scratch` (W is used
/// un-transposed, so SGEMM reads the tile as stored); f32 weights are used in place.
public func matmulBackwardInput(_ dy: UnsafePointer<Float>, rows n: Int, _ w: WeightMatrix,
                                _ dx: UnsafeMutablePointer<Float>, accumulate: Bool,
                                scratch: UnsafeMutableBufferPointer<Float>) {
    if n <= 0 { return }
    if w.type == .f32 {
        parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(n), Int32(w.cols), Int32(w.rows), 1,
                    dy, Int32(w.rows), w.data.assumingMemoryBound(to: Float.self), Int32(w.cols),
                    accumulate ? 1 : 0, dx, Int32(w.cols))
        return
    }
    precondition(scratch.count >= w.cols, "matmul scratch smaller than one row")
    let tile = max(1, min(w.rows, scratch.count / w.cols))
    var r0 = 0
    while r0 < w.rows {
        let m = min(tile, w.rows - r0)
        ck_dequant_matrix(w.type.rawValue, w.row(r0), w.rowBytes, Int64(m), Int64(w.cols), scratch.baseAddress!)
        parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(n), Int32(w.cols), Int32(m), 1,
                    dy + r0, Int32(w.rows), scratch.baseAddress!, Int32(w.cols),
                    (accumulate || r0 > 0) ? 1 : 0, dx, Int32(w.cols))
        r0 += m
    }
}

extension WeightMatrix {
    /// Dequantizes the whole matrix into `dst` (rows × cols floats), threaded.
    public func dequantize(into dst: UnsafeMutablePointer<Float>) {
        ck_dequant_matrix(type.rawValue, data, rowBytes, Int64(rows), Int64(cols), dst)
    }
}
