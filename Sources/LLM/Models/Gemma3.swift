import Foundation
import Kernels

/// Gemma 3 (text): embeddings scaled by √d, RMSNorms applied as stored (the converter already
/// added Gemma's +1), pre- and post-norms around attention and FFN, per-head q/k RMSNorms,
/// GELU-tanh gated FFN, five sliding-window layers (RoPE base 10000, 512 keys) for every global one
/// (RoPE base from the file), GQA, output head tied to the embeddings. Research notes §1–§2.
enum Gemma3: Architecture {
    static let ggufName = "gemma3"
    static let activation = GatedActivation.geluTanh

    static func config(_ file: GGUFFile) throws -> ModelConfig {
        let hp = GGUFHyperparameters(file: file)
        var c = try hp.commonConfig(architecture: ggufName, ropeStyle: .neox, defaultContext: 8192, defaultNormEps: 1e-6,
                                    defaultRopeBase: 1_000_000)
        c.ropeBaseLocal = try hp.float("rope.freq_base_swa", default: 10_000)
        c.slidingWindow = try hp.int("attention.sliding_window", default: 0)
        c.slidingPattern = try hp.int("attention.sliding_window_pattern", default: 6)
        // query_pre_attn_scalar is not stored; 256 = head_dim for every size but 27B.
        c.embeddingScale = Float(Double(c.dim).squareRoot())
        try c.validate(source: file.path)
        return c
    }

    static func layers(_ s: TensorSource, _ c: ModelConfig) throws -> [LayerWeights] {
        try (0..<c.layers).map { try LayerWeights.read(s, c, layer: $0, qkNorm: true, postNorms: true) }
    }
}
