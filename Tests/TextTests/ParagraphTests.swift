import Text
import XCTest

final class ParagraphTests: XCTestCase {
    func testChineseHardWrapIsUndoneWithoutSpaces() throws {
        let text = "第一回\n　　此開卷第一回也．作者自云：因曾歷過\n一番夢幻之后，故將真事隱去。\n　　第二段從這裡開始，寫得很長很長\n的一行。\n"
        let b = try BookReader.parse(text: text)
        let paragraphs = b.chapters[0].paragraphs
        XCTAssertEqual(paragraphs.map(\.text), ["此開卷第一回也．作者自云：因曾歷過一番夢幻之后，故將真事隱去。", "第二段從這裡開始，寫得很長很長的一行。"])
        // The original lines are recoverable from the ranges.
        XCTAssertEqual(b.slice(paragraphs[0].range), "　　此開卷第一回也．作者自云：因曾歷過\n一番夢幻之后，故將真事隱去。")
        XCTAssertEqual(b.chapters[0].sentences.map { b.slice($0.range) },
                       ["此開卷第一回也．", "作者自云：因曾歷過\n一番夢幻之后，故將真事隱去。", "第二段從這裡開始，寫得很長很長\n的一行。"])
    }

    func testEnglishWrapGetsOneSpaceAndHyphenationIsJoined() throws {
        let text = "CHAPTER I.\r\n\r\nThis is the opening section; this the\r\nfirst chapter. A well-\r\nknown story.\r\n\r\nSecond paragraph.\r\n"
        let b = try BookReader.parse(text: text)
        XCTAssertEqual(b.chapters[0].paragraphs.map(\.text),
                       ["This is the opening section; this the first chapter. A well-known story.", "Second paragraph."])
        XCTAssertEqual(b.chapters[0].sentences.map(\.text),
                       ["This is the opening section; this the first chapter.", "A well-known story.", "Second paragraph."])
    }

    func testShortLinesEndParagraphsInWrappedText() throws {
        let text = "書名：山中\n作者：某人\n\n第一回\n　　話說山下有一個小村，村中住著一位老人，老人每天\n早上都要上山看雲。\n"
        let b = try BookReader.parse(text: text)
        XCTAssertEqual(b.preface?.paragraphs.map(\.text), ["書名：山中", "作者：某人"])
        XCTAssertEqual(b.chapters[0].paragraphs.map(\.text), ["話說山下有一個小村，村中住著一位老人，老人每天早上都要上山看雲。"])
    }

    func testOneParagraphPerLineWhenNothingMarksParagraphs() throws {
        var text = "第1章 开始\n"
        for i in 0..<30 { text += "这是第\(i)段。\n" }
        let b = try BookReader.parse(text: text)
        XCTAssertEqual(b.chapters[0].paragraphs.count, 30)
    }

    func testMixedScriptJoin() throws {
        let text = "第1章\n　　他说：“OK，\nfine.”然后走了。我们用 Swift\nlanguage 写代码。\n"
        let b = try BookReader.parse(text: text)
        XCTAssertEqual(b.chapters[0].paragraphs[0].text, "他说：“OK，fine.”然后走了。我们用 Swift language 写代码。")
    }

    func testSeparatorLinesAreKeptWithoutSentences() throws {
        let b = try BookReader.parse(text: "第1章\n　　上文。\n\n＊＊＊\n\n　　下文。\n")
        XCTAssertEqual(b.chapters[0].paragraphs.map(\.isSeparator), [false, true, false])
        XCTAssertEqual(b.chapters[0].sentences.map(\.text), ["上文。", "下文。"])
    }
}
