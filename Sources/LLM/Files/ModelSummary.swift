import Foundation

/// What `yanfu model info` reports about a GGUF file or a Hugging Face folder.
public struct ModelSummary: Sendable, Encodable, Equatable {
    public struct TypeUsage: Sendable, Encodable, Equatable {
        public var type: String
        public var tensors: Int
        public var parameters: Int
        public var bytes: Int
    }

    public var path: String
    public var format: String  // "gguf" or "safetensors"
    public var name: String?
    public var architecture: String?
    public var parameters: Int
    public var tensorCount: Int
    public var tensorBytes: Int
    public var tensorTypes: [TypeUsage]
    public var vocabularySize: Int?
    public var tokenizer: String?
    public var contextLength: Int?
    public var embeddingLength: Int?
    public var blockCount: Int?
    public var headCount: Int?
    public var headCountKV: Int?
    public var feedForwardLength: Int?
    public var chatTemplate: String?
    public var ggufVersion: Int?
    public var metadataCount: Int?

    /// Reads `path` (a `.gguf` file or a folder with config.json + safetensors).
    public static func describe(path: String) throws -> ModelSummary {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelFileError(file: path, field: "path", expected: "an existing GGUF file or Hugging Face folder")
        }
        return isDir.boolValue ? try describe(folder: HFModelFolder(path: path)) : try describe(gguf: GGUFFile(path: path))
    }

    public static func describe(gguf f: GGUFFile) -> ModelSummary {
        var usage: [TensorType: TypeUsage] = [:]
        for t in f.tensors {
            usage[t.type, default: TypeUsage(type: t.type.description, tensors: 0, parameters: 0, bytes: 0)].tensors += 1
            usage[t.type]!.parameters += t.elementCount
            usage[t.type]!.bytes += t.byteCount
        }
        let types = usage.values.sorted { $0.bytes > $1.bytes }
        let tokenModel = f.metadata["tokenizer.ggml.model"]?.string
        return ModelSummary(
            path: f.path, format: "gguf", name: f.metadata["general.name"]?.string, architecture: f.architecture,
            parameters: types.reduce(0) { $0 + $1.parameters }, tensorCount: f.tensors.count,
            tensorBytes: types.reduce(0) { $0 + $1.bytes }, tensorTypes: types,
            vocabularySize: f.metadata["tokenizer.ggml.tokens"]?.array?.count ?? f.archValue("vocab_size")?.int,
            tokenizer: tokenModel.map { model in
                model == "llama" ? "SentencePiece (llama)"
                    : model == "gpt2" ? "byte-level BPE (gpt2, pre \(f.metadata["tokenizer.ggml.pre"]?.string ?? "unset"))" : model
            },
            contextLength: f.archValue("context_length")?.int, embeddingLength: f.archValue("embedding_length")?.int,
            blockCount: f.archValue("block_count")?.int, headCount: f.archValue("attention.head_count")?.int,
            headCountKV: f.archValue("attention.head_count_kv")?.int, feedForwardLength: f.archValue("feed_forward_length")?.int,
            chatTemplate: f.metadata["tokenizer.chat_template"]?.string, ggufVersion: Int(f.version), metadataCount: f.metadata.count)
    }

    public static func describe(folder m: HFModelFolder) -> ModelSummary {
        var usage: [String: TypeUsage] = [:]
        for name in m.tensorNames {
            let t = m.tensor(named: name)!
            usage[t.dtype.rawValue, default: TypeUsage(type: t.dtype.rawValue, tensors: 0, parameters: 0, bytes: 0)].tensors += 1
            usage[t.dtype.rawValue]!.parameters += t.elementCount
            usage[t.dtype.rawValue]!.bytes += t.byteCount
        }
        let types = usage.values.sorted { $0.bytes > $1.bytes }
        let c = m.config
        return ModelSummary(
            path: m.path, format: "safetensors", name: nil, architecture: c.architectures.first ?? c.modelType,
            parameters: types.reduce(0) { $0 + $1.parameters }, tensorCount: m.tensorNames.count,
            tensorBytes: types.reduce(0) { $0 + $1.bytes }, tensorTypes: types, vocabularySize: c.vocabSize,
            tokenizer: m.tokenizerModelPath != nil ? "SentencePiece (tokenizer.model)"
                : FileManager.default.fileExists(atPath: m.path + "/tokenizer.json") ? "byte-level BPE (tokenizer.json)" : nil,
            contextLength: c.maxPositionEmbeddings, embeddingLength: c.hiddenSize, blockCount: c.numHiddenLayers,
            headCount: c.numAttentionHeads, headCountKV: c.numKeyValueHeads, feedForwardLength: c.intermediateSize,
            chatTemplate: chatTemplate(inFolder: m.path), ggufVersion: nil, metadataCount: nil)
    }

    /// `chat_template` from tokenizer_config.json, or chat_template.jinja.
    private static func chatTemplate(inFolder path: String) -> String? {
        let dir = URL(fileURLWithPath: path)
        if let data = try? Data(contentsOf: dir.appendingPathComponent("tokenizer_config.json")),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let t = obj["chat_template"] as? String {
            return t
        }
        return try? String(contentsOf: dir.appendingPathComponent("chat_template.jinja"), encoding: .utf8)
    }
}
