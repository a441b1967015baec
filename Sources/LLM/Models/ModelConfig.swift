import Kernels

/// The hyperparameters a forward pass needs, read from GGUF metadata or an HF config.json.
public struct ModelConfig: Sendable, Equatable {
    /// The architecture's GGUF name (`general.architecture`), a key of `Architectures`.
    public var architecture: String
    public var dim: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var ffnDim: Int
    public var vocabSize: Int
    /// The longest context the model was trained for (caches are sized to what is used instead).
    public var contextLength: Int
    public var normEps: Float
    /// RoPE base of global-attention layers (all layers for llama).
    public var ropeBase: Float
    /// RoPE base of sliding-window layers (gemma3: 10000, not stored in the GGUF).
    public var ropeBaseLocal: Float
    public var ropeStyle: RopeStyle
    /// Llama 3 RoPE scaling: one divisor per rotated pair of the global layers' frequencies.
    public var ropeFrequencyFactors: [Float]? = nil
    public var rotaryDims: Int
    /// Keys visible per query in sliding-window layers, including itself (0: no sliding layers).
    public var slidingWindow: Int
    /// Layer l is sliding iff slidingWindow > 0 and (l + 1) % slidingPattern != 0.
    public var slidingPattern: Int
    /// Multiplies queries before QKᵀ.
    public var attentionScale: Float
    /// Multiplies token embeddings (gemma3: √dim).
    public var embeddingScale: Float

    public func isSliding(layer l: Int) -> Bool {
        slidingWindow > 0 && slidingPattern > 0 && (l + 1) % slidingPattern != 0
    }

    public var qDim: Int { heads * headDim }
    public var kvDim: Int { kvHeads * headDim }

    /// Rejects geometry the forward pass cannot run, naming the offending field.
    func validate(source: String) throws {
        func fail(_ field: String, _ expected: String) -> ModelFileError {
            ModelFileError(file: source, field: field, offset: nil, expected: expected)
        }
        for (name, v) in [("embedding_length", dim), ("block_count", layers), ("attention.head_count", heads),
                          ("attention.head_count_kv", kvHeads), ("head_dim", headDim),
                          ("feed_forward_length", ffnDim), ("vocab size", vocabSize)] where v <= 0 {
            throw fail(name, "a positive integer, got \(v)")
        }
        if heads % kvHeads != 0 {
            throw fail("attention.head_count_kv", "a divisor of head_count \(heads), got \(kvHeads)")
        }
        if rotaryDims > headDim || rotaryDims % 2 != 0 {
            throw fail("rope.dimension_count", "an even number ≤ head_dim \(headDim), got \(rotaryDims)")
        }
    }
}
