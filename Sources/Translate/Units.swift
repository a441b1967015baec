import Foundation
import Text

/// One translation unit: a chapter heading, or one or a few consecutive sentences of a paragraph.
public struct TranslationUnit: Sendable, Equatable, Codable {
    /// The chapter's number as written in its heading (its position when it has none; 0 = text
    /// before the first heading).
    public var chapter: Int
    /// Position of the chapter in the selection (0-based), for output order.
    public var chapterPosition: Int
    /// Index of the unit within its chapter (0 = the heading when there is one).
    public var unit: Int
    /// Index of the paragraph in the chapter; nil for the heading.
    public var paragraph: Int?
    public var source: String
    /// For a heading: the chapter number written in it (the translation starts "Chapter N:").
    public var headingNumber: Int?
    /// The English given by `--reference` (the unit is not generated); nil: to be translated.
    public var reference: String?

    public var isHeading: Bool { paragraph == nil }
}

/// The chapters of a book selected for translation, cut into units.
public struct UnitPlan: Sendable {
    public struct ChapterInfo: Sendable, Equatable {
        public var number: Int
        public var heading: String
        /// Paragraph count (separators included, so indices match `TranslationUnit.paragraph`).
        public var paragraphs: Int
        /// The chapter's `Chapter.index` in the book (0 = preface).
        public var index: Int
        /// Set when the chapter's English comes from `--reference`: what the aligner made of it.
        public var given: Given?
    }

    /// A given chapter's counts, for the report.
    public struct Given: Sendable, Equatable {
        public var pairs: Int
        public var unpairedSource: Int
        public var unpairedReference: Int
    }
    public var chapters: [ChapterInfo]
    public var units: [TranslationUnit]
    public var warnings: [String]

    /// The number used for a chapter in `--chapters` and in records.
    public static func number(of c: Chapter) -> Int { c.number ?? c.index }

    /// Cuts `book` into units of at most `maxSentences` sentences and `tokenBudget` source
    /// tokens (a longer sentence is a unit of its own); units never cross a paragraph. A chapter
    /// in `given` has its heading and its aligned pairs as units instead, each with its English.
    public static func make(book: Book, file: String, chapters range: ClosedRange<Int>?,
                            tokenBudget: Int, maxSentences: Int, given: GivenChapters? = nil,
                            countTokens: (String) -> Int) throws -> UnitPlan {
        var all = book.chapters
        if let p = book.preface, !p.sentences.isEmpty { all.insert(p, at: 0) }
        var warnings = book.warnings
        if !book.chapters.isEmpty && book.chapters.allSatisfy({ $0.heading.isEmpty }) {
            warnings.append("\(file): no chapter headings found; translating it as \(book.chapters.count) sized section(s) numbered by position")
        }
        let selected = all.filter { range?.contains(number(of: $0)) ?? true }
        guard selected.contains(where: { !$0.sentences.isEmpty }) else {
            if let r = range {
                let have = all.map { String(number(of: $0)) }.joined(separator: ", ")
                let what = selected.isEmpty ? "no chapter numbered \(chapterRangeText(r))"
                    : r.lowerBound == r.upperBound ? "chapter \(r.lowerBound) has no sentences" : "chapters \(chapterRangeText(r)) have no sentences"
                throw TranslateError.badInput(file: file, reason: "\(what) (the book has: \(have.isEmpty ? "none" : have))")
            }
            throw TranslateError.badInput(file: file, reason: "the book is empty (no sentences to translate)")
        }
        var plan = UnitPlan(chapters: [], units: [], warnings: warnings + (given?.warnings ?? []))
        for c in selected where !c.sentences.isEmpty || !c.heading.isEmpty {
            let pos = plan.chapters.count
            let num = number(of: c)
            let g = given?.chapters[c.index]
            plan.chapters.append(ChapterInfo(number: num, heading: headingLine(c), paragraphs: c.paragraphs.count, index: c.index,
                                             given: g.map { Given(pairs: $0.pairs.count, unpairedSource: $0.unpairedSource,
                                                                  unpairedReference: $0.unpairedReference) }))
            var k = 0
            if !c.heading.isEmpty {
                plan.units.append(TranslationUnit(chapter: num, chapterPosition: pos, unit: 0, paragraph: nil,
                                                  source: headingLine(c), headingNumber: c.number, reference: g?.heading))
                k = 1
            }
            if let g {
                for p in g.pairs {
                    plan.units.append(TranslationUnit(chapter: num, chapterPosition: pos, unit: k, paragraph: p.paragraph,
                                                      source: p.source, headingNumber: nil, reference: p.target))
                    k += 1
                }
                continue
            }
            var current: [String] = [], tokens = 0, para = -1
            func flush() {
                guard !current.isEmpty else { return }
                plan.units.append(TranslationUnit(chapter: num, chapterPosition: pos, unit: k, paragraph: para, source: current.joined(), headingNumber: nil))
                k += 1
                current = []
                tokens = 0
            }
            for s in c.sentences {
                let text = s.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty { continue }
                let n = countTokens(text)
                if s.paragraph != para || current.count >= maxSentences || (tokens + n > tokenBudget && !current.isEmpty) { flush() }
                para = s.paragraph
                current.append(text)
                tokens += n
            }
            flush()
        }
        return plan
    }

    /// The heading line, with title lines of the heading block appended when the line lacks them.
    static func headingLine(_ c: Chapter) -> String {
        let h = c.heading.trimmingCharacters(in: .whitespaces)
        let t = c.title.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || h.contains(t) { return h }
        return h.isEmpty ? t : h + "　" + t
    }
}

/// A range of chapter numbers as `--chapters` takes it (`5`, `3-7`, `3-`); nil is every chapter.
func chapterRangeText(_ chapters: ClosedRange<Int>?) -> String {
    guard let c = chapters else { return "all" }
    if c.upperBound == Int.max { return "\(c.lowerBound)-" }
    return c.lowerBound == c.upperBound ? "\(c.lowerBound)" : "\(c.lowerBound)-\(c.upperBound)"
}

/// Parses `3-7`, `5` or `3-` (to the end) into a range of chapter numbers.
public func parseChapterRange(_ s: String) throws -> ClosedRange<Int> {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let bad = TranslateError.badSetting(name: "--chapters", reason: "expected N or A-B with A ≤ B (chapter numbers as written in the headings), got \"\(s)\"")
    switch parts.count {
    case 1: guard let n = Int(parts[0]), n >= 0 else { throw bad }; return n...n
    case 2:
        guard let a = Int(parts[0]), a >= 0 else { throw bad }
        if parts[1].isEmpty { return a...Int.max }
        guard let b = Int(parts[1]), b >= a else { throw bad }
        return a...b
    default: throw bad
    }
}
