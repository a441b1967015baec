import Kernels

/// The int16 products of training through the frozen weights of a block-quantized model, on
/// AVX512-VNNI at up to twice the rate of f32 SGEMM. A layer's matrix is dequantized and rounded
/// tile by tile as each product uses it (`matmulInt16`), so no copy of the model is kept: the
/// 1.5B's would take 6 GB both ways. The output head, multiplied tile by tile many times a step,
/// is rounded once both ways.
final class IntegerWeights {
    let head: (forward: Int16Weights, transposed: Int16Weights, scratch: Int16Scratch)
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
        let h = Int16Weights.packing(t.output.weight)
        head = (h.forward, h.transposed, Int16Scratch())
        let widest = t.layers.flatMap(\.linears).map { max($0.weight.rows, $0.weight.cols) }.max() ?? 1
        tile = .allocate(capacity: 1024 * widest)
        bytes = head.forward.byteCount + head.transposed.byteCount + tile.count * 4
    }

    deinit { tile.deallocate() }

    /// y = x·Wᵀ for `rows` rows.
    func forward(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, _ y: UnsafeMutablePointer<Float>) {
        let done = matmulInt16(x, rows: rows, w, y, scratch: tile)
        precondition(done, "int16 product refused for a \(w.type) matrix of \(w.rows)×\(w.cols)")
    }

    /// dx (+)= dy·W for `rows` rows.
    func backward(_ dy: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, _ dx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let done = matmulBackwardInputInt16(dy, rows: rows, w, dx, accumulate: accumulate, scratch: tile)
        precondition(done, "int16 product refused for a \(w.type) matrix of \(w.rows)×\(w.cols)")
    }
}
