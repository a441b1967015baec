import Foundation
import Kernels

/// Llama family (Llama 2, Mistral, Yi, TinyLlama): RMSNorm, RoPE, GQA, SwiGLU FFN, output head
/// untied unless `output.weight` is absent.
///
/// RoPE layout: llama.cpp's converter permutes the rows of Q and K inside each head so that
/// rotate-half pairs (i, i+d/2) become adjacent pairs (2i, 2i+1); GGUF files therefore use
/// adjacent-pair RoPE, HF folders (unpermuted) rotate-half. q·k is the same either way.
enum Llama {
    static func config(_ file: GGUFFile) throws -> ModelConfig {
        let hp = GGUFHyperparameters(file: file)
        let dim = try hp.int("embedding_length")
        let heads = try hp.int("attention.head_count")
        let headDim = try hp.int("attention.key_length", default: dim / max(1, heads))
        let base = try hp.float("rope.freq_base", default: 10_000)
        if let t = file.archValue("rope.scaling.type")?.string, t != "none" {
            throw ModelFileError(file: file.path, field: "metadata 'llama.rope.scaling.type'",
                                 expected: "none (RoPE scaling '\(t)' is not supported)")
        }
        let c = ModelConfig(
            architecture: .llama, dim: dim, layers: try hp.int("block_count"), heads: heads,
            kvHeads: try hp.int("attention.head_count_kv", default: heads), headDim: headDim,
            ffnDim: try hp.int("feed_forward_length"), vocabSize: hp.vocabSize(),
            contextLength: try hp.int("context_length", default: 4096),
            normEps: try hp.float("attention.layer_norm_rms_epsilon", default: 1e-5),
            ropeBase: base, ropeBaseLocal: base, ropeStyle: .adjacent,
            rotaryDims: try hp.int("rope.dimension_count", default: headDim),
            slidingWindow: 0, slidingPattern: 0,
            attentionScale: 1 / Float(headDim).squareRoot(), embeddingScale: 1)
        try c.validate(source: file.path)
        return c
    }

    static func layers(_ s: TensorSource, _ c: ModelConfig) throws -> [LayerWeights] {
        try (0..<c.layers).map { l in
            let p = "blk.\(l)."
            return LayerWeights(
                attnNorm: try s.vector(p + "attn_norm.weight", count: c.dim),
                q: try s.linear(p + "attn_q.weight", rows: c.qDim, cols: c.dim),
                k: try s.linear(p + "attn_k.weight", rows: c.kvDim, cols: c.dim),
                v: try s.linear(p + "attn_v.weight", rows: c.kvDim, cols: c.dim),
                o: try s.linear(p + "attn_output.weight", rows: c.dim, cols: c.qDim),
                qNorm: nil, kNorm: nil, postAttnNorm: nil,
                ffnNorm: try s.vector(p + "ffn_norm.weight", count: c.dim),
                postFfnNorm: nil,
                gate: try s.linear(p + "ffn_gate.weight", rows: c.ffnDim, cols: c.dim),
                up: try s.linear(p + "ffn_up.weight", rows: c.ffnDim, cols: c.dim),
                down: try s.linear(p + "ffn_down.weight", rows: c.dim, cols: c.ffnDim))
        }
    }

    static let activation = GatedActivation.silu
}
