import Foundation
import Translate
import XCTest

final class RunFolderTests: XCTestCase {
    func testExistingFolderIsRefusedUnlessForceAndARunFolder() throws {
        let dir = TranslateTestSupport.temporaryDirectory("folder")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = RunFolder(path: dir)
        try f.prepareFresh(force: false)  // empty: fine
        try "x".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try f.prepareFresh(force: false)) { e in
            XCTAssertTrue("\(e)".contains("already exists; add --resume"), "\(e)")
        }
        XCTAssertThrowsError(try f.prepareFresh(force: true)) { e in
            XCTAssertTrue("\(e)".contains("has no run.json; refusing to delete"), "\(e)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/notes.txt"), "nothing deleted")
        try RunFolder.writeAtomically("{}", to: f.runJSON)
        try f.prepareFresh(force: true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/notes.txt"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.state))
    }

    /// A run killed before it wrote run.json leaves only `state/` and temporaries: starting
    /// again needs no --force (and --force would refuse a folder without run.json).
    func testFolderOfAKilledStartCountsAsEmpty() throws {
        let dir = TranslateTestSupport.temporaryDirectory("abandoned")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = RunFolder(path: dir)
        try FileManager.default.createDirectory(atPath: f.state + "/trainer-1.tmp", withIntermediateDirectories: true)
        try "{".write(toFile: f.runJSON + ".tmp", atomically: false, encoding: .utf8)
        try f.prepareFresh(force: false)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["state"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.state), [])
        // A finished trainer state is something to keep.
        try FileManager.default.createDirectory(atPath: f.state + "/trainer-1", withIntermediateDirectories: true)
        XCTAssertThrowsError(try f.prepareFresh(force: false))
    }

    func testTornLastRecordIsCutOff() throws {
        let dir = TranslateTestSupport.temporaryDirectory("torn")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = RunFolder(path: dir)
        let good = #"{"adapter_version":0,"chapter":1,"generated_tokens":3,"glossary":[],"heading":false,"index":0,"paragraph":1,"prefilled_tokens":9,"prompt_tokens":9,"seconds":0.5,"source":"他笑了。","tokens_per_second":6,"translation":"He laughed.","unit":1}"#
        try Data((good + "\n" + #"{"adapter_version":0,"chap"#).utf8).write(to: URL(fileURLWithPath: f.segments))
        let records = try f.records()
        XCTAssertEqual(records.map(\.translation), ["He laughed."])
        XCTAssertNil(records[0].lastLoss)
        XCTAssertEqual(try String(contentsOfFile: f.segments, encoding: .utf8), good + "\n", "the torn line is gone from the file")
    }

    func testAtomicWriteReportsTheFailingPath() {
        XCTAssertThrowsError(try RunFolder.writeAtomically("x", to: "/nonexistent-dir/run.json")) { e in
            XCTAssertTrue("\(e)".hasPrefix("cannot write /nonexistent-dir/run.json: No such file or directory"), "\(e)")
        }
    }
}
