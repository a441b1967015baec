import Evaluate
import Foundation
import Translate
import XCTest

/// Paths and helpers shared by the tests that run the model.
enum TranslateTestSupport {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var fixtures: String { packageRoot + "/Tests/Fixtures/translate" }

    /// Gemma 3 270M, the quick model these tests translate with (`yanfu model fetch gemma-3-270m`).
    static func modelPath() throws -> String { try cachedModel("gemma-3-270m-q4_k_m.gguf", name: "gemma-3-270m") }

    /// Qwen2.5-Coder 0.5B Instruct, the quick chat model.
    static func qwen05BPath() throws -> String { try cachedModel("qwen2.5-coder-0.5b-instruct.gguf", name: "qwen2.5-coder-0.5b-instruct") }

    /// A model in the cache. Absent, the test skips, except under CI (CI=true), where it fails:
    /// the setup must fetch it.
    static func cachedModel(_ file: String, name: String) throws -> String {
        let home = ProcessInfo.processInfo.environment["YANFU_HOME"] ?? (NSHomeDirectory() + "/.cache/yanfu")
        let path = home + "/models/" + file
        if FileManager.default.fileExists(atPath: path) { return path }
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("\(path) is missing in CI (.ci/run must fetch it)") }
        throw XCTSkip("model not found at \(path) (run `yanfu model fetch \(name)`)")
    }

    static func binary() throws -> String {
        let path = packageRoot + "/.build/release/yanfu"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("\(path) not built (run `swift build -c release` first)")
        }
        return path
    }

    static func temporaryDirectory(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "yanfu-translate-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// segments.jsonl without its timing fields, one dictionary per line.
    static func segmentsWithoutTimings(_ folder: String) throws -> [NSDictionary] {
        let text = try String(contentsOfFile: folder + "/segments.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return obj.filter { !SegmentRecord.timingKeys.contains($0.key) } as NSDictionary
        }
    }

    /// Every file of `sub` (recursively) with its bytes.
    static func files(_ folder: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: folder) else { return out }
        for case let rel as String in e {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: folder + "/" + rel, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = fm.contents(atPath: folder + "/" + rel)
            }
        }
        return out
    }
}
