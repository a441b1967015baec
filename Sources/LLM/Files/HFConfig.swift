import Foundation

/// The parts of a Hugging Face `config.json` a decoder (llama, qwen2, qwen3) needs, with
/// transformers' LlamaConfig defaults for absent keys. Accepts `rope_theta` and v5's `rope_parameters`.
public struct HFConfig: Sendable, Equatable {
    public var modelType: String
    public var architectures: [String]
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var maxPositionEmbeddings: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    /// `rope_type` other than "default" (e.g. "llama3", "linear"); nil when unscaled.
    public var ropeScalingType: String?
    public var ropeScalingFactor: Double?
    /// The numeric entries of `rope_scaling` / `rope_parameters` (llama3: low_freq_factor, …).
    public var ropeScaling: [String: Double]
    /// Qwen2's sliding-window attention switch (off in every released Qwen2.5).
    public var useSlidingWindow: Bool
    public var hiddenAct: String
    public var attentionBias: Bool
    public var mlpBias: Bool
    /// As written in the file; whether the head is really tied is decided by `lm_head.weight`'s presence.
    public var tieWordEmbeddings: Bool
    public var bosTokenId: Int?
    public var eosTokenIds: [Int]
    /// "float32", "bfloat16", … (`torch_dtype` or v5's `dtype`).
    public var dtype: String?

    /// Parses `config.json` at `path`.
    public init(path: String) throws {
        func fail(_ field: String, _ expected: String) -> ModelFileError {
            ModelFileError(file: path, field: field, expected: expected)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw fail("file", "a readable config.json (\(error.localizedDescription))")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: data), let c = obj as? [String: Any] else {
            throw fail("file", "a JSON object")
        }
        func int(_ key: String, _ d: Int?) throws -> Int {
            guard let v = c[key], !(v is NSNull) else {
                if let d { return d }
                throw fail(key, "an integer (required)")
            }
            guard let n = v as? NSNumber, let i = Int(exactly: n.doubleValue), i >= 0 else { throw fail(key, "a non-negative integer, found \(v)") }
            return i
        }
        func double(_ dict: [String: Any], _ key: String, _ d: Double) throws -> Double {
            guard let v = dict[key], !(v is NSNull) else { return d }
            guard let n = v as? NSNumber else { throw fail(key, "a number, found \(v)") }
            return n.doubleValue
        }
        func bool(_ key: String, _ d: Bool) -> Bool { (c[key] as? NSNumber)?.boolValue ?? d }

        modelType = c["model_type"] as? String ?? "llama"
        architectures = c["architectures"] as? [String] ?? []
        vocabSize = try int("vocab_size", 32000)
        hiddenSize = try int("hidden_size", 4096)
        intermediateSize = try int("intermediate_size", 11008)
        numHiddenLayers = try int("num_hidden_layers", 32)
        numAttentionHeads = try int("num_attention_heads", 32)
        numKeyValueHeads = try int("num_key_value_heads", numAttentionHeads)
        guard numAttentionHeads > 0, numKeyValueHeads > 0, numAttentionHeads % numKeyValueHeads == 0 else {
            throw fail("num_key_value_heads", "a divisor of num_attention_heads (\(numAttentionHeads)), found \(numKeyValueHeads)")
        }
        headDim = try int("head_dim", hiddenSize / numAttentionHeads)
        maxPositionEmbeddings = try int("max_position_embeddings", 2048)
        rmsNormEps = try double(c, "rms_norm_eps", 1e-6)
        let ropeParameters = c["rope_parameters"] as? [String: Any]
        let scalingObject = c["rope_scaling"] as? [String: Any]
        ropeTheta = try double(c, "rope_theta", ropeParameters.map { try double($0, "rope_theta", 10000) } ?? 10000)
        let scaling = scalingObject ?? ropeParameters
        let type = (scaling?["rope_type"] ?? scaling?["type"]) as? String
        ropeScalingType = type == nil || type == "default" ? nil : type
        ropeScalingFactor = (scaling?["factor"] as? NSNumber)?.doubleValue
        ropeScaling = (scaling ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        useSlidingWindow = bool("use_sliding_window", false)
        hiddenAct = c["hidden_act"] as? String ?? "silu"
        attentionBias = bool("attention_bias", false)
        mlpBias = bool("mlp_bias", false)
        tieWordEmbeddings = bool("tie_word_embeddings", false)
        bosTokenId = (c["bos_token_id"] as? NSNumber)?.intValue
        if let list = c["eos_token_id"] as? [NSNumber] {
            eosTokenIds = list.map(\.intValue)
        } else if let one = c["eos_token_id"] as? NSNumber {
            eosTokenIds = [one.intValue]
        } else {
            eosTokenIds = []
        }
        dtype = (c["torch_dtype"] ?? c["dtype"]) as? String
    }
}
