import Kernels

/// The frozen weights of a block-quantized model rounded to int16 blocks (Int16Weights), both
/// ways: x·Wᵀ for the forward and dY·W for the backward, for every layer that runs them and for
/// the output head. Built once per training graph; the products through them run on AVX512-VNNI
/// at up to twice the rate of f32 SGEMM and need no per-step dequantization.
final class IntegerWeights {
    /// [layer][target index]; `backward` is nil below the lowest adapted layer (never run).
    let layers: [[(forward: Int16Weights, backward: Int16Weights?)]]
    let head: (forward: Int16Weights, transposed: Int16Weights, scratch: Int16Scratch)
    /// The rounded inputs of every product (layers and head run one at a time).
    var scratch: Int16Scratch { head.scratch }
    let bytes: Int

    /// Only where the fast kernel runs and every product reads block-quantized weights: models
    /// stored in f32, f16 or bf16 keep exact f32 products.
    static func applies(to t: Transformer) -> Bool {
        guard Int16Weights.fast else { return false }
        let matrices = t.layers.flatMap(\.linears) + [t.output]
        return matrices.allSatisfy { ![.f32, .f16, .bf16].contains($0.weight.type) }
    }

    init(_ t: Transformer, lowestBackward: Int) {
        layers = t.layers.enumerated().map { l, L in
            L.linears.map { m in
                let p = Int16Weights.packing(m.weight, forwardOnly: l < lowestBackward)
                return (p.forward, p.transposed)
            }
        }
        let h = Int16Weights.packing(t.output.weight)
        head = (h.forward, h.transposed!, Int16Scratch())
        bytes = layers.joined().reduce(0) { $0 + $1.forward.byteCount + ($1.backward?.byteCount ?? 0) }
            + head.forward.byteCount + head.transposed.byteCount
    }
}
