import Foundation
import XCTest

/// Programs from Debian packages some tests need (Scripts/setup installs them): a test skips with
/// a message when one is absent, and fails instead under CI=true, where setup must have run.
enum ExternalTools {
    static func find(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        let message = "\(name) not found (Debian package \(package); Scripts/setup installs it)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message + " and CI=true")
            throw NSError(domain: "ExternalTools", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
        }
        throw XCTSkip(message)
    }

    /// Runs a program; returns its exit status and output (stdout and stderr together).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
