import Kernels

/// The integer products of training through the frozen weights of a block-quantized model, on
/// AVX512-VNNI at up to twice the rate of f32 SGEMM. Forward, Q4_K and Q6_K matrices are int8
/// panels of their stored integers, x rounded as inference rounds it (`matmulInt8`: a 1024-token
/// step on the 1.5B took 14.0–18.7 s forward with int16, 9.7–10.2 s with int8); other types and
/// every backward product are int16 panels, the matrix dequantized and rounded tile by tile as
/// each product uses it (`matmulInt16`), so no copy of the model is kept: the 1.5B's would take
/// 6 GB both ways. The output head, multiplied tile by tile many times a step, is rounded once,
/// for the backward only where its forward is int8.
final class IntegerWeights {
    let head: (forward: Int16Weights?, transposed: Int16Weights, scratch: Int16Scratch)
    /// f32 room for a tile of dequantized rows: 1024 rows of the widest layer matrix.
    private let tile: UnsafeMutableBufferPointer<Float>
    var scratch: Int16Scratch { head.scratch }
    let bytes: Int

    /// Only where the fast kernel runs and every product reads block-quantized weights: models
    /// stored in f32, f16 or bf16 keep exact f32 products.
    static func applies(to t: Transformer) -> Bool {
        guard Int16Weights.fast else { return false }
        let matrices = t.layers.flatMap(\.linears) + [t.output]
        return matrices.allSatisfy { ![.f32, .f16, .bf16].contains($0.weight.type) }
    }

    init(_ t: Transformer) {
        if int8ProductApplies(t.output.weight) {
            head = (nil, Int16Weights.transposedPacking(t.output.weight), Int16Scratch())
        } else {
            let h = Int16Weights.packing(t.output.weight)
            head = (h.forward, h.transposed, Int16Scratch())
        }
        let widest = t.layers.flatMap(\.linears).map { max($0.weight.rows, $0.weight.cols) }.max() ?? 1
        tile = .allocate(capacity: 1024 * widest)
        bytes = (head.forward?.byteCount ?? 0) + head.transposed.byteCount + tile.count * 4
    }

    deinit { tile.deallocate() }

    /// y = x·Wᵀ for `rows` rows.
    func forward(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, _ y: UnsafeMutablePointer<Float>) {
        if matmulInt8(x, rows: rows, w, y) { return }
        let done = matmulInt16(x, rows: rows, w, y, scratch: tile)
        precondition(done, "integer product refused for a \(w.type) matrix of \(w.rows)×\(w.cols)")
    }

    /// dx (+)= dy·W for `rows` rows.
    func backward(_ dy: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, _ dx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let done = matmulBackwardInputInt16(dy, rows: rows, w, dx, accumulate: accumulate, scratch: tile)
        precondition(done, "int16 product refused for a \(w.type) matrix of \(w.rows)×\(w.cols)")
    }
}
