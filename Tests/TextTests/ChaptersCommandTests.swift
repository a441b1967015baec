import Foundation
import TestSupport
import XCTest

/// `yanfu chapters` end to end, when the release executable has been built next to the tests.
final class ChaptersCommandTests: XCTestCase {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(try Fixtures.binary(), arguments)
    }

    func testJSONOutput() throws {
        let result = try run(["chapters", Fixtures.path("encodings/sample.big5.txt"), "--json", "--simplify"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["encoding"] as? String, "Big5")
        let chapters = json["chapters"] as! [[String: Any]]
        XCTAssertEqual(chapters.map { $0["index"] as? Int }, [0, 1, 2])
        XCTAssertEqual(chapters.map { $0["number"] as? Int }, [nil, 1, 2])
        XCTAssertTrue(chapters[0]["number"] is NSNull, "the preface's number is an explicit null")
        XCTAssertEqual(chapters[1]["title"] as? String, "老人上山　少年问路")
        XCTAssertEqual(chapters[2]["sentences"] as? Int, 3)
        XCTAssertEqual(chapters[2]["paragraphs"] as? Int, 1)
        XCTAssertEqual(chapters[2]["characters"] as? Int, 40)
        XCTAssertEqual((json["rejected_headings"] as? [Any])?.count, 0)
        XCTAssertNotNil(json["warnings"] as? [String])
    }

    func testBadInputExitsWithOneAndAClearMessage() throws {
        let result = try run(["chapters", Fixtures.path("encodings/binary.bin")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("binary.bin: byte offset 8: this is not a text file (NUL byte)"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }
}
