import Base
import Evaluate
import Foundation
import TestSupport
import Text
import XCTest

/// `NameFinder` on 紅樓夢, on the bundled sample book and on made-up text.
final class NameFinderTests: XCTestCase {
    /// The names of 紅樓夢's first 30 chapters (persons and places, in the corpus's mixed
    /// traditional and simplified spelling: 平儿, 湘云, 宁府) judged by hand among everything the
    /// finder ranked in its top 100. Counted as names: a person's name with or without surname,
    /// their usual name forms (鳳姐儿, 林姑娘 "Miss Lin") and named places (榮府, 大觀園). Not names:
    /// titles and roles (老太太, 太太, 先生, 門子 "the gatekeeper", 大夫), kinship words and common nouns.
    static let hongloumengNames: Set<String> = [
        "寶玉", "賈寶玉", "黛玉", "林黛玉", "林姑娘", "林妹妹", "賈母", "鳳姐", "鳳姐儿", "熙鳳", "襲人", "賈政", "王夫人",
        "寶釵", "薛寶釵", "賈璉", "雨村", "賈雨村", "士隱", "甄士隱", "平儿", "湘云", "湘雲", "史湘云", "云儿", "探春",
        "薛蟠", "賈珍", "秦鐘", "晴雯", "劉姥姥", "李紈", "迎春", "惜春", "薛姨媽", "邢夫人", "尤氏", "紫鵑", "香菱",
        "鶯儿", "麝月", "秋紋", "賈蓉", "賈芸", "林之孝", "紅玉", "小紅", "秦氏", "秦可卿", "可卿", "賈瑞", "賈環",
        "賈薔", "墜儿", "金釧儿", "趙姨娘", "李嬤嬤", "焙茗", "茗煙", "馬道婆", "張道士", "馮紫英", "賈蘭", "賈赦",
        "警幻", "子興", "冷子興", "李貴", "封肅", "倪二", "智能", "智能儿", "金榮", "板儿", "蔣玉菡", "鴛鴦", "水溶",
        "李氏", "寶二爺", "賈妃", "元春", "周瑞", "齡官", "彩霞", "玉釧儿", "賴大", "秦業", "詹光", "單聘仁",
        "榮府", "宁府", "寧府", "榮國府", "宁國府", "寧國府", "賈府", "大觀園", "怡紅院", "瀟湘館", "梨香院",
        "鐵檻寺", "水月庵", "饅頭庵", "清虛觀", "蘅蕪苑", "金陵", "姑蘇", "揚州", "都中", "太虛幻境",
    ]

    /// The names the task singled out as the book's main ones: which the top 40 finds is reported.
    static let mainNames = [
        "寶玉", "黛玉", "賈母", "鳳姐", "襲人", "賈政", "王夫人", "寶釵", "賈璉", "雨村", "士隱", "平儿", "湘云", "探春",
        "薛蟠", "賈珍", "秦鐘", "晴雯", "劉姥姥", "李紈", "迎春", "惜春", "薛姨媽", "邢夫人", "尤氏", "紫鵑", "香菱",
        "鶯儿", "麝月", "秋紋", "賈蓉", "賈芸", "林之孝", "榮國府", "宁國府", "大觀園", "怡紅院", "瀟湘館",
    ]

    func testHongLouMengTopFortyAreNames() throws {
        let path = try Requirement.corpus("hongloumeng/zh.txt")
        let book = try BookReader.read(file: path)
        let started = Date()
        let found = NameFinder.candidates(in: book)
        let seconds = Date().timeIntervalSince(started)
        let top = Array(found.prefix(40))
        let names = top.filter { Self.hongloumengNames.contains($0.name) }
        let listed = Set(top.map(\.name))
        print("NameFinder on 紅樓夢 1–30: \(found.count) candidates in \(String(format: "%.3f", seconds)) s; "
            + "precision@40 \(names.count)/40; not names: \(top.filter { !Self.hongloumengNames.contains($0.name) }.map(\.name)); "
            + "main names outside the top 40 (rank): \(Self.mainNames.filter { !listed.contains($0) }.map { n in "\(n) \(found.firstIndex { $0.name == n }.map { String($0 + 1) } ?? "-")" })")
        print(top.enumerated().map { "\($0 + 1). \($1.name) \($1.count) \(String(format: "%.2f", $1.score))" }.joined(separator: "; "))
        XCTAssertGreaterThanOrEqual(names.count, 30, "\(top.map(\.name))")
        for name in ["寶玉", "黛玉", "賈母", "鳳姐", "襲人", "賈政", "王夫人", "寶釵", "賈璉", "雨村"] {
            XCTAssertTrue(listed.contains(name), "\(name) is not in the top 40")
        }
        // Fragments and titles stay out however frequent.
        for fragment in ["林黛", "王夫", "玉笑", "寶玉道", "寶玉笑道", "笑道", "太太", "一個", "只見", "如今", "說道"] {
            XCTAssertFalse(found.contains { $0.name == fragment }, fragment)
        }
        // Release build: well under a second on this machine; the bound leaves room for a busy one.
        XCTAssertLessThan(seconds, 5)
    }

    /// All 120 chapters of 三國演義 (about 600,000 characters): fast, and its heroes lead.
    func testSanguoWholeBook() throws {
        let book = try BookReader.read(file: try Requirement.corpus("sanguo/zh.txt"))
        let started = Date()
        let found = NameFinder.candidates(in: book)
        let seconds = Date().timeIntervalSince(started)
        let top = found.prefix(40).map(\.name)
        print("NameFinder on 三國演義: \(found.count) candidates in \(String(format: "%.3f", seconds)) s; top 40: \(top)")
        for name in ["孔明", "玄德", "曹操", "關公", "雲長", "張飛", "孫權", "呂布", "趙雲", "周瑜", "荊州", "徐州"] {
            XCTAssertTrue(top.contains(name), name)
        }
        XCTAssertLessThan(seconds, 10)
    }

    func testSampleBooksNamesLeadTheList() throws {
        let book = try BookReader.read(file: Requirement.packageRoot + "/Corpora/sample/zh.txt")
        let glossary = try Glossary.readSources(Requirement.packageRoot + "/Corpora/sample/glossary.tsv")
        let found = NameFinder.candidates(in: book)
        XCTAssertEqual(Set(found.prefix(5).map(\.name)), ["陈墨", "林秋月", "望江楼", "周伯", "苏小满"], "\(found.prefix(10))")
        XCTAssertTrue(found.prefix(5).allSatisfy { glossary.contains($0.name) })
        XCTAssertEqual(found.first { $0.name == "陈墨" }?.count, 26)
    }

    func testMadeUpBookFindsItsNamesAndNothingAcrossPunctuation() {
        let sentences = Self.madeUpBook(seed: 7)
        let found = NameFinder.candidates(in: sentences)
        XCTAssertEqual(Set(found.prefix(3).map(\.name)), ["阿福", "李大山", "清河镇"], "\(found.prefix(8))")
        let all = Set(found.map(\.name))
        // Fragments of a name and a name with its verb are not names; numerals are not either.
        for not in ["李大", "大山", "阿福笑", "福笑道", "清河", "十二", "十二年"] { XCTAssertFalse(all.contains(not), not) }
        // N-grams stop at punctuation: every candidate is written as such in some sentence (none
        // joins the characters either side of a comma).
        XCTAssertTrue(found.allSatisfy { c in sentences.contains { $0.contains(c.name) } })
        // Deterministic, with ties broken by the name.
        XCTAssertEqual(NameFinder.candidates(in: sentences), found)
        XCTAssertTrue(zip(found, found.dropFirst()).allSatisfy { $0.score > $1.score || ($0.score == $1.score && $0.name < $1.name) })
        XCTAssertEqual(NameFinder.candidates(in: []), [])
        XCTAssertEqual(NameFinder.candidates(in: ["Hello, world.", "。。"]), [])
    }

    /// Sentences where three names act and are spoken to among random filler, with a year ("十二年")
    /// as frequent as a name.
    static func madeUpBook(seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let filler = Array("山水花草木石雲風雨雪江河春秋冬夏早晚茶酒書畫琴棋門窗燈火船橋路")
        func words(_ n: Int) -> String { String((0..<n).map { _ in filler[Int(rng.next() % UInt64(filler.count))] }) }
        var out: [String] = []
        for i in 0..<40 {
            out.append("\(words(2))阿福笑道：“\(words(3))。”")
            out.append("李大山\(["說", "問", "便", "忙"][i % 4])\(words(3))，\(words(2))，阿福\(words(2))。")
            let toward = i % 2 == 0 ? words(1) : ["到", "在", "回", "往"][i / 2 % 4]
            out.append("\(words(3))\(toward)清河镇\(words(2))，又見李大山\(words(2))。")
            out.append("十二年\(words(4))，\(words(3))十二年。")
        }
        return out
    }
}

private extension Glossary {
    static func readSources(_ file: String) throws -> Set<String> { Set(try read(file: file).entries.map(\.source)) }
}
