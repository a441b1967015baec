import Foundation
import Kernels

/// Llama family (Llama 2 and 3, Mistral, Yi, TinyLlama): RMSNorm, RoPE, GQA, SwiGLU FFN, output
/// head untied unless `output.weight` is absent. Llama 3.1+ slows RoPE's long wavelengths
/// (GGUF `rope_freqs.weight`, HF `rope_scaling.rope_type = llama3`).
///
/// RoPE layout: llama.cpp's converter permutes the rows of Q and K inside each head so that
/// rotate-half pairs (i, i+d/2) become adjacent pairs (2i, 2i+1); GGUF files therefore use
/// adjacent-pair RoPE, HF folders (unpermuted) rotate-half. q·k is the same either way.
enum Llama: Architecture {
    static let ggufName = "llama"
    static let hfModelTypes = ["llama", "mistral"]
    static let activation = GatedActivation.silu
    static let ggufPermutesQK = true

    static func config(_ file: GGUFFile) throws -> ModelConfig {
        var c = try GGUFHyperparameters(file: file).commonConfig(
            architecture: ggufName, ropeStyle: .adjacent, defaultContext: 4096, defaultNormEps: 1e-5, defaultRopeBase: 10_000)
        if let t = file.tensor(named: "rope_freqs.weight") {
            guard t.dims == [c.rotaryDims / 2] else {
                throw ModelFileError(file: file.path, field: "tensor 'rope_freqs.weight' dims", offset: t.offset,
                                     expected: "[\(c.rotaryDims / 2)] (one factor per rotated pair), found \(t.dims)")
            }
            c.ropeFrequencyFactors = try file.floats(t)
        }
        try c.validate(source: file.path)
        return c
    }

    static func config(_ hf: HFConfig, path: String) throws -> ModelConfig { try commonConfig(hf, path: path) }

    static func layers(_ s: TensorSource, _ c: ModelConfig) throws -> [LayerWeights] {
        try (0..<c.layers).map { try LayerWeights.read(s, c, layer: $0) }
    }
}
