import Text
import XCTest

final class SentenceTests: XCTestCase {
    let zh = try! SentenceSplitter(language: .chinese)
    let en = try! SentenceSplitter(language: .english)

    func testChineseFictionPunctuation() {
        XCTAssertEqual(zh.split("他说：“你来了。”她笑了。").map(\.text), ["他说：“你来了。”", "她笑了。"])
        XCTAssertEqual(zh.split("他想了想……终于开口——却又停下。然后走了。").map(\.text), ["他想了想……终于开口——却又停下。", "然后走了。"])
        XCTAssertEqual(zh.split("「你去哪？」他問。『不知道！』").map(\.text), ["「你去哪？」", "他問。", "『不知道！』"])
        XCTAssertEqual(zh.split("他读了《红楼梦》。很好看！真的吗？").map(\.text), ["他读了《红楼梦》。", "很好看！", "真的吗？"])
        XCTAssertEqual(zh.split("此開卷第一回也．作者自云：因曾歷過一番夢幻之后．").map(\.text), ["此開卷第一回也．", "作者自云：因曾歷過一番夢幻之后．"])
    }

    func testQuotationOfSeveralSentencesStaysTogether() {
        XCTAssertEqual(zh.split("他说：“你来了。我很高兴。坐吧！”她笑了。").map(\.text), ["他说：“你来了。我很高兴。坐吧！”", "她笑了。"])
        // A very long quotation is still split.
        let long = "他说：“" + String(repeating: "这是一句很长的话。", count: 30) + "”"
        XCTAssertGreaterThan(zh.split(long).count, 1)
    }

    func testEnglishAbbreviationsAndEllipses() {
        XCTAssertEqual(en.split("Mr. Smith met Dr. Watson at St. Paul's. They talked.").map(\.text),
                       ["Mr. Smith met Dr. Watson at St. Paul's.", "They talked."])
        XCTAssertEqual(en.split("Wait... what did you say? Nothing.").map(\.text), ["Wait... what did you say?", "Nothing."])
        XCTAssertEqual(en.split("He said, \"You have come.\" She smiled.").map(\.text), ["He said, \"You have come.\"", "She smiled."])
        XCTAssertEqual(en.split("J. R. Tolkien wrote it. Yes.").map(\.text), ["J. R. Tolkien wrote it.", "Yes."])
    }

    func testOffsetsPointIntoTheInput() {
        let text = "  第一句。 第二句！  "
        let spans = zh.split(text)
        XCTAssertEqual(spans.map(\.text), ["第一句。", "第二句！"])
        let utf8 = Array(text.utf8)
        for span in spans {
            XCTAssertEqual(String(decoding: utf8[span.range], as: UTF8.self), span.text)
        }
        XCTAssertEqual(zh.split(""), [])
    }
}
