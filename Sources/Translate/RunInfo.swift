import Evaluate
import Foundation
import Kernels
import LLM

extension RunInfo {
    static func make(settings: TranslateSettings, template: TemplateKind, bundle: ModelBundle) throws -> RunInfo {
        var sha = "", bytes = 0
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: settings.model, isDirectory: &isDir), !isDir.boolValue {
            (sha, bytes) = try SHA256.hexDigest(ofFileAt: settings.model)
        }
        let f = ISO8601DateFormatter()
        // Full paths, so that a resume from another directory finds the same files.
        return RunInfo(yanfuVersion: toolVersion, settings: settings.canonicalPaths, template: template, modelSHA256: sha,
                       modelBytes: bytes, architecture: bundle.model.config.architecture,
                       kernelThreads: KernelThreads.count, blas: KernelThreads.blasCoreName, started: f.string(from: Date()))
    }
}

extension Encodable {
    /// The settings that differ, by their names in the file that holds them (for a clear refusal
    /// to resume with other settings).
    func differences(from other: Self, keys: JSONEncoder.KeyEncodingStrategy = .useDefaultKeys) -> [String] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = keys
        // Each value as sorted-key JSON: a nested object's description has no fixed key order.
        func dict(_ s: Self) -> [String: String] {
            guard let d = try? encoder.encode(s),
                  let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
            return o.mapValues { value in
                (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        let a = dict(self), b = dict(other)
        return Set(a.keys).union(b.keys).sorted().compactMap { k in
            a[k] == b[k] ? nil : "\(k): \(a[k] ?? "unset") in the run, \(b[k] ?? "unset") now"
        }
    }
}

extension RunInfo {
    /// The run.json of a run folder.
    public static func read(folder: RunFolder) throws -> RunInfo {
        guard let data = FileManager.default.contents(atPath: folder.runJSON) else {
            throw TranslateError.resume(path: folder.path, reason: "no run.json (start without --resume)")
        }
        do { return try RunInfo.decode(data) } catch {
            throw TranslateError.resume(path: folder.runJSON, reason: "unreadable run.json (\(error))")
        }
    }
}

extension TranslateSettings {
    /// The same settings with the book, model, glossary, reference and dictionary paths canonical
    /// (a resume compares these).
    var canonicalPaths: TranslateSettings {
        var s = self
        s.book = RunFolder.canonical(book)
        s.model = RunFolder.canonical(model)
        s.glossary = glossary.map(RunFolder.canonical)
        s.reference = reference.map(RunFolder.canonical)
        s.dictionary = dictionary.map(RunFolder.canonical)
        return s
    }

    public func validate() throws {
        try requireTempLoRASettings(chunkTokens: chunkTokens, contextTokens: contextTokens,
                                    trainContextTokens: trainContextTokens, threads: threads, rank: lora.rank)
        try requireSetting(epochs >= 1, "--epochs", "expected at least 1, got \(epochs)")
        try requireSetting(kvReuse >= 0, "--kv-reuse", "expected 0 or more, got \(kvReuse)")
        try requireSetting(repetitionPenalty > 0, "--repetition-penalty", "expected a positive number, got \(repetitionPenalty)")
        try requireSetting(unitSentences >= 1, "--unit-sentences", "expected at least 1, got \(unitSentences)")
        try requireSetting(unitTokens >= 8, "--unit-tokens", "expected at least 8, got \(unitTokens)")
        try requireSetting(reference != nil || referenceEncoding == nil, "--reference-encoding", "needs --reference")
        try requireSetting(reference != nil || dictionary == nil, "--dictionary", "needs --reference (it helps align the reference's sentences)")
        try requireSetting(trainThreads >= 1 && (strategy != .parallel || trainThreads < threads || threads == 1),
                           "--train-threads", "expected 1 ≤ train threads < threads (\(threads)), got \(trainThreads)")
    }
}
