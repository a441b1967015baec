import Evaluate
import Text
import Translate
import XCTest

final class GlossaryTests: XCTestCase {
    func testParsesSkipsCommentsAndMatchesLongestFirst() throws {
        let g = try Glossary.parse("# names\n远山\tYuanshan\n\n陈远山\tChen Yuanshan\r\n周伯\tUncle Zhou\n")
        XCTAssertEqual(g.entries.count, 3)
        XCTAssertEqual(g.matches(in: "陈远山来了").map(\.source), ["陈远山", "远山"])
        XCTAssertEqual(g.matches(in: "周伯笑了").map(\.target), ["Uncle Zhou"])
        XCTAssertEqual(g.matches(in: "没有"), [])
    }

    func testBadLinesNameTheLine() {
        XCTAssertThrowsError(try Glossary.parse("a\tb\nc d\n", file: "g.tsv")) { e in
            XCTAssertEqual("\(e)", "g.tsv: line 2: expected `source<TAB>target` (2 tab-separated fields), found 1")
        }
        XCTAssertThrowsError(try Glossary.parse("a\tb\na\tc\n", file: "g.tsv")) { e in
            XCTAssertTrue("\(e)".contains("line 2: source term \"a\" is listed twice"), "\(e)")
        }
        XCTAssertThrowsError(try Glossary.parse("a\t\n", file: "g.tsv"))
        XCTAssertThrowsError(try Glossary.read(file: "/nonexistent/g.tsv")) { e in
            XCTAssertTrue("\(e)".hasPrefix("/nonexistent/g.tsv: "), "\(e)")
        }
        // Only comments: for translate and compare alike, a file given with nothing in it is refused.
        let empty = TranslateTestSupport.temporaryDirectory("glossary-empty") + "/g.tsv"
        XCTAssertNoThrow(try "# names to come\n\n".write(toFile: empty, atomically: true, encoding: .utf8))
        XCTAssertThrowsError(try Glossary.read(file: empty)) { e in
            XCTAssertEqual("\(e)", "\(empty): no glossary entries; expected `source<TAB>target` lines")
        }
    }

    /// Saved by an editor with a byte-order mark, or in GB18030: the first term still matches.
    func testGlossaryFilesInOtherEncodingsAndWithABOM() throws {
        let dir = TranslateTestSupport.temporaryDirectory("glossary")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bom = dir + "/bom.tsv", gb = dir + "/gb.tsv"
        try Data([0xEF, 0xBB, 0xBF] + Array("远山\tYuanshan\n周伯\tUncle Zhou\n".utf8)).write(to: URL(fileURLWithPath: bom))
        try Data(ICU.encode("# 人名表\n远山\tYuanshan\n周伯\tUncle Zhou\n", as: "GB18030")).write(to: URL(fileURLWithPath: gb))
        for file in [bom, gb] {
            XCTAssertEqual(try Glossary.read(file: file).matches(in: "远山来了").map(\.target), ["Yuanshan"], file)
        }
    }

    func testTallyCountsUnitsAndHitsCaseInsensitively() throws {
        var t = GlossaryTally(glossary: try Glossary.parse("老师\tthe teacher\n小明\tXiao Ming\n"))
        t.count(source: "老师笑了。", translation: "The teacher smiled.")
        t.count(source: "老师走了。", translation: "The man left.")
        t.count(source: "天黑了。", translation: "It got dark.")
        XCTAssertEqual(t.terms[0].units, 2)
        XCTAssertEqual(t.terms[0].hits, 1)
        XCTAssertEqual(t.terms[1].units, 0)
    }
}
