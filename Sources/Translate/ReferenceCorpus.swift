import Foundation
import Text

/// A source text with its reference translation as sentence pairs in book order, each tagged with
/// its chapter: what `eval-ppl` walks. Read from a sentence-aligned GuoFeng pair, from TSV pairs,
/// or from two chapter-aligned books whose sentences the aligner pairs.
public struct ReferenceCorpus: Sendable {
    public struct Pair: Sendable, Equatable, Codable {
        public var chapter: Int
        public var source: String
        public var target: String
    }

    public enum Kind: String, Sendable, Codable {
        case guofeng, tsv, books
    }

    public var pairs: [Pair]
    public var kind: Kind
    public var warnings: [String]

    /// The chapter numbers in order of appearance.
    public var chapters: [Int] {
        var seen = Set<Int>()
        return pairs.compactMap { seen.insert($0.chapter).inserted ? $0.chapter : nil }
    }

    /// - `reference` nil: `source` is a TSV file (`source<TAB>target[<TAB>chapter]`).
    /// - both GuoFeng files: their lines are the pairs; chapters are numbered 1, 2, … in order.
    /// - otherwise two books with chapter headings, aligned sentence by sentence (`dictionary`:
    ///   CC-CEDICT for word anchors); headings are left out.
    /// `chapters` keeps only those numbers. `sourceDecoding` and `referenceDecoding`: each file's
    /// encoding (detected when nil) and whether invalid bytes become U+FFFD.
    public static func read(source: String, reference: String?, chapters range: ClosedRange<Int>? = nil,
                            dictionary: String? = nil, sourceDecoding: DecodeOptions = DecodeOptions(),
                            referenceDecoding: DecodeOptions = DecodeOptions()) throws -> ReferenceCorpus {
        var corpus: ReferenceCorpus
        if let reference {
            if try AlignmentInput.isGuoFeng(source) && AlignmentInput.isGuoFeng(reference) {
                let g = try GuoFengCorpus.read(source: source, target: reference, alignment: .sentences,
                                               sourceDecoding: sourceDecoding, targetDecoding: referenceDecoding)
                var pairs: [Pair] = []
                for (i, d) in g.documents.enumerated() {
                    for (s, t) in zip(d.source, d.target) { pairs.append(Pair(chapter: i + 1, source: s, target: t)) }
                }
                corpus = ReferenceCorpus(pairs: pairs, kind: .guofeng, warnings: g.warnings)
            } else {
                let input = try AlignmentInput.read(source: source, target: reference,
                                                    sourceDecoding: sourceDecoding, targetDecoding: referenceDecoding)
                let dict = try dictionary.map { try BilingualDictionary.read(file: $0) }
                let selected = input.chapters.filter { c in range.map { r in c.number.map(r.contains) ?? false } ?? true }
                if let r = range, selected.isEmpty {
                    throw noChapter(r, file: source, have: input.chapters.compactMap(\.number))
                }
                let result = BookAligner(dictionary: dict).align(selected)
                var pairs: [Pair] = []
                for (i, c) in result.chapters.enumerated() {
                    for p in c.pairs { pairs.append(Pair(chapter: c.chapter.number ?? i + 1, source: p.source, target: p.target)) }
                }
                corpus = ReferenceCorpus(pairs: pairs, kind: .books, warnings: input.warnings)
            }
        } else {
            let decoded = try TextDecoder.read(file: source, options: sourceDecoding)
            let t = try TSVPairs.parse(decoded.text, file: source)
            // A third column numbers the chapters: all rows have one, or none do (all chapter 1).
            let numbers = t.pairs.map { $0.extra.first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
            if numbers.contains(where: { $0 != nil }), let bad = numbers.firstIndex(of: nil) {
                let p = t.pairs[bad]
                throw TranslateError.badInput(file: source, reason: "line \(p.line): expected a chapter number in the third column, like the other lines, found \"\(p.extra.first ?? "")\"")
            }
            corpus = ReferenceCorpus(pairs: zip(t.pairs, numbers).map { p, n in Pair(chapter: n ?? 1, source: p.source, target: p.target) },
                                     kind: .tsv, warnings: decoded.warnings)
        }
        corpus.pairs.removeAll { $0.source.allSatisfy(\.isWhitespace) && $0.target.allSatisfy(\.isWhitespace) }
        if let r = range {
            let have = corpus.chapters
            corpus.pairs.removeAll { !r.contains($0.chapter) }
            if corpus.pairs.isEmpty { throw noChapter(r, file: source, have: have) }
        }
        guard !corpus.pairs.isEmpty else {
            throw TranslateError.badInput(file: source, reason: "no sentence pairs found\(reference.map { " with \($0)" } ?? "")")
        }
        return corpus
    }

    private static func noChapter(_ r: ClosedRange<Int>, file: String, have: [Int]) -> TranslateError {
        let list = have.map(String.init).joined(separator: ", ")
        return TranslateError.badInput(file: file, reason: "no chapter numbered \(chapterRangeText(r)) (the corpus has: \(list.isEmpty ? "none" : list))")
    }
}
