import Text
import XCTest

final class UnitPackerTests: XCTestCase {
    /// One token per character: easy to reason about, like a character-level tokenizer.
    let characters: (String) -> Int = { $0.count }

    func testPacksWholeSentencesUnderTheBudget() {
        let sentences = ["我们明天去北京。", "他说：“你来了。”", "她笑了。", "再见。"]
        let units = UnitPacker.pack(sentences: sentences, budget: 17, count: characters)
        XCTAssertEqual(units.map(\.text), ["我们明天去北京。他说：“你来了。”", "她笑了。再见。"])
        XCTAssertEqual(units.map(\.sentences), [0..<2, 2..<4])
        XCTAssertEqual(units.map(\.tokens), [17, 7])
        XCTAssertTrue(units.allSatisfy { $0.part == nil })
    }

    func testEnglishSentencesAreJoinedWithASpace() {
        let words: (String) -> Int = { $0.split(separator: " ").count }
        let units = UnitPacker.pack(sentences: ["One two three.", "Four five.", "Six seven eight nine."], budget: 5, count: words)
        XCTAssertEqual(units.map(\.text), ["One two three. Four five.", "Six seven eight nine."])
    }

    func testLongSentenceIsSplitAtClausesThenHard() {
        let long = "天下大勢，分久必合，合久必分：周末七國分爭，并入於秦。"
        let units = UnitPacker.pack(sentences: ["短句。", long, "又一句。"], budget: 12, count: characters)
        XCTAssertEqual(units.map(\.text), ["短句。", "天下大勢，分久必合，", "合久必分：周末七國分爭，", "并入於秦。", "又一句。"])
        XCTAssertEqual(units.map(\.sentences), [0..<1, 1..<2, 1..<2, 1..<2, 2..<3])
        XCTAssertEqual(units.map(\.part), [nil, 0, 1, 2, nil])
        XCTAssertEqual(units[1].parts, 3)
        XCTAssertEqual(units.filter { $0.sentences == 1..<2 }.map(\.text).joined(), long)
        // No clause punctuation at all: hard split into pieces that fit.
        let hard = UnitPacker.pack(sentences: [String(repeating: "雨", count: 25)], budget: 10, count: characters)
        XCTAssertEqual(hard.map(\.tokens), [10, 10, 5])
        XCTAssertEqual(hard.map(\.text).joined(), String(repeating: "雨", count: 25))
        XCTAssertEqual(hard.map(\.part), [0, 1, 2])
        XCTAssertEqual(hard.map(\.sentences), [0..<1, 0..<1, 0..<1])
    }

    func testParagraphBreaksSurviveInChapterUnits() throws {
        let book = try BookReader.parse(text: "第1章\n　　第一段。\n　　第二段。第二段续。\n")
        let units = UnitPacker.pack(sentences: book.chapters[0].sentences, budget: 100, count: characters)
        XCTAssertEqual(units.map(\.text), ["第一段。\n第二段。第二段续。"])
    }
}
