import Foundation
import Kernels

/// Gemma 3 (text): embeddings scaled by √d, RMSNorms applied as stored (the converter already
/// added Gemma's +1), pre- and post-norms around attention and FFN, per-head q/k RMSNorms,
/// GELU-tanh gated FFN, five sliding-window layers (RoPE base 10000, 512 keys) for every global one
/// (RoPE base from the file), GQA, output head tied to the embeddings. Research notes §1–§2.
enum Gemma3 {
    static func config(_ file: GGUFFile) throws -> ModelConfig {
        let hp = GGUFHyperparameters(file: file)
        let dim = try hp.int("embedding_length")
        let heads = try hp.int("attention.head_count")
        let headDim = try hp.int("attention.key_length", default: dim / max(1, heads))
        let c = ModelConfig(
            architecture: .gemma3, dim: dim, layers: try hp.int("block_count"), heads: heads,
            kvHeads: try hp.int("attention.head_count_kv", default: heads), headDim: headDim,
            ffnDim: try hp.int("feed_forward_length"), vocabSize: hp.vocabSize(),
            contextLength: try hp.int("context_length", default: 8192),
            normEps: try hp.float("attention.layer_norm_rms_epsilon", default: 1e-6),
            ropeBase: try hp.float("rope.freq_base", default: 1_000_000),
            ropeBaseLocal: try hp.float("rope.freq_base_swa", default: 10_000),
            ropeStyle: .neox, rotaryDims: try hp.int("rope.dimension_count", default: headDim),
            slidingWindow: try hp.int("attention.sliding_window", default: 0),
            slidingPattern: try hp.int("attention.sliding_window_pattern", default: 6),
            // query_pre_attn_scalar is not stored; 256 = head_dim for every size but 27B.
            attentionScale: 1 / Float(headDim).squareRoot(),
            embeddingScale: Float(Double(dim).squareRoot()))
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
                qNorm: try s.vector(p + "attn_q_norm.weight", count: c.headDim),
                kNorm: try s.vector(p + "attn_k_norm.weight", count: c.headDim),
                postAttnNorm: try s.vector(p + "post_attention_norm.weight", count: c.dim),
                ffnNorm: try s.vector(p + "ffn_norm.weight", count: c.dim),
                postFfnNorm: try s.vector(p + "post_ffw_norm.weight", count: c.dim),
                gate: try s.linear(p + "ffn_gate.weight", rows: c.ffnDim, cols: c.dim),
                up: try s.linear(p + "ffn_up.weight", rows: c.ffnDim, cols: c.dim),
                down: try s.linear(p + "ffn_down.weight", rows: c.dim, cols: c.ffnDim))
        }
    }

    static let activation = GatedActivation.geluTanh
}
