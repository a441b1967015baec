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

    /// A stream of a child process (stdout or stderr), collected as it arrives.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let ended = DispatchSemaphore(value: 0)

        /// Reads `pipe` on a background queue until end of file.
        init(_ pipe: Pipe) {
            pipe.fileHandleForReading.readabilityHandler = { [self] h in
                let d = h.availableData
                if d.isEmpty {
                    h.readabilityHandler = nil
                    ended.signal()
                } else {
                    lock.lock(); data.append(d); lock.unlock()
                }
            }
        }

        var value: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }

        /// Waits (up to `seconds`) until the writer closed the stream (after the process ended).
        func waitForEnd(seconds: Double = 10) { _ = ended.wait(timeout: .now() + seconds) }
    }

    /// Starts the release binary (in folder `cwd` when given; with `input` on its stdin); returns
    /// the process and its live stdout and stderr.
    static func start(_ args: [String], in cwd: String? = nil, input: String? = nil) throws -> (Process, stdout: Output, stderr: Output) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let inPipe = input.map { _ in Pipe() }
        p.standardInput = inPipe ?? FileHandle.nullDevice
        let o = Output(out), e = Output(err)
        try p.run()
        if let inPipe, let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        return (p, o, e)
    }

    /// Runs the release binary to its end: exit status, stdout, stderr.
    static func run(_ args: [String], in cwd: String? = nil, input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let (p, out, err) = try start(args, in: cwd, input: input)
        p.waitUntilExit()
        out.waitForEnd()
        err.waitForEnd()
        return (p.terminationStatus, out.value, err.value)
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
