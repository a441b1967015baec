import Evaluate
import Foundation
import Text
import Translate
import XCTest

/// translation.epub and bilingual.epub from records, without a model: what they hold, that
/// their bytes depend on nothing but the records, and that epubcheck accepts them.
final class EPUBOutputTests: XCTestCase {
    /// The tiny EPUB's plan with every unit "translated" as EN(…); `count` records only.
    func fixture(records count: Int? = nil) throws -> (book: Book, plan: UnitPlan, records: [SegmentRecord], info: EPUBBookInfo) {
        let dir = TranslateTestSupport.temporaryDirectory("epub-output")
        let file = dir + "/tiny.epub"
        try TinyEPUB.write(to: file)
        let book = try BookReader.read(file: file)
        let plan = try UnitPlan.make(book: book, file: file, chapters: nil, tokenBudget: 96, maxSentences: 3, countTokens: { $0.count })
        var records: [SegmentRecord] = []
        for (i, u) in plan.units.prefix(count ?? plan.units.count).enumerated() {
            let json: [String: Any] = [
                "chapter": u.chapter, "unit": u.unit, "index": i, "paragraph": u.paragraph as Any, "heading": u.isHeading,
                "source": u.source, "translation": u.isHeading ? "Chapter \(u.chapter): T\(u.chapter) & <co>" : "EN(\(u.source))",
                "glossary": [String](), "prompt_tokens": 1, "prefilled_tokens": 1, "generated_tokens": 1, "seconds": 0.1,
                "tokens_per_second": 1.0, "adapter_version": 0,
            ]
            records.append(try JSONDecoder().decode(SegmentRecord.self, from: JSONSerialization.data(withJSONObject: json)))
        }
        let info = EPUBBookInfo(book: book, file: file, sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        return (book, plan, records, info)
    }

    func testTranslationAndBilingualEPUBsReadBack() throws {
        let f = try fixture()
        let english = try XCTUnwrap(try EPUBWriter.build(.translation, plan: f.plan, records: f.records, book: f.info))
        let both = try XCTUnwrap(try EPUBWriter.build(.bilingual, plan: f.plan, records: f.records, book: f.info))
        // mimetype first, stored (compression method 0), no extra field: the OCF rules readers check.
        XCTAssertEqual(Array(english.prefix(4)), [0x50, 0x4B, 0x03, 0x04])
        XCTAssertEqual(english[8], 0)
        XCTAssertEqual(english[9], 0)
        XCTAssertEqual(String(decoding: english[30..<38], as: UTF8.self), "mimetype")
        XCTAssertEqual(String(decoding: english[38..<58], as: UTF8.self), "application/epub+zip")
        // Same records, same bytes.
        XCTAssertEqual(try EPUBWriter.build(.translation, plan: f.plan, records: f.records, book: f.info), english)

        let en = try BookReader.read(bytes: [UInt8](english), file: "translation.epub")
        XCTAssertEqual(en.epub?.chapterTitlesFrom, "navigation document")
        XCTAssertEqual(en.chapters.map(\.heading), ["Chapter 1: T1 & <co>", "Chapter 2: T2 & <co>"])
        XCTAssertEqual(en.chapters[0].paragraphs.map(\.text), ["EN(小明早上七点起床。他吃了一个苹果*。)", "EN(妈妈说：“快去上学！”)"])
        XCTAssertEqual(en.epub?.metadata.languages, ["en"])
        XCTAssertEqual(en.epub?.metadata.creators, ["测试作者"])
        XCTAssertEqual(en.epub?.metadata.title, "小明的一天 (English)")
        // The picture stays between its paragraphs; the cover and the stylesheet come along.
        XCTAssertEqual(en.epub?.figures[1]?.map(\.afterParagraph), [1])
        XCTAssertEqual(Set(en.epub?.resources.map(\.path) ?? []), ["OEBPS/yanfu.css", "OEBPS/original/OPS/images/sun.png", "OEBPS/original/OPS/css/book.css"])
        XCTAssertEqual(en.epub?.resources.first { $0.isCover }?.data, TinyEPUB.png)

        let bi = try BookReader.read(bytes: [UInt8](both), file: "bilingual.epub")
        XCTAssertEqual(bi.epub?.metadata.languages, ["en", "zh"])
        XCTAssertEqual(bi.chapters[1].heading, "第二章　学校 · Chapter 2: T2 & <co>")
        XCTAssertEqual(bi.chapters[1].paragraphs.map(\.text),
                       ["老师在教室里等他。今天天气很好。", "EN(老师在教室里等他。今天天气很好。)", "小明笑了。", "EN(小明笑了。)"])
        // The kept-aside text (cover page text, the footnote) is carried, untranslated, at the end.
        let kept = bi.chapters.last!
        XCTAssertEqual(kept.heading, "Not translated")
        XCTAssertEqual(kept.paragraphs.map(\.text).suffix(2), ["小明的一天", "苹果是红色的。"])
        let xhtml = String(decoding: both, as: UTF8.self)
        XCTAssertFalse(xhtml.isEmpty)

        for (name, data) in [("translation.epub", english), ("bilingual.epub", both)] {
            let path = TranslateTestSupport.temporaryDirectory("epubcheck-" + name) + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            let check = try EPUBCheck.run(path)
            XCTAssertEqual(check.errors, 0, "\(name):\n\(check.output)")
        }
    }

    /// After a run, each block of the input is translated or listed with its place and reason.
    func testCoverageAccountsForEveryBlock() throws {
        let f = try fixture()
        let items = Coverage.untranslated(book: f.book, plan: f.plan, records: f.records)
        XCTAssertEqual(items.map(\.place), ["OPS/cover.xhtml block 1", "OPS/cover.xhtml block 2", "OPS/chapter 1.xhtml block 5", "OPS/chapter 1.xhtml block 3"])
        XCTAssertEqual(items.map(\.reason), ["cover (from the package's guide or landmarks)", "cover (from the package's guide or landmarks)", "note",
                                             "chapter 1: picture OPS/images/sun.png, carried over untranslated"])
        let epub = try XCTUnwrap(f.book.epub)
        let translated = epub.paragraphs.values.map(\.count).reduce(0, +) + epub.headings.values.map(\.count).reduce(0, +)
        XCTAssertEqual(translated + items.count, epub.blockCount, "every block is translated or listed")

        // An unfinished run lists what it has not reached.
        let partial = try fixture(records: 3)
        let left = Coverage.untranslated(book: partial.book, plan: partial.plan, records: partial.records)
        XCTAssertTrue(left.contains { $0.reason == "chapter 2: heading not translated (run unfinished)" }, "\(left)")
        XCTAssertTrue(left.contains { $0.place == "OPS/c2.xhtml block 3" && $0.reason == "chapter 2: not translated yet (run unfinished)" }, "\(left)")
    }
}
