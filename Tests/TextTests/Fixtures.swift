import Foundation
import TestSupport
import XCTest

/// Paths of committed fixtures and of the shared real corpora (tests skip when those are absent, and
/// fail under CI).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/text").appendingPathComponent(relative).path
    }

    /// CI lays the shared folder beside the clone: there a missing corpus is a failure (`Requirement`).
    static func corpus(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.corpus(relative, file: file, line: line)
    }

    /// The release `yanfu` executable (skips when absent, fails under CI).
    static func binary(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Requirement.binary(file: file, line: line)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("yanfu-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
