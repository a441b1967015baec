import Foundation
import XCTest

/// What a test needs from outside the repository: a cached model, the shared corpora
/// (`../shared/corpora`), the release `yanfu` binary, a Debian program. Absent, the test skips
/// with a message, except under CI (the environment variable CI set, as `.ci/run` sets it), where
/// the setup must have provided it and the test fails instead: CI never passes by skipping.
///
/// Every such skip in the suites goes through `Requirement.missing`.
public enum Requirement {
    /// The package's root (this file is Tests/TestSupport/Requirement.swift).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// CI is set (any value but empty, "0" or "false").
    public static var underCI: Bool {
        guard let v = ProcessInfo.processInfo.environment["CI"] else { return false }
        return !["", "0", "false"].contains(v.lowercased())
    }

    /// The error a failed requirement throws under CI (a thrown error fails the test).
    public struct MissingUnderCI: Error, CustomStringConvertible {
        public let description: String
    }

    /// A skip for `message`; under CI a failure (recorded at the caller's line) and an error
    /// that ends the test.
    public static func missing(_ message: String, file: StaticString = #filePath, line: UInt = #line) -> Error {
        guard underCI else { return XCTSkip(message, file: file, line: line) }
        let text = message + " (CI is set: the setup must provide it, so the test fails instead of skipping)"
        XCTFail(text, file: file, line: line)
        return MissingUnderCI(description: text)
    }

    /// The models folder: $YANFU_HOME/models, else ~/.cache/yanfu/models.
    public static var modelsDirectory: String {
        (ProcessInfo.processInfo.environment["YANFU_HOME"] ?? (NSHomeDirectory() + "/.cache/yanfu")) + "/models"
    }

    /// Catalog model files the suites use.
    public static let gemmaFile = "gemma-3-270m-q4_k_m.gguf"
    public static let qwen05BFile = "qwen2.5-coder-0.5b-instruct.gguf"
    public static let qwen15BFile = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

    /// The catalog names `yanfu model fetch` takes, by file.
    static let catalogNames = [gemmaFile: "gemma-3-270m", qwen05BFile: "qwen2.5-coder-0.5b-instruct",
                               qwen15BFile: "qwen2.5-coder-1.5b-instruct"]

    /// The path of a cached model file (`yanfu model fetch NAME`).
    public static func model(_ fileName: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = modelsDirectory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) { return path }
        throw missing("model not found at \(path) (run `yanfu model fetch \(catalogNames[fileName] ?? "NAME")`)", file: file, line: line)
    }

    /// The shared corpora folder, beside the clone.
    public static var corporaDirectory: String {
        URL(fileURLWithPath: packageRoot).appendingPathComponent("../shared/corpora").standardized.path
    }

    /// A file (or ".") of ../shared/corpora.
    public static func corpus(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = URL(fileURLWithPath: corporaDirectory).appendingPathComponent(relative).standardized.path
        if FileManager.default.fileExists(atPath: path) { return path }
        throw missing("real corpus \(relative) not found at \(path) (the shared corpora folder is absent)", file: file, line: line)
    }

    /// The release `yanfu` executable (`swift build -c release`; `swift build -c release
    /// --build-tests` builds it too).
    public static func binary(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = packageRoot + "/.build/release/yanfu"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        throw missing("the yanfu executable is not built at \(path) (run `swift build -c release` first)", file: file, line: line)
    }

    /// A program on PATH from a Debian package that Scripts/setup installs.
    public static func program(_ name: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        throw missing("\(name) not found (Debian package \(package); Scripts/setup installs it)", file: file, line: line)
    }
}
