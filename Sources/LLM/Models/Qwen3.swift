import Foundation
import Kernels

/// Qwen3 (dense): the Llama block without biases, with a per-head RMSNorm on q and k before RoPE
/// (the head width from `attention.key_length`, which need not be dim/heads), NEOX RoPE.
enum Qwen3: Architecture {
    static let ggufName = "qwen3"
    static let hfModelTypes = ["qwen3"]
    static let activation = GatedActivation.silu

    static func config(_ file: GGUFFile) throws -> ModelConfig {
        try commonConfig(file, ropeStyle: .neox, defaultContext: 40_960, defaultNormEps: 1e-6, defaultRopeBase: 1_000_000)
    }

    static func config(_ hf: HFConfig, path: String) throws -> ModelConfig { try commonConfig(hf, path: path) }

    static func layers(_ s: TensorSource, _ c: ModelConfig) throws -> [LayerWeights] {
        try (0..<c.layers).map { try LayerWeights.read(s, c, layer: $0, qkNorm: true) }
    }
}
