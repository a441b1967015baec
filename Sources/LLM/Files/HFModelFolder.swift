import Foundation

/// A Hugging Face model folder: `config.json`, weights in `model.safetensors` or shards listed by
/// `model.safetensors.index.json`, and a tokenizer (`tokenizer.json` or `tokenizer.model`).
public final class HFModelFolder: @unchecked Sendable {
    public let path: String
    public let config: HFConfig
    /// `tokenizer.model` if present.
    public let tokenizerModelPath: String?
    /// Tensor names in a stable order (by file, then data offset).
    public let tensorNames: [String]
    private let files: [SafetensorsFile]
    private let location: [String: (file: Int, info: SafetensorInfo)]

    public init(path: String) throws {
        self.path = path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw ModelFileError(file: path, field: "folder", expected: "a Hugging Face model folder")
        }
        let dir = URL(fileURLWithPath: path)
        let configPath = dir.appendingPathComponent("config.json").path
        guard fm.fileExists(atPath: configPath) else {
            throw ModelFileError(file: configPath, field: "file", expected: "config.json in the model folder")
        }
        config = try HFConfig(path: configPath)

        let single = dir.appendingPathComponent("model.safetensors").path
        let index = dir.appendingPathComponent("model.safetensors.index.json").path
        var shardNames: [String]
        var weightMap: [String: String]?
        if fm.fileExists(atPath: single) {
            shardNames = ["model.safetensors"]
        } else if fm.fileExists(atPath: index) {
            guard let data = fm.contents(atPath: index),
                  let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let map = obj["weight_map"] as? [String: String] else {
                throw ModelFileError(file: index, field: "weight_map", expected: "an object mapping tensor names to shard files")
            }
            for shard in Set(map.values) where shard.contains("/") || shard.hasPrefix(".") {
                throw ModelFileError(file: index, field: "weight_map", expected: "shard file names inside the folder, found '\(shard)'")
            }
            weightMap = map
            shardNames = Set(map.values).sorted()
        } else {
            throw ModelFileError(file: path, field: "weights", expected: "model.safetensors or model.safetensors.index.json")
        }
        var files: [SafetensorsFile] = []
        var location: [String: (Int, SafetensorInfo)] = [:]
        var names: [String] = []
        for (i, shard) in shardNames.enumerated() {
            let f = try SafetensorsFile(path: dir.appendingPathComponent(shard).path)
            files.append(f)
            for name in f.tensorNames {
                if let map = weightMap, map[name] != shard { continue }  // listed under another shard
                guard location[name] == nil else {
                    throw ModelFileError(file: f.path, field: "tensor '\(name)'", expected: "each tensor in one shard only")
                }
                location[name] = (i, f.tensors[name]!)
                names.append(name)
            }
        }
        if let map = weightMap {
            for (name, shard) in map where location[name] == nil {
                throw ModelFileError(file: dir.appendingPathComponent(shard).path, field: "tensor '\(name)'",
                                     expected: "the tensor listed for this shard in model.safetensors.index.json")
            }
        }
        self.files = files
        self.location = location
        tensorNames = names
        let tok = dir.appendingPathComponent("tokenizer.model").path
        tokenizerModelPath = fm.fileExists(atPath: tok) ? tok : nil
    }

    public func tensor(named name: String) -> SafetensorInfo? { location[name]?.info }

    /// The tensor's bytes (valid while this folder object lives).
    public func pointer(to name: String) -> UnsafeRawPointer? {
        guard let l = location[name] else { return nil }
        return files[l.file].pointer(to: l.info)
    }

    /// The tensor as floats (F32, F16, BF16); throws when absent or of another dtype.
    public func floats(named name: String) throws -> [Float] {
        guard let l = location[name] else {
            throw ModelFileError(file: path, field: "tensor '\(name)'", expected: "a tensor of that name in the safetensors files")
        }
        return try files[l.file].floats(l.info)
    }

    /// The output head is tied to the embeddings when there is no `lm_head.weight`.
    public var tiedEmbeddings: Bool { location["lm_head.weight"] == nil }

    /// The folder's tokenizer: `tokenizer.json` (byte-level BPE) or `tokenizer.model`
    /// (SentencePiece), adding BOS/EOS as `tokenizer_config.json` says (transformers' Llama
    /// defaults for SentencePiece: BOS yes, EOS no).
    public func makeTokenizer() throws -> Tokenizer {
        try Tokenizer.fromHuggingFaceFolder(path)
    }
}
