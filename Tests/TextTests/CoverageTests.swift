import Base
import Text
import XCTest

/// Property test: generated books with random headings, blank lines, wrapping and noise lose no
/// character, and find exactly the chapters they were generated with.
final class CoverageTests: XCTestCase {
    typealias Generator = SplitMix64

    static let chineseNumbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    static let words = ["話說", "寶玉", "聽了", "心中", "大喜", "天下", "大勢", "分久必合", "老人", "上山", "看雲"]
    static let english = ["the", "old", "man", "went", "up", "hill", "to", "see", "clouds", "and", "came", "back"]

    func chineseSentence(_ g: inout Generator) -> String {
        let n = Int.random(in: 2...6, using: &g)
        let body = (0..<n).map { _ in Self.words.randomElement(using: &g)! }.joined()
        return body + ["。", "！", "？", "……", "，" + body + "。", "：“" + body + "。”"].randomElement(using: &g)!
    }

    func englishSentence(_ g: inout Generator) -> String {
        let n = Int.random(in: 3...9, using: &g)
        let body = (0..<n).map { _ in Self.english.randomElement(using: &g)! }.joined(separator: " ")
        return body.prefix(1).uppercased() + body.dropFirst() + [".", "!", "?", "...", ", said Mr. Li."].randomElement(using: &g)!
    }

    /// Hard-wraps `text` at `width` characters.
    func wrap(_ text: String, _ width: Int) -> String {
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count > width { lines.append(String(rest.prefix(width))); rest = rest.dropFirst(width) }
        lines.append(String(rest))
        return lines.joined(separator: "\n")
    }

    func generateChinese(_ g: inout Generator) -> (text: String, chapters: Int) {
        var text = Bool.random(using: &g) ? "書名\n作者：某某\n\n" : ""
        let chapters = Int.random(in: 1...12, using: &g)
        let style = Int.random(in: 0..<3, using: &g)
        for c in 0..<chapters {
            let heading = ["第\(Self.chineseNumbers[c])回　", "第\(c + 1)章 ", "第\(Self.chineseNumbers[c])章："][style]
            text += heading + (0..<Int.random(in: 0...2, using: &g)).map { _ in Self.words.randomElement(using: &g)! }.joined() + "\n"
            if Bool.random(using: &g) { text += String(repeating: "-", count: 20) + "\n" }
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let paragraph = (0..<Int.random(in: 1...5, using: &g)).map { _ in chineseSentence(&g) }.joined()
                text += "\u{3000}\u{3000}" + wrap(paragraph, Int.random(in: 8...30, using: &g)) + "\n"
                if Bool.random(using: &g) { text += "\n" }
                // Noise: a line that starts like a heading but is body text.
                if Int.random(in: 0..<10, using: &g) == 0 { text += "第\(Self.chineseNumbers[c])回中說過，此處不提。\n" }
            }
        }
        return (text, chapters)
    }

    func generateEnglish(_ g: inout Generator) -> (text: String, chapters: Int) {
        var text = Bool.random(using: &g) ? "THE BOOK\r\n\r\nby Someone\r\n\r\n" : ""
        let chapters = Int.random(in: 1...12, using: &g)
        let style = Int.random(in: 0..<3, using: &g)
        for c in 0..<chapters {
            text += ["CHAPTER \(Numerals_roman(c + 1)).", "Chapter \(c + 1)", "CHAPTER \(Numerals_roman(c + 1))"][style] + "\r\n\r\n"
            if Bool.random(using: &g) { text += "  A title line\r\n  and another.\r\n\r\n" }
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let paragraph = (0..<Int.random(in: 1...5, using: &g)).map { _ in englishSentence(&g) }.joined(separator: " ")
                text += wrapWords(paragraph, Int.random(in: 20...72, using: &g)).replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n"
            }
        }
        return (text, chapters)
    }

    func wrapWords(_ text: String, _ width: Int) -> String {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > width { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    func testGeneratedBooksLoseNothing() throws {
        var g = Generator(seed: 20261127)
        for round in 0..<60 {
            let (text, chapters) = round % 2 == 0 ? generateChinese(&g) : generateEnglish(&g)
            let book = try BookReader.parse(text: text)
            XCTAssertEqual(book.chapters.count, chapters, "round \(round):\n\(text)")
            XCTAssertEqual(book.chapters.map(\.number), Array(1...chapters).map { Optional($0) }, "round \(round)")
            XCTAssertTrue(Coverage.isComplete(book), "round \(round) lost text:\n\(text)")
            // Sentences cover every paragraph's characters too, with ranges into the source.
            for chapter in book.chapters {
                let sentences = chapter.sentences.map(\.text).joined()
                let paragraphs = chapter.paragraphs.filter { !$0.isSeparator }.map(\.text).joined()
                XCTAssertEqual(Coverage.nonWhitespace(sentences), Coverage.nonWhitespace(paragraphs), "round \(round)")
                for s in chapter.sentences {
                    XCTAssertEqual(Coverage.nonWhitespace(book.slice(s.range)), Coverage.nonWhitespace(s.text), "round \(round)")
                }
            }
        }
    }
}

func Numerals_roman(_ n: Int) -> String {
    let table: [(Int, String)] = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    var n = n, out = ""
    for (v, s) in table { while n >= v { out += s; n -= v } }
    return out
}
