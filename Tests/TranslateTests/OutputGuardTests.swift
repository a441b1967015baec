import Evaluate
import Foundation
import TestSupport
import Translate
import XCTest

/// The output guard's checks on degenerate answers of the kinds seen from real runs, and on good
/// English, which must pass.
final class OutputGuardTests: XCTestCase {
    let source = "士隱見了，便迎上來問道：“老先生從何而來？”"
    let good = "When Shih-yin saw him, he went up to him and asked, \"Where do you come from, venerable sir?\""

    func flags(_ g: OutputGuard, _ answer: String, source: String? = nil, ranOn: Bool = false) -> [OutputGuard.Flag] {
        g.check(source: source ?? self.source, translation: answer, ranOn: ranOn).flags
    }

    func flags(_ answer: String, source: String? = nil, ranOn: Bool = false) -> [OutputGuard.Flag] {
        flags(OutputGuard(), answer, source: source, ranOn: ranOn)
    }

    func testGoodEnglishPasses() {
        XCTAssertEqual(flags(good), [])
        XCTAssertEqual(flags("\"Yes.\"", source: "“是。”"), [])
    }

    func testChineseLeftIn() {
        XCTAssertEqual(flags("When 士隱 saw him, he asked where he came from."), [.chinese])
        XCTAssertEqual(flags("士隱見了，便迎上來問道"), [.empty, .chinese])
        // One character (a quoted word) is tolerated.
        XCTAssertEqual(flags("He wrote the character 玉 on the stone and asked where it came from."), [])
    }

    func testChatterIsStrippedOrFlagged() {
        // Seen from Qwen2.5 1.5B on 紅樓夢: the chatter goes, the translation stays, sound.
        let v = OutputGuard().check(source: source, translation: "Sure, here is the English translation: \"" + good.replacingOccurrences(of: "\"", with: "'") + "\"")
        XCTAssertEqual(v.flags, [])
        XCTAssertEqual(v.text, good.replacingOccurrences(of: "\"", with: "'"))
        XCTAssertEqual(v.stripped, "Sure, here is the English translation:")
        XCTAssertEqual(OutputGuard().check(source: source, translation: "Translation: " + good).text, good)
        let tail = OutputGuard().check(source: source, translation: good + " Let me know if you need anything else!")
        XCTAssertEqual(tail.text, good)
        XCTAssertEqual(tail.flags, [])
        // A refusal or comment instead of a translation is flagged.
        XCTAssertEqual(flags("I'm sorry, but I can't translate this passage without more context."), [.chatter])
        XCTAssertEqual(flags("It seems the text is a line of classical Chinese poetry about a stone."), [.chatter])
        // The instruction said back, as Qwen2.5 1.5B did on the sample book when a unit was prompted alone.
        XCTAssertEqual(flags("Please translate the following text into English: She is the granddaughter of Zhou Bo."), [.chatter])
        XCTAssertEqual(flags("Please translate the text into English. The name is Zhou Bao."), [.chatter])
        XCTAssertEqual(flags("The old scholar asked Chen Mo to translate the text on the stone for him.", source: "老先生请陈墨替他翻译石碑上的文字。"), [], "a story may speak of translating")
        // Nothing but chatter.
        XCTAssertEqual(flags("Here is the translation:"), [.chatter])
    }

    func testLoopsAndRunOnLines() {
        XCTAssertEqual(flags("The house was big, the house was big, the house was big, the house was big, the house was big."), [.loop])
        XCTAssertEqual(flags(good, ranOn: true), [.loop])
        // A repeated phrase in a longer sentence is not a loop.
        XCTAssertEqual(flags("\"Of course, of course,\" said the stone, and then the monk and the Taoist went away together laughing."), [])
    }

    func testWordsRunTogether() {
        XCTAssertEqual(flags("WhenShihyinsawhimhewentuptohimandasked where he came from."), [.spaceless])
    }

    func testLengthAgainstAbsoluteBoundsThenTheBooksRatio() {
        let long = "這一日，炎夏永晝，士隱于書房閑坐，至手倦拋書，伏几少憩，不覺朦朧睡去。"
        XCTAssertEqual(flags("He slept.", source: long), [.length])
        // Once the book's ratio is known, an answer far from it is flagged even inside the absolute bounds.
        var g = OutputGuard()
        for _ in 0..<40 {
            g.record(source: long, translation: "One long summer day Shih-yin sat idle in his study; tired of reading, he dozed off over the desk.", sound: true)
        }
        XCTAssertEqual(flags(g, "One long summer day Shih-yin sat idle in his study.", source: long), [.length])
        XCTAssertEqual(flags(g, "One long summer day Shih-yin sat idle in his study; he dozed off over the desk.", source: long), [])
    }

    /// The English of `translate --reference` does not set the ratio: the aligner paired it by
    /// length, so its ratios are narrower than a model's. Given units alone leave the absolute bounds.
    func testGivenUnitsLeaveTheLengthRatioToGeneratedOnes() {
        let long = "這一日，炎夏永晝，士隱于書房閑坐，至手倦拋書，伏几少憩，不覺朦朧睡去。"
        let given = "One long summer day Shih-yin sat idle in his study; tired of reading, he dozed off over the desk."
        let shorter = "One long summer day Shih-yin sat idle in his study."
        var g = OutputGuard()
        for _ in 0..<40 { g.record(source: long, translation: given, sound: true, given: true) }
        XCTAssertEqual(flags(g, shorter, source: long), [])
        XCTAssertEqual(flags(g, "He slept.", source: long), [.length])
        for _ in 0..<40 { g.record(source: long, translation: given, sound: true) }
        XCTAssertEqual(flags(g, shorter, source: long), [.length])
    }

    func testStockOpeningAcrossUnitsWithDifferentSources() {
        var g = OutputGuard()
        let sources = ["那僧笑道：此事說來好笑。", "道人便問：你攜了此物何往？", "士隱聽了，不便再問。"]
        for s in sources {
            g.record(source: s, translation: "The king said to them that " + s.count.description + " things were so.", sound: true)
        }
        XCTAssertEqual(flags(g, "The king said to them that all was well.", source: "雨村聽了，大笑。"), [.stockOpening])
        // The same opening for the same opening of the source is a refrain, not a stock phrase.
        XCTAssertEqual(flags(g, "The king said to them that all was well.", source: "那僧又笑道：好。"), [])
    }

    /// The pairs of `corpus` the guard flags, each statistic fed as a run feeds it.
    func flagged(_ corpus: ReferenceCorpus) -> [String] {
        var g = OutputGuard()
        var flagged: [String] = []
        for p in corpus.pairs {
            let v = g.check(source: p.source, translation: p.target)
            if !v.isSound { flagged.append("\(v.flags): \(p.source) → \(p.target)") }
            g.record(source: p.source, translation: v.text, sound: v.isSound)
        }
        return flagged
    }

    /// Good English must pass: the aligned pairs of the sample book's reference translation.
    func testTheSampleBooksReferenceTranslationPasses() throws {
        let root = TranslateTestSupport.packageRoot + "/Corpora/sample"
        let corpus = try ReferenceCorpus.read(source: root + "/zh.txt", reference: root + "/en.txt")
        XCTAssertGreaterThan(corpus.pairs.count, 50)
        XCTAssertEqual(flagged(corpus), [])
    }

    /// And Joly's 紅樓夢, chapters 1–5, the book the guard is for: almost nothing flagged.
    func testJolysHongLouMengPasses() throws {
        let dir = try Requirement.corpus("hongloumeng")
        let corpus = try ReferenceCorpus.read(source: dir + "/zh.txt", reference: dir + "/en.txt", chapters: 1...5)
        let bad = flagged(corpus)
        print("OutputGuardTests: \(bad.count) of \(corpus.pairs.count) reference pairs flagged\n" + bad.joined(separator: "\n"))
        XCTAssertGreaterThan(corpus.pairs.count, 500)
        XCTAssertLessThan(Double(bad.count), 0.02 * Double(corpus.pairs.count))
    }
}
