import Foundation
import LLM
import TestSupport
import XCTest

/// Paths shared by the model tests.
enum ModelTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/llm")

    static var modelsDirectory: String { Requirement.modelsDirectory }

    static let gemmaFile = Requirement.gemmaFile
    static let qwen05BFile = Requirement.qwen05BFile
    static let qwen15BFile = Requirement.qwen15BFile

    /// The path of a cached model file (`yanfu model fetch NAME`). Absent, the test skips, except
    /// under CI, where a missing model means the setup failed and the test fails (`Requirement`).
    static func requireModel(_ fileName: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.model(fileName, file: file, line: line)
    }

    /// A file of ../shared/corpora. Absent, the test skips, except under CI, where the shared
    /// folder is laid beside the clone and a missing file means the run is broken.
    static func requireCorpus(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        URL(fileURLWithPath: try Requirement.corpus(relative, file: file, line: line))
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
