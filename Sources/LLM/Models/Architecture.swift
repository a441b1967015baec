import Foundation
import Kernels

/// What one decoder architecture declares: its names, how its hyperparameters are read from a GGUF
/// file or a Hugging Face config.json, and its layers' tensors (by GGUF name). Each architecture is
/// one file in this folder; `Architectures.all` registers it, and nothing else switches on it.
protocol Architecture {
    /// GGUF `general.architecture`.
    static var ggufName: String { get }
    /// Hugging Face `model_type`s it loads from safetensors folders (none: GGUF only).
    static var hfModelTypes: [String] { get }
    static var activation: GatedActivation { get }
    /// Whether llama.cpp's converter permutes this architecture's q/k rows into adjacent-pair
    /// RoPE order (formats.md §1.4); adapters written for llama.cpp must follow it.
    static var ggufPermutesQK: Bool { get }
    static func config(_ file: GGUFFile) throws -> ModelConfig
    static func config(_ hf: HFConfig, path: String) throws -> ModelConfig
    static func layers(_ s: TensorSource, _ c: ModelConfig) throws -> [LayerWeights]
}

extension Architecture {
    static var hfModelTypes: [String] { [] }
    static var ggufPermutesQK: Bool { false }

    static func config(_ hf: HFConfig, path: String) throws -> ModelConfig {
        throw ModelFileError(file: path, field: "model_type", expected: "a folder architecture Yanfu reads, found \(hf.modelType)")
    }

    /// A GGUF configuration that needs nothing beyond the common fields, validated.
    static func commonConfig(_ file: GGUFFile, ropeStyle: RopeStyle, defaultContext: Int, defaultNormEps: Float,
                             defaultRopeBase: Float) throws -> ModelConfig {
        let c = try GGUFHyperparameters(file: file).commonConfig(
            architecture: ggufName, ropeStyle: ropeStyle, defaultContext: defaultContext, defaultNormEps: defaultNormEps,
            defaultRopeBase: defaultRopeBase)
        try c.validate(source: file.path)
        return c
    }

    /// A folder configuration from the common fields, validated; `attention_bias` (biases on all
    /// four attention projections) is refused where the architecture does not have it.
    static func commonConfig(_ hf: HFConfig, path: String, attentionBias: Bool = false) throws -> ModelConfig {
        if hf.attentionBias && !attentionBias {
            throw ModelFileError(file: path, field: "attention_bias", expected: "false (\(ggufName) attention biases are not supported)")
        }
        let c = try hf.commonConfig(architecture: ggufName, path: path)
        try c.validate(source: path)
        return c
    }
}

/// The registry of architectures.
enum Architectures {
    static let all: [any Architecture.Type] = [Gemma3.self, Llama.self, Qwen2.self, Qwen3.self]

    static func named(_ name: String) -> (any Architecture.Type)? { all.first { $0.ggufName == name } }

    /// The architecture of a GGUF file, or an error naming what it says.
    static func of(_ file: GGUFFile) throws -> any Architecture.Type {
        guard let name = file.architecture, let a = named(name) else {
            throw ModelFileError(file: file.path, field: "metadata 'general.architecture'",
                                 expected: "one of \(all.map { $0.ggufName }.joined(separator: ", ")), found \(file.architecture ?? "nothing")")
        }
        return a
    }

    /// The architecture of a Hugging Face folder's config.json.
    static func of(_ hf: HFConfig, path: String) throws -> any Architecture.Type {
        guard let a = all.first(where: { $0.hfModelTypes.contains(hf.modelType) }) else {
            let known = all.flatMap { $0.hfModelTypes }.joined(separator: ", ")
            throw ModelFileError(file: path, field: "model_type", expected: "one of \(known), found \(hf.modelType)")
        }
        return a
    }
}

extension GGUFHyperparameters {
    /// The fields every architecture reads under the same keys; architectures adjust the rest.
    func commonConfig(architecture: String, ropeStyle: RopeStyle, defaultContext: Int, defaultNormEps: Float,
                      defaultRopeBase: Float) throws -> ModelConfig {
        let dim = try int("embedding_length")
        let heads = try int("attention.head_count")
        let headDim = try int("attention.key_length", default: dim / max(1, heads))
        let base = try float("rope.freq_base", default: defaultRopeBase)
        if let t = file.archValue("rope.scaling.type")?.string, t != "none" {
            throw ModelFileError(file: file.path, field: "metadata '\(architecture).rope.scaling.type'",
                                 expected: "none (RoPE scaling '\(t)' is not supported)")
        }
        return ModelConfig(
            architecture: architecture, dim: dim, layers: try int("block_count"), heads: heads,
            kvHeads: try int("attention.head_count_kv", default: heads), headDim: headDim,
            ffnDim: try int("feed_forward_length"), vocabSize: vocabSize(),
            contextLength: try int("context_length", default: defaultContext),
            normEps: try float("attention.layer_norm_rms_epsilon", default: defaultNormEps),
            ropeBase: base, ropeBaseLocal: base, ropeStyle: ropeStyle,
            rotaryDims: try int("rope.dimension_count", default: headDim),
            slidingWindow: 0, slidingPattern: 0,
            attentionScale: 1 / Float(headDim).squareRoot(), embeddingScale: 1)
    }
}

extension HFConfig {
    /// The fields every folder architecture reads under the same keys (RoPE in HF's rotate-half
    /// layout); architectures check what they do not support and adjust the rest.
    func commonConfig(architecture: String, path: String) throws -> ModelConfig {
        func fail(_ field: String, _ expected: String) -> ModelFileError { ModelFileError(file: path, field: field, expected: expected) }
        guard hiddenAct == "silu" else { throw fail("hidden_act", "silu, found \(hiddenAct)") }
        if mlpBias { throw fail("mlp_bias", "false (MLP biases are not supported)") }
        if useSlidingWindow { throw fail("use_sliding_window", "false (sliding-window attention is not supported for \(modelType))") }
        var factors: [Float]?
        switch ropeScalingType {
        case nil: break
        case "llama3":
            guard let f = ropeScalingFactor, let low = ropeScaling["low_freq_factor"], let high = ropeScaling["high_freq_factor"],
                  let original = ropeScaling["original_max_position_embeddings"] else {
                throw fail("rope_scaling", "factor, low_freq_factor, high_freq_factor and original_max_position_embeddings for llama3 scaling")
            }
            factors = RopeTable.llama3FrequencyFactors(rotaryDims: headDim, base: Float(ropeTheta), factor: Float(f),
                                                       lowFrequencyFactor: Float(low), highFrequencyFactor: Float(high),
                                                       originalContext: Int(original))
        case let s?: throw fail("rope_scaling", "none or llama3 (RoPE scaling '\(s)' is not supported)")
        }
        var c = ModelConfig(
            architecture: architecture, dim: hiddenSize, layers: numHiddenLayers, heads: numAttentionHeads,
            kvHeads: numKeyValueHeads, headDim: headDim, ffnDim: intermediateSize, vocabSize: vocabSize,
            contextLength: maxPositionEmbeddings, normEps: Float(rmsNormEps),
            ropeBase: Float(ropeTheta), ropeBaseLocal: Float(ropeTheta), ropeStyle: .neox, rotaryDims: headDim,
            slidingWindow: 0, slidingPattern: 0, attentionScale: 1 / Float(headDim).squareRoot(), embeddingScale: 1)
        c.ropeFrequencyFactors = factors
        return c
    }
}

extension LayerWeights {
    /// A layer under the GGUF tensor names all architectures share; `qkvBias` (qwen2), `qkNorm`
    /// (qwen3, gemma3: per-head RMSNorm of q and k before RoPE) and `postNorms` (gemma3: RMSNorm of
    /// each block's output before the residual add) say which optional tensors it has.
    static func read(_ s: TensorSource, _ c: ModelConfig, layer l: Int, qkvBias: Bool = false, qkNorm: Bool = false,
                     postNorms: Bool = false) throws -> LayerWeights {
        let p = "blk.\(l)."
        func bias(_ name: String, _ n: Int) throws -> [Float]? { qkvBias ? try s.vector(p + name + ".bias", count: n) : nil }
        return LayerWeights(
            attnNorm: try s.vector(p + "attn_norm.weight", count: c.dim),
            q: LinearWeight(try s.matrix(p + "attn_q.weight", rows: c.qDim, cols: c.dim), bias: try bias("attn_q", c.qDim)),
            k: LinearWeight(try s.matrix(p + "attn_k.weight", rows: c.kvDim, cols: c.dim), bias: try bias("attn_k", c.kvDim)),
            v: LinearWeight(try s.matrix(p + "attn_v.weight", rows: c.kvDim, cols: c.dim), bias: try bias("attn_v", c.kvDim)),
            o: try s.linear(p + "attn_output.weight", rows: c.dim, cols: c.qDim),
            qNorm: qkNorm ? try s.vector(p + "attn_q_norm.weight", count: c.headDim) : nil,
            kNorm: qkNorm ? try s.vector(p + "attn_k_norm.weight", count: c.headDim) : nil,
            postAttnNorm: postNorms ? try s.vector(p + "post_attention_norm.weight", count: c.dim) : nil,
            ffnNorm: try s.vector(p + "ffn_norm.weight", count: c.dim),
            postFfnNorm: postNorms ? try s.vector(p + "post_ffw_norm.weight", count: c.dim) : nil,
            gate: try s.linear(p + "ffn_gate.weight", rows: c.ffnDim, cols: c.dim),
            up: try s.linear(p + "ffn_up.weight", rows: c.ffnDim, cols: c.dim),
            down: try s.linear(p + "ffn_down.weight", rows: c.dim, cols: c.ffnDim))
    }
}
