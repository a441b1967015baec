import Evaluate
import Foundation
import TestSupport
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
    /// Absent, the test skips, except under CI, where it fails: the setup must fetch it (`Requirement`).
    static func modelPath(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.model(Requirement.gemmaFile, file: file, line: line)
    }

    /// Qwen2.5-Coder 0.5B Instruct, the quick chat model.
    static func qwen05BPath(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.model(Requirement.qwen05BFile, file: file, line: line)
    }

    /// The release `yanfu` executable (skips when absent, fails under CI).
    static func binary(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.binary(file: file, line: line)
    }

    /// Starts the release binary (in folder `cwd` when given; with `input` on its stdin).
    static func start(_ args: [String], in cwd: String? = nil, input: String? = nil) throws -> (Process, stdout: ChildProcess.Output, stderr: ChildProcess.Output) {
        try ChildProcess.start(try binary(), args, in: cwd, input: input)
    }

    /// Runs the release binary to its end: exit status, stdout, stderr.
    static func run(_ args: [String], in cwd: String? = nil, input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(try binary(), args, in: cwd, input: input)
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
