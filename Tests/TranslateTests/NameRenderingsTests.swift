import Evaluate
import Foundation
import TestSupport
import Text
import Translate
import XCTest

/// `NameRenderings` on made-up pairs, and on 紅樓夢 1–10 against Joly's English.
final class NameRenderingsTests: XCTestCase {
    /// Joly's spellings in chapters 1–10 of the names NameFinder ranks high (any of his forms).
    static let joly: [String: Set<String>] = [
        "寶玉": ["Pao-yü"], "黛玉": ["Tai-yü"], "林黛玉": ["Lin Tai-yü", "Tai-yü"], "林姑娘": ["Miss Lin"], "襲人": ["Hsi Jen"],
        "賈母": ["dowager lady Chia", "old lady Chia"], "王夫人": ["madame Wang"], "鳳姐": ["lady Feng"], "鳳姐儿": ["lady Feng"],
        "熙鳳": ["Hsi-feng", "Wang Hsi-feng"], "賈政": ["Chia Cheng"], "雨村": ["Yü-ts'un", "Chia Yü-ts'un"],
        "士隱": ["Shih-yin", "Chen Shih-yin"], "子興": ["Tzu-hsing", "Leng Tzu-hsing"], "封肅": ["Feng Su"], "寶釵": ["Pao-ch'ai"],
        "賈璉": ["Chia Lien"], "賈珍": ["Chia Chen"], "賈蓉": ["Chia Jung"], "賈瑞": ["Chia Jui"], "賈薔": ["Chia Se"],
        "賈蘭": ["Chia Lan"], "薛蟠": ["Hsüeh P'an"], "平儿": ["P'ing Erh"], "邢夫人": ["madame Hsing"], "薛姨媽": ["Mrs. Hsüeh"],
        "秦氏": ["Mrs. Ch'in"], "尤氏": ["Mrs. Yu"], "李氏": ["Mrs. Li"], "秦鐘": ["Ch'in Chung"], "劉姥姥": ["goody Liu", "old goody Liu"],
        "板儿": ["Pan Erh"], "探春": ["T'an Ch'un"], "惜春": ["Hsi Ch'un"], "香菱": ["Hsiang Ling"], "金釧儿": ["Chin Ch'uan-erh"],
        "晴雯": ["Ch'ing Wen"], "李嬤嬤": ["nurse Li", "dame Li"], "李貴": ["Li Kuei"], "金榮": ["Chin Jung"], "茗煙": ["Ming Yen"],
        "馮紫英": ["Feng Tzu-ying"], "宁國府": ["Ning Kuo"], "榮府": ["Jung Kuo", "Jung"], "宁府": ["Ning Kuo", "Ning"], "梨香院": ["Pear Fragrance Court"],
    ]

    /// 紅樓夢 1–10 aligned with Joly's English (CC-CEDICT anchoring the sentence alignment), the
    /// names NameFinder ranks top 100 over the book's 30 chapters.
    func testJolysRenderingsOfHongLouMeng() throws {
        let zh = try Requirement.corpus("hongloumeng/zh.txt"), en = try Requirement.corpus("hongloumeng/en.txt")
        let cedict = try Requirement.corpus("cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz")
        let names = NameFinder.candidates(in: try BookReader.read(file: zh)).prefix(100).map(\.name)
        let corpus = try ReferenceCorpus.read(source: zh, reference: en, chapters: 1...10, dictionary: cedict)
        var r = NameRenderings(names: names)
        let started = Date()
        for p in corpus.pairs { r.add(source: p.source, translation: p.target) }
        let seconds = Date().timeIntervalSince(started)
        let settled = r.settled()
        let judged = settled.filter { Self.joly[$0.source] != nil }
        let wrong = judged.filter { !Self.joly[$0.source]!.contains($0.target) }
        print("NameRenderings on 紅樓夢 1–10: \(corpus.pairs.count) pairs in \(String(format: "%.3f", seconds)) s; \(settled.count) of "
            + "\(names.count) names settled, \(judged.count - wrong.count) of \(judged.count) judged ones as Joly spells them; wrong: "
            + "\(wrong.map { "\($0.source) → \($0.target)" }); not judged: \(settled.filter { Self.joly[$0.source] == nil }.map { "\($0.source) → \($0.target)" })")
        print(settled.map { "\($0.source) → \($0.target)" }.joined(separator: "; "))
        for name in ["寶玉", "黛玉", "襲人", "賈母", "王夫人", "鳳姐", "賈政", "雨村", "寶釵", "平儿", "賈璉", "薛蟠"] {
            XCTAssertTrue(Self.joly[name]!.contains(r.rendering(of: name) ?? "(unsettled)"), "\(name) → \(r.rendering(of: name) ?? "(unsettled)")")
        }
        XCTAssertGreaterThanOrEqual(judged.count - wrong.count, 35)
        XCTAssertLessThanOrEqual(wrong.count, 3)
        // What a non-name settles on must at least not be a main name's rendering.
        let main = Set(["Pao-yü", "Tai-yü", "Hsi Jen", "dowager lady Chia", "madame Wang", "lady Feng"])
        let others = settled.filter { e in !Self.joly.keys.contains { e.source.contains($0) } }
        XCTAssertTrue(others.allSatisfy { !main.contains($0.target) }, "\(others)")
    }

    /// The bundled sample book with the project's reference English (Corpora/sample/story.tsv,
    /// sentence by sentence): the names settle as its glossary renders them.
    func testSampleBookSettlesAsItsGlossary() throws {
        let root = Requirement.packageRoot + "/Corpora/sample"
        let names = NameFinder.candidates(in: try BookReader.read(file: root + "/zh.txt")).prefix(20).map(\.name)
        let rows = try String(contentsOfFile: root + "/story.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
        var r = NameRenderings(names: names)
        for row in rows {
            let f = row.split(separator: "\t", omittingEmptySubsequences: false)
            r.add(source: String(f[3]), translation: String(f[4]))
        }
        let glossary = Dictionary(uniqueKeysWithValues: try Glossary.read(file: root + "/glossary.tsv").entries.map { ($0.source, $0.target) })
        print("NameRenderings on the sample: \(r.settled().map { "\($0.source) → \($0.target)" })")
        for name in ["陈墨", "林秋月", "周伯", "苏小满"] { XCTAssertEqual(r.rendering(of: name), glossary[name], name) }
        // Ten settle (of the twenty candidates), every one a glossary name with the glossary's English.
        XCTAssertGreaterThanOrEqual(r.settled().count, 8)
        XCTAssertEqual(r.settled().filter { glossary[$0.source] != $0.target }, [])
    }

    func testSettlesOnTheFirstClearRenderingAndKeepsIt() {
        var r = NameRenderings(names: ["陈墨", "周伯"])
        r.add(source: "陈墨来了。", translation: "Then Chen Mo came.")
        r.add(source: "陈墨笑了。", translation: "Chen Mo smiled.")
        XCTAssertNil(r.rendering(of: "陈墨"), "two units are not enough")
        r.add(source: "周伯说陈墨很好。", translation: "Uncle Zhou said that Chen Mo was good.")
        XCTAssertEqual(r.rendering(of: "陈墨"), "Chen Mo")
        // Later pairs never change a settled entry.
        for _ in 0..<10 { r.add(source: "陈墨走了。", translation: "Then Chen Muo left.") }
        XCTAssertEqual(r.rendering(of: "陈墨"), "Chen Mo")
        XCTAssertNil(r.rendering(of: "周伯"))
        r.add(source: "周伯点头。", translation: "Uncle Zhou nodded.")
        r.add(source: "周伯问他。", translation: "Then Uncle Zhou asked him.")
        // The title belongs to the name: "Uncle Zhou", not "Zhou".
        XCTAssertEqual(r.settled(), [GlossaryEntry(source: "陈墨", target: "Chen Mo"), GlossaryEntry(source: "周伯", target: "Uncle Zhou")])
        XCTAssertEqual(r.pairs, 15)
    }

    func testTwoRenderingsSettleOnTheFirstThatBecomesClear() {
        var r = NameRenderings(names: ["陈墨"])
        let forms = ["Chen Mo", "Chen Mu", "Chen Moh", "Chen Mo", "Chen Mu", "Chen Mu", "Chen Mu"]
        for f in forms { r.add(source: "陈墨来了。", translation: "Then \(f) came.") }
        // 4 of 7 is not yet clear, and the "Chen" they share is no rendering of the name.
        XCTAssertNil(r.rendering(of: "陈墨"))
        r.add(source: "陈墨来了。", translation: "Then Chen Mu came.")
        XCTAssertEqual(r.rendering(of: "陈墨"), "Chen Mu")  // 5 of 8
        for _ in 0..<20 { r.add(source: "陈墨来了。", translation: "Then Chen Mo came.") }
        XCTAssertEqual(r.rendering(of: "陈墨"), "Chen Mu")
    }

    func testANameNeverClearStaysUnsettled() {
        var r = NameRenderings(names: ["老人", "江"])
        let forms = ["the old man", "Old Wang", "Grandpa Li", "the elder", "Uncle Li"]
        for i in 0..<30 { r.add(source: "老人看着江。", translation: "Then \(forms[i % forms.count]) looked at the river.") }
        XCTAssertEqual(r.settled(), [])
        XCTAssertEqual(r.pairs, 30)
    }

    func testARenderingAsCommonElsewhereIsNotTheNames() {
        // "Qingshi Town" is in every unit: it does not render 陈墨 however often they meet.
        var r = NameRenderings(names: ["陈墨"])
        for i in 0..<12 {
            r.add(source: i % 3 == 0 ? "陈墨在青石镇。" : "天黑了。", translation: i % 3 == 0 ? "He was in Qingshi Town." : "Night fell on Qingshi Town.")
        }
        XCTAssertEqual(r.settled(), [])
    }

    func testSentenceOpenersAndFolding() {
        // "Thereupon" is only ever capitalised for opening a sentence; "Lady Feng" opening one is the
        // "lady Feng" of mid-sentence.
        var r = NameRenderings(names: ["鳳姐"])
        r.add(source: "鳳姐笑道。", translation: "Thereupon lady Feng smiled.")
        r.add(source: "鳳姐笑道。", translation: "Lady Feng laughed.")
        r.add(source: "鳳姐便問。", translation: "Then lady Feng asked.")
        r.add(source: "鳳姐來了。", translation: "Then came lady Feng.")
        XCTAssertEqual(r.rendering(of: "鳳姐"), "lady Feng")
    }

    func testResumeRebuildsTheSameState() {
        let pairs = (0..<40).map { i in
            (["陈墨来了。", "周伯说话。", "林秋月笑了。"][i % 3], ["Then Chen Mo came.", "Then Uncle Zhou spoke.", "Then Lin Qiuyue smiled."][i % 3])
        }
        var whole = NameRenderings(names: ["陈墨", "周伯", "林秋月"])
        for (s, t) in pairs { whole.add(source: s, translation: t) }
        var first = NameRenderings(names: ["陈墨", "周伯", "林秋月"])
        for (s, t) in pairs.prefix(7) { first.add(source: s, translation: t) }
        var resumed = NameRenderings(names: ["陈墨", "周伯", "林秋月"])
        for (s, t) in pairs { resumed.add(source: s, translation: t) }
        XCTAssertEqual(resumed.settled(), whole.settled())
        XCTAssertEqual(Array(whole.settled().prefix(first.settled().count)), first.settled())
        XCTAssertEqual(whole.settled().map(\.target), ["Chen Mo", "Uncle Zhou", "Lin Qiuyue"])
    }

    func testGlossaryFileReadsBackAndUserEntriesWin() throws {
        let dir = TranslateTestSupport.temporaryDirectory("names-glossary")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let automatic = [GlossaryEntry(source: "寶玉", target: "Pao-yü"), GlossaryEntry(source: "襲人", target: "Hsi Jen"),
                         GlossaryEntry(source: "賈寶玉", target: "Chia Pao-yü"), GlossaryEntry(source: "#號", target: "Hash"),
                         GlossaryEntry(source: "寶玉", target: "Baoyu"), GlossaryEntry(source: "王夫人", target: "Madame\tWang")]
        let file = dir + "/names.tsv"
        try NameGlossary.write(automatic, to: file)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(NameGlossary.header + "\n"))
        XCTAssertEqual(try Glossary.read(file: file).entries, Array(automatic.prefix(3)))
        // Only the header: parsed as empty (what `Glossary.read` refuses as a user's file).
        XCTAssertEqual(try Glossary.parse(NameGlossary.text([])).entries, [])

        let user = [GlossaryEntry(source: "寶玉", target: "Baoyu"), GlossaryEntry(source: "林黛玉", target: "Lin Daiyu")]
        let auto = [GlossaryEntry(source: "寶玉", target: "Pao-yü"), GlossaryEntry(source: "賈寶玉", target: "Chia Pao-yü"),
                    GlossaryEntry(source: "黛玉", target: "Tai-yü"), GlossaryEntry(source: "襲人", target: "Hsi Jen")]
        XCTAssertEqual(NameGlossary.merged(user: user, automatic: auto).map(\.source), ["寶玉", "林黛玉", "襲人"])
        let consistent = [GlossaryEntry(source: "賈寶玉", target: "Jia Baoyu"), GlossaryEntry(source: "黛玉", target: "Daiyu")]
        XCTAssertEqual(NameGlossary.merged(user: user, automatic: consistent), user + consistent)
    }
}
