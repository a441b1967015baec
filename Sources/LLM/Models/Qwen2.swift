import Foundation
import Kernels

/// Qwen2 and Qwen2.5 (and the DeepSeek-R1 distills built on them): the Llama block with frozen
/// biases on q, k and v, NEOX RoPE (llama.cpp does not permute their q/k rows) with the base from
/// the file, GQA, output head tied in the small sizes and untied in the larger ones.
enum Qwen2: Architecture {
    static let ggufName = "qwen2"
    static let hfModelTypes = ["qwen2"]
    static let activation = GatedActivation.silu

    static func config(_ file: GGUFFile) throws -> ModelConfig {
        try commonConfig(file, ropeStyle: .neox, defaultContext: 32_768, defaultNormEps: 1e-6, defaultRopeBase: 1_000_000)
    }

    /// transformers' Qwen2 has no `attention_bias` key: its q/k/v biases are always there.
    static func config(_ hf: HFConfig, path: String) throws -> ModelConfig { try commonConfig(hf, path: path) }

    static func layers(_ s: TensorSource, _ c: ModelConfig) throws -> [LayerWeights] {
        try (0..<c.layers).map { try LayerWeights.read(s, c, layer: $0, qkvBias: true) }
    }
}
