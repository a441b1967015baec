import Foundation
import LLM
import XCTest

/// Paths shared by the model tests.
enum ModelTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/llm")

    static var modelsDirectory: String {
        (ProcessInfo.processInfo.environment["YANFU_HOME"] ?? (NSHomeDirectory() + "/.cache/yanfu")) + "/models"
    }

    static let gemmaFile = "gemma-3-270m-q4_k_m.gguf"
    static let qwen05BFile = "qwen2.5-coder-0.5b-instruct.gguf"
    static let qwen15BFile = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

    /// The path of a cached model file (`yanfu model fetch NAME`). Absent, the test skips, except
    /// under CI (CI=true), where a missing model means the setup failed and the test must fail.
    static func requireModel(_ fileName: String) throws -> String {
        let path = modelsDirectory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) { return path }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("\(path) is missing in CI (.ci/run must fetch it)")
        }
        throw XCTSkip("model not found at \(path) (run `yanfu model fetch`)")
    }

    /// A file of ../shared/corpora. Absent, the test skips, except under CI, where the shared
    /// folder is laid beside the clone and a missing file means the run is broken.
    static func requireCorpus(_ relative: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("../shared/corpora").appendingPathComponent(relative).standardized
        if FileManager.default.fileExists(atPath: url.path) { return url }
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("\(url.path) is missing in CI") }
        throw XCTSkip("corpus not found at \(url.path)")
    }

    nonisolated(unsafe) private static var loaded: [String: LanguageModel] = [:]

    /// A cached model file, loaded once per test process (2 threads); see `requireModel`.
    static func cachedModel(_ fileName: String) throws -> LanguageModel {
        if let m = loaded[fileName] { return m }
        let m = try LanguageModel.load(path: try requireModel(fileName), threads: 2)
        loaded[fileName] = m
        return m
    }

    /// Gemma 3 270M (the first default model, where most numeric references were taken).
    static func gemma() throws -> LanguageModel { try cachedModel(gemmaFile) }

    static func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(relative))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Indices of the k largest values, best first.
    static func topK(_ x: [Float], _ k: Int) -> [Int] {
        var best: [(Int, Float)] = []
        for (i, v) in x.enumerated() where best.count < k || v > best[best.count - 1].1 {
            let pos = best.firstIndex { v > $0.1 } ?? best.count
            best.insert((i, v), at: pos)
            if best.count > k { best.removeLast() }
        }
        return best.map { $0.0 }
    }
}
