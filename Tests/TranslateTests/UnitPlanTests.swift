import Text
import Translate
import XCTest

final class UnitPlanTests: XCTestCase {
    /// One token per character: enough to test the budgets.
    let count: (String) -> Int = { $0.count }

    func book(_ text: String) throws -> Book { try BookReader.parse(text: text) }

    let tiny = "第一章　早晨\n\n　　小明早上七点起床。他吃了一个苹果。\n\n　　妈妈说：“快去上学！”\n\n第二章　学校\n\n　　老师在教室里等他。今天天气很好。\n\n　　小明笑了。\n"

    func testHeadingsThenSentencesPackedWithinParagraphs() throws {
        let plan = try UnitPlan.make(book: book(tiny), file: "t", chapters: nil, tokenBudget: 100, maxSentences: 3, countTokens: count)
        XCTAssertEqual(plan.units.map(\.source), ["第一章　早晨", "小明早上七点起床。他吃了一个苹果。", "妈妈说：“快去上学！”",
                                                  "第二章　学校", "老师在教室里等他。今天天气很好。", "小明笑了。"])
        XCTAssertEqual(plan.units.map(\.chapter), [1, 1, 1, 2, 2, 2])
        XCTAssertEqual(plan.units.map(\.unit), [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(plan.units[0].headingNumber, 1)
        XCTAssertTrue(plan.units[0].isHeading && !plan.units[1].isHeading)
        XCTAssertEqual(plan.chapters.map(\.number), [1, 2])
    }

    func testBudgetsSplitUnits() throws {
        let one = try UnitPlan.make(book: book(tiny), file: "t", chapters: nil, tokenBudget: 100, maxSentences: 1, countTokens: count)
        XCTAssertEqual(one.units.count, 8)
        let tight = try UnitPlan.make(book: book(tiny), file: "t", chapters: nil, tokenBudget: 10, maxSentences: 3, countTokens: count)
        XCTAssertEqual(tight.units.filter { $0.chapter == 1 }.map(\.source), ["第一章　早晨", "小明早上七点起床。", "他吃了一个苹果。", "妈妈说：“快去上学！”"])
    }

    func testChapterRangeByHeadingNumber() throws {
        let plan = try UnitPlan.make(book: book(tiny), file: "t", chapters: 2...2, tokenBudget: 100, maxSentences: 3, countTokens: count)
        XCTAssertEqual(plan.units.map(\.chapter), [2, 2, 2])
        XCTAssertEqual(plan.units.map(\.chapterPosition), [0, 0, 0])
        XCTAssertThrowsError(try UnitPlan.make(book: book(tiny), file: "t.txt", chapters: 5...9, tokenBudget: 100, maxSentences: 3, countTokens: count)) { e in
            XCTAssertEqual("\(e)", "t.txt: no chapter numbered 5-9 (the book has: 1, 2)")
        }
        let withEmpty = "第一章　早晨\n\n小明起床。\n\n第二章　空\n\n第三章　学校\n\n老师来了。\n"
        XCTAssertThrowsError(try UnitPlan.make(book: book(withEmpty), file: "t.txt", chapters: 2...2, tokenBudget: 100, maxSentences: 3, countTokens: count)) { e in
            XCTAssertEqual("\(e)", "t.txt: chapter 2 has no sentences (the book has: 1, 2, 3)")
        }
    }

    /// A GB18030 book with one damaged byte: refused with the place, read with --lossy.
    func testDamagedBookIsRefusedUnlessLossy() throws {
        let dir = TranslateTestSupport.temporaryDirectory("damaged")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = try ICU.encode(tiny, as: "GB18030")
        bytes.insert(0xFF, at: bytes.firstIndex(of: 0x0A)! + 1)   // at the start of a line: one bad byte
        let path = dir + "/book.txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Translator.readBook(path)) { e in
            XCTAssertTrue("\(e)".hasPrefix(path + ": byte offset ") && "\(e)".contains("invalid GB18030 byte sequence"), "\(e)")
        }
        for encoding in [nil, "GB18030"] {
            let book = try Translator.readBook(path, encoding: encoding, lossy: true)
            XCTAssertEqual(book.chapters.map(\.number), [1, 2], "\(encoding ?? "detected")")
            XCTAssertTrue(book.chapters[1].sentences.map(\.text).contains("今天天气很好。"))
            XCTAssertTrue(book.warnings.contains { $0.contains("replaced 1 invalid GB18030 byte sequence") }, "\(book.warnings)")
        }
    }

    func testEmptyBookAndBookWithoutHeadings() throws {
        XCTAssertThrowsError(try UnitPlan.make(book: book("\n\n  \n"), file: "e.txt", chapters: nil, tokenBudget: 100, maxSentences: 3, countTokens: count)) { e in
            XCTAssertEqual("\(e)", "e.txt: the book is empty (no sentences to translate)")
        }
        let plan = try UnitPlan.make(book: book("他来了。她走了。\n\n天黑了。\n"), file: "n.txt", chapters: nil, tokenBudget: 100, maxSentences: 1, countTokens: count)
        XCTAssertEqual(plan.units.map(\.source), ["他来了。", "她走了。", "天黑了。"])
        XCTAssertFalse(plan.units.contains { $0.isHeading })
        XCTAssertTrue(plan.warnings.contains { $0.contains("no chapter headings") }, "\(plan.warnings)")
    }

    func testParseChapterRange() throws {
        XCTAssertEqual(try parseChapterRange("3-7"), 3...7)
        XCTAssertEqual(try parseChapterRange("5"), 5...5)
        XCTAssertEqual(try parseChapterRange("3-"), 3...Int.max)
        for bad in ["7-3", "x", "1-2-3", "-4", ""] { XCTAssertThrowsError(try parseChapterRange(bad), bad) }
    }
}
