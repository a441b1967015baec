import Foundation
import Text
import XCTest

final class GuoFengCorpusTests: XCTestCase {
    func testReadsSentenceAlignedFixture() throws {
        let corpus = try GuoFengCorpus.read(source: Fixtures.path("guofeng/demo.zh"), target: Fixtures.path("guofeng/demo.en"))
        XCTAssertEqual(corpus.alignment, .sentences)
        XCTAssertEqual(corpus.books, ["100-demo"])
        XCTAssertEqual(corpus.documents.map(\.id), ["demo_0001", "demo_0002"])
        XCTAssertEqual(corpus.documents[0].source, ["第一章 相遇", "我们明天去北京。", "他说：“你来了。”她笑了。"])
        XCTAssertEqual(corpus.documents[0].target[1], "We will go to Beijing tomorrow.")
        XCTAssertEqual(corpus.documents[1].sourceLine, 7)
        XCTAssertEqual(corpus.sentencePairs.count, 5)
        XCTAssertEqual(corpus.sentencePairs[4].target, "Goodbye.")
    }

    func testRoundTripsThroughWrite() throws {
        let corpus = try GuoFengCorpus.read(source: Fixtures.path("guofeng/demo.zh"), target: Fixtures.path("guofeng/demo.en"))
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zh = dir.appendingPathComponent("out.zh").path, en = dir.appendingPathComponent("out.en").path
        try corpus.write(source: zh, target: en)
        XCTAssertEqual(try String(contentsOfFile: zh, encoding: .utf8), try String(contentsOfFile: Fixtures.path("guofeng/demo.zh"), encoding: .utf8))
        let again = try GuoFengCorpus.read(source: zh, target: en)
        XCTAssertEqual(again, corpus)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["out.en", "out.zh"])
    }

    func testNamesFirstMisalignedLine() {
        let zh = "<BOOK id=\"b\">\n<CHAPTER id=\"c1\">\n一。\n二。\n</CHAPTER>\n"
        let en = "<BOOK id=\"b\">\n<CHAPTER id=\"c1\">\nOne.\n</CHAPTER>\n"
        XCTAssertThrowsError(try GuoFengCorpus.parse(source: zh, target: en, sourceName: "a.zh", targetName: "a.en")) { error in
            guard case let TextError.misaligned(first, second, line, detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([first, second, "\(line)"], ["a.zh", "a.en", "4"])
            XCTAssertTrue(detail.contains("a sentence") && detail.contains("</CHAPTER>"), detail)
        }
        // The same pair is a valid chapter-aligned (GuoFeng v2) corpus.
        let v2 = try? GuoFengCorpus.parse(source: zh, target: en, alignment: .chapters)
        XCTAssertEqual(v2?.alignment, .chapters)
        XCTAssertEqual(v2?.documents.first?.source.count, 2)
        XCTAssertEqual(try? GuoFengCorpus.parse(source: zh, target: en, alignment: .automatic).alignment, .chapters)
    }

    func testChapterIdMismatchIsReported() {
        let zh = "<CHAPTER id=\"c1\">\n一。\n</CHAPTER>\n<CHAPTER id=\"c2\">\n二。\n</CHAPTER>\n"
        let en = "<CHAPTER id=\"c1\">\nOne.\n</CHAPTER>\n<CHAPTER id=\"c3\">\nTwo.\n</CHAPTER>\n"
        XCTAssertThrowsError(try GuoFengCorpus.parse(source: zh, target: en, alignment: .chapters)) { error in
            XCTAssertTrue("\(error)".contains("c2") && "\(error)".contains("c3") && "\(error)".contains("line 4"), "\(error)")
        }
    }

    func testMalformedMarkersAreErrors() {
        let unclosed = "<CHAPTER id=\"c1\">\n一。\n"
        XCTAssertThrowsError(try GuoFengCorpus.parse(source: unclosed, target: unclosed, sourceName: "x.zh")) { error in
            XCTAssertEqual("\(error)", "x.zh: line 3: expected </CHAPTER> closing chapter c1 (opened at line 1), found end of file")
        }
        let stray = "text before any marker\n"
        XCTAssertThrowsError(try GuoFengCorpus.parse(source: stray, target: stray, sourceName: "y.zh")) { error in
            XCTAssertTrue("\(error)".hasPrefix("y.zh: line 1: expected a <BOOK id=…> or <CHAPTER id=…> marker"), "\(error)")
        }
    }

    func testWriteRefusesUnequalSentenceCounts() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = GuoFengCorpus(documents: [.init(book: "b", id: "c", source: ["一", "二"], target: ["one"])])
        XCTAssertThrowsError(try bad.write(source: dir.appendingPathComponent("a.zh").path, target: dir.appendingPathComponent("a.en").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
