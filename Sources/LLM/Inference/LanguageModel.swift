import Foundation
import Kernels

/// A loaded decoder model: configuration, weights (kept in their stored form in the file's
/// mapping) and one reusable workspace. Forward passes are serialized by a lock, so sessions of
/// the same model may be used from different threads but run one at a time.
public final class LanguageModel: @unchecked Sendable {
    public let path: String
    public let config: ModelConfig
    public let transformer: Transformer
    let lock = NSLock()
    let gguf: GGUFFile?
    var cachedTokenizer: Tokenizer?

    init(path: String, config: ModelConfig, transformer: Transformer, gguf: GGUFFile?) {
        self.path = path
        self.config = config
        self.transformer = transformer
        self.gguf = gguf
    }

    /// Loads a GGUF file or a Hugging Face folder (the architectures of `Architectures`) and sets the kernels to `threads`
    /// threads (default: all cores).
    public static func load(path: String, threads: Int? = nil) throws -> LanguageModel {
        KernelThreads.set(threads ?? KernelThreads.cores)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelFileError(file: path, field: "path", expected: "an existing GGUF file or Hugging Face model folder")
        }
        if isDir.boolValue { return try loadHFFolder(path: path) }
        let file = try GGUFFile(path: path)
        let config = try Architectures.of(file).config(file)
        let source = GGUFTensorSource(file)
        let t = try Transformer(config: config, source: source, owner: file)
        return LanguageModel(path: path, config: config, transformer: t, gguf: file)
    }

    /// A session with a KV cache for about `capacity` positions (it grows if needed).
    public func makeSession(capacity: Int = 512, adapter: LoRAAdapter? = nil) -> Session {
        let s = Session(model: self, cache: transformer.makeCache(capacity: capacity))
        s.adapter = adapter
        return s
    }
}

/// Which positions of a forward call need logits.
public enum LogitsRequest: Sendable {
    case none
    case last
    /// Every position from this index of the ids passed on.
    case from(Int)
}

/// One sequence being processed: its tokens so far and their keys/values.
public final class Session: @unchecked Sendable {
    public let model: LanguageModel
    public let cache: KVCache
    public private(set) var tokens: [Int32] = []
    /// LoRA adapter applied (on the fly) to the positions fed from now on.
    public var adapter: LoRAAdapter?

    init(model: LanguageModel, cache: KVCache) {
        self.model = model
        self.cache = cache
    }

    /// Appends `ids` and returns logits (rows × vocab, row-major) for the requested positions.
    @discardableResult
    public func prefill(_ ids: [Int32], logits request: LogitsRequest = .last) -> [Float] {
        if ids.isEmpty { return [] }
        let from: Int
        switch request {
        case .none: from = ids.count
        case .last: from = ids.count - 1
        case .from(let i): from = max(0, min(i, ids.count))
        }
        model.lock.lock()
        defer { model.lock.unlock() }
        let t = model.transformer
        t.adapter = adapter
        defer { t.adapter = nil }
        let hidden = t.hiddenStates(ids, cache: cache, hiddenFrom: from)
        tokens += ids
        return from < ids.count ? t.logits(hidden, rows: ids.count - from) : []
    }

    /// Appends one token and returns the logits of the next position.
    public func decode(_ id: Int32) -> [Float] { prefill([id], logits: .last) }

    /// Appends `ids` and returns −log p(ids[i+1] | …ids[i]) for i in `scoredFrom` ..< ids.count−1,
    /// without materializing the logits.
    public func negativeLogLikelihoods(_ ids: [Int32], scoredFrom: Int) -> [Double] {
        precondition(scoredFrom >= 0 && scoredFrom < ids.count - 1)
        model.lock.lock()
        defer { model.lock.unlock() }
        let t = model.transformer
        t.adapter = adapter
        defer { t.adapter = nil }
        var hidden = t.hiddenStates(ids, cache: cache, hiddenFrom: scoredFrom)
        tokens += ids
        hidden.removeLast(t.config.dim)   // the last position predicts nothing inside ids
        return t.negativeLogLikelihoods(hidden, targets: Array(ids[(scoredFrom + 1)...]))
    }

    /// Appends `ids` and returns −log p(ids[i] | ids[..<i]) for every i ≥ 1 with `scored[i]`, in
    /// order; the output head runs only at the positions that predict a scored token.
    public func negativeLogLikelihoods(_ ids: [Int32], scored: [Bool]) -> [Double] {
        precondition(scored.count == ids.count)
        let targets = (1..<max(1, ids.count)).filter { scored[$0] }
        guard let first = targets.first else {
            prefill(ids, logits: .none)
            return []
        }
        model.lock.lock()
        defer { model.lock.unlock() }
        let t = model.transformer
        t.adapter = adapter
        defer { t.adapter = nil }
        let d = t.config.dim, from = first - 1
        let hidden = t.hiddenStates(ids, cache: cache, hiddenFrom: from)
        tokens += ids
        var rows = [Float](repeating: 0, count: targets.count * d)
        for (k, i) in targets.enumerated() {
            let src = (i - 1 - from) * d
            for j in 0..<d { rows[k * d + j] = hidden[src + j] }
        }
        return t.negativeLogLikelihoods(rows, targets: targets.map { ids[$0] })
    }

    /// Forgets the positions from `count` on, keeping the keys/values of those before it.
    public func truncate(to count: Int) {
        cache.truncate(to: count)
        tokens.removeSubrange(max(0, min(count, tokens.count))...)
    }

    /// Forgets everything (keeps the cache memory).
    public func reset() {
        cache.clear()
        tokens = []
    }
}

extension LanguageModel {
    /// The model's tokenizer (built on first use from the GGUF vocabulary or the folder's
    /// tokenizer.json or tokenizer.model).
    public func tokenizer() throws -> Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let t = cachedTokenizer { return t }
        let t: Tokenizer
        if let g = gguf {
            t = try Tokenizer.fromGGUF(g)
        } else {
            t = try Tokenizer.fromHuggingFaceFolder(path)
        }
        cachedTokenizer = t
        return t
    }
}
