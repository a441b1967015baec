import Foundation
import Kernels
import LLM

/// run.json: every setting, the model's identity, the tool version and the timings of each
/// session (a resumed run has several).
public struct RunInfo: Codable, Sendable {
    public struct Session: Codable, Sendable {
        public var seconds: Double
        /// Units translated in this session (replayed ones included).
        public var units: Int
        public var replayed: Int
        public var generatedTokens: Int
        public var generationSeconds: Double
    }
    public var yanfuVersion: String
    public var settings: TranslateSettings
    public var template: TemplateKind
    public var modelSHA256: String
    public var modelBytes: Int
    public var architecture: String
    public var kernelThreads: Int
    public var blas: String
    public var started: String
    public var finished = false
    /// Seconds spent per chapter (keyed by chapter number): translation plus blocking training.
    public var chapterSeconds: [String: Double] = [:]
    public var sessions: [Session] = []
    public var updates: [UpdateRecord] = []

    /// Set by the command line (the library does not know the executable's version).
    nonisolated(unsafe) public static var toolVersion = "unknown"

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

    func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }
}

extension Encodable {
    /// The settings that differ, by their JSON names (for a clear refusal to resume with other
    /// settings).
    func differences(from other: Self) -> [String] {
        // Each value as sorted-key JSON: a nested object's description has no fixed key order.
        func dict(_ s: Self) -> [String: String] {
            guard let d = try? JSONEncoder().encode(s),
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
        do { return try JSONDecoder().decode(RunInfo.self, from: data) } catch {
            throw TranslateError.resume(path: folder.runJSON, reason: "unreadable run.json (\(error))")
        }
    }
}
