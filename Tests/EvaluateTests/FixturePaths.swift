import Foundation

/// Paths of committed fixtures and the shared corpora, computed from this file's location.
enum FixturePaths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let packageRoot = testsDir.deletingLastPathComponent()
    static func evaluate(_ name: String) -> URL { testsDir.appendingPathComponent("Fixtures/evaluate/\(name)") }
    static let corpora = packageRoot.appendingPathComponent("../shared/corpora").standardizedFileURL

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("yanfu-evaluate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
