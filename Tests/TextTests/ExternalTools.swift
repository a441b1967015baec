import Foundation
import TestSupport
import XCTest

/// Programs from Debian packages some tests need (Scripts/setup installs them): a test skips with
/// a message when one is absent, and fails instead under CI=true, where setup must have run.
enum ExternalTools {
    static func find(_ name: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.program(name, package: package, file: file, line: line)
    }

    /// Runs a program; returns its exit status and output (stdout, then stderr).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
        let r = try ChildProcess.run(executable, arguments, in: directory?.path)
        return (r.status, r.stdout + r.stderr)
    }
}
