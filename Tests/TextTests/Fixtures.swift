import Foundation
import XCTest

/// Paths of committed fixtures and of the shared real corpora (tests skip when those are absent, and
/// fail under CI).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/text").appendingPathComponent(relative).path
    }

    static func corpus(_ relative: String) throws -> String {
        let path = packageRoot.appendingPathComponent("../shared/corpora").appendingPathComponent(relative).standardized.path
        guard FileManager.default.fileExists(atPath: path) else {
            // CI lays the shared folder beside the clone: there a missing corpus is a failure.
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("real corpus \(relative) is missing in CI at \(path)") }
            throw XCTSkip("real corpus \(relative) not found at \(path) (the shared corpora folder is absent)")
        }
        return path
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("yanfu-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
