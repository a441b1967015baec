import Foundation
import Text
import XCTest

final class CorpusFormatTests: XCTestCase {
    func testTatoebaStyleTSV() throws {
        let pairs = try TSVPairs.tatoeba(file: Fixtures.path("pairs/tatoeba-sample.tsv"))
        XCTAssertEqual(pairs.pairs.map(\.source), ["嗨。", "你用跑的。", "等等！"])
        XCTAssertEqual(pairs.pairs.map(\.target), ["Hi.", "Run.", "Wait!"])
        XCTAssertEqual(pairs.pairs.map(\.line), [1, 2, 4])
        XCTAssertTrue(pairs.pairs[2].extra[0].contains("#1744314"))
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.tsv").path
        try pairs.write(file: out)
        let again = try TSVPairs.read(file: out)
        XCTAssertEqual(again.pairs.map(\.source), pairs.pairs.map(\.source))
        XCTAssertEqual(again.pairs.map(\.extra), pairs.pairs.map(\.extra))
    }

    func testMalformedTSVNamesTheLine() {
        let path = Fixtures.path("pairs/bad.tsv")
        XCTAssertThrowsError(try TSVPairs.read(file: path, sourceColumn: 0, targetColumn: 1)) { error in
            XCTAssertEqual(error as? TextError, .malformed(file: path, line: 2, expected: "at least 2 tab-separated fields",
                                                            found: "1 field(s): broken line without tabs"))
        }
    }

    func testCommentLinesAreSkippedOnlyWhenAsked() throws {
        let text = "# names\n远山\tYuanshan\n"
        XCTAssertEqual(try TSVPairs.parse(text, comments: true).pairs.map(\.source), ["远山"])
        XCTAssertThrowsError(try TSVPairs.parse(text))   // "# names" has one field
    }

    func testChapterAlignedBooksReportOneSidedChapters() throws {
        let pair = try ChapterAlignedBooks.read(source: Fixtures.path("pairs/book.zh.txt"), target: Fixtures.path("pairs/book.en.txt"))
        XCTAssertEqual(pair.pairs.map(\.number), [1, 2])
        XCTAssertEqual(pair.pairs[1].source.sentences.map(\.text), ["他说：“你来了。”", "她笑了。"])
        XCTAssertEqual(pair.pairs[1].target.sentences.map(\.text), ["He said, \"You have come.\"", "She smiled."])
        XCTAssertEqual(pair.sourceOnly, [ChapterKey(number: 4)])
        XCTAssertEqual(pair.targetOnly, [ChapterKey(number: 3)])
        XCTAssertEqual(pair.warnings.count, 2)
        XCTAssertTrue(pair.warnings[0].hasSuffix("book.zh.txt: 4"), pair.warnings[0])
    }

    func testFixtureBookIsTheSameInEveryEncoding() throws {
        let reference = try BookReader.read(file: Fixtures.path("encodings/sample.utf8.txt"))
        XCTAssertEqual(reference.preface?.paragraphs.map(\.text), ["山中小記"])
        XCTAssertEqual(reference.chapters.map(\.title), ["老人上山　少年問路", "雲中見月　夜裡回家"])
        XCTAssertEqual(reference.chapters[1].sentences.map(\.text),
                       ["兩個人走了很久，天已經黑了。", "少年說：「我們回家吧……明天再來。」", "老人說：「好。」"])
        for file in ["sample.gb18030.txt", "sample.big5.txt", "sample.utf16le.txt", "sample.utf16be.txt", "sample.crlf.utf8bom.txt", "sample.cr.txt"] {
            let book = try BookReader.read(file: Fixtures.path("encodings/\(file)"))
            XCTAssertEqual(book.chapters, reference.chapters, file)
            XCTAssertEqual(book.preface, reference.preface, file)
            XCTAssertTrue(Coverage.isComplete(book), file)
        }
    }
}
