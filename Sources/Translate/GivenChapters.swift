import Foundation
import Text

/// The chapters whose English is given (`translate --reference`): the reference book's chapters
/// paired with the book's by heading number (ChapterAlignedBooks, the pairing `compare`, `align`
/// and `eval-ppl` use), their sentences paired by the aligner. A given chapter is not generated:
/// its aligned pairs are its units, and they enter the bilingual context and Temp-LoRA's chunks
/// like generated ones (the paper's teacher-forced setting, for a translation taken over).
public struct GivenChapters: Sendable {
    public struct Pair: Sendable, Equatable {
        /// The paragraph (of the book's chapter) of the pair's first Chinese sentence.
        public var paragraph: Int
        public var source: String
        public var target: String
    }

    public struct Chapter: Sendable, Equatable {
        public var number: Int
        /// The reference's heading line ("Chapter 1: The Ferry"): the heading unit's English.
        public var heading: String
        public var pairs: [Pair]
        /// Sentences the aligner left without a counterpart (1-0 and 0-1 beads): not in the run.
        public var unpairedSource: Int
        public var unpairedReference: Int
    }

    /// The reference file, as given.
    public var file: String
    /// By the book chapter's `index` (unique even where numbers restart in each volume).
    public var chapters: [Int: Chapter]
    public var warnings: [String]

    /// Reads `reference` (any encoding or EPUB, as books are read) and aligns it with `book`.
    /// Every chapter both have is aligned, whatever `range` selects, so that a run extended to
    /// more chapters later sees the same pairs; then those outside `range` are dropped. A
    /// reference none of whose chapters is selected is an error; reference chapters the book
    /// lacks or that `range` leaves out are warnings.
    public static func read(reference: String, book: Book, bookFile: String, chapters range: ClosedRange<Int>?,
                            dictionary: String? = nil, decoding: DecodeOptions = DecodeOptions()) throws -> GivenChapters {
        func bad(_ reason: String) -> TranslateError { .badInput(file: reference, reason: reason) }
        guard FileManager.default.fileExists(atPath: reference) else { throw bad("no such reference file (--reference)") }
        let english: Book
        do {
            english = try BookReader.read(file: reference, options: BookOptions(encoding: decoding.encoding, lossy: decoding.lossy,
                                                                                language: .english))
        } catch let e as TextError {
            // Say which input it is; TextError's text already names the file (drop that prefix).
            let text = "\(e)", prefix = reference + ": "
            throw bad("cannot read the reference English (--reference): " + (text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text))
        }
        let books = ChapterAlignedBooks(source: book, target: english, sourceName: bookFile, targetName: reference)
        let referenceNumbers = NumberedChapters(book: english)
        func list(_ keys: [ChapterKey]) -> String { keys.isEmpty ? "none" : keys.map(\.description).joined(separator: ", ") }
        guard !books.pairs.isEmpty else {
            throw bad("no chapter of the reference (\(list(referenceNumbers.order))) has a number the book's chapters have "
                + "(\(list(NumberedChapters(book: book).order))); expected English chapters headed like the book's (\"Chapter 1\", \"CHAPTER I.\")")
        }
        let selected = books.pairs.filter { range?.contains($0.number) ?? true }
        guard !selected.isEmpty else {
            throw bad("none of the reference's chapters (\(list(books.pairs.map(\.key)))) is among the chapters to translate "
                + "(--chapters \(chapterRangeText(range))); select them too, so that the run learns from them")
        }

        var warnings = english.warnings(naming: reference)
        if !books.targetOnly.isEmpty {
            warnings.append("\(reference): chapter(s) \(list(books.targetOnly)) are not in \(bookFile); not used")
        }
        let unselected = books.pairs.filter { !(range?.contains($0.number) ?? true) }
        if !unselected.isEmpty {
            warnings.append("\(reference): chapter(s) \(list(unselected.map(\.key))) are outside --chapters \(chapterRangeText(range)); not used")
        }
        if referenceNumbers.unnumbered > 0 {
            warnings.append("\(reference): \(referenceNumbers.unnumbered) chapter(s) without a number (楔子, 尾声, …) are not used")
        }
        if !referenceNumbers.repeated.isEmpty {
            warnings.append("\(reference): chapter(s) \(list(referenceNumbers.repeated)) come again; only the first is used")
        }

        let dict = try dictionary.map { try BilingualDictionary.read(file: $0) }
        let aligned = BookAligner(dictionary: dict).align(books.pairs.map { AlignmentInput.sentences(of: $0, book: bookFile) })
        let wanted = Set(selected.map(\.key))
        var chapters: [Int: Chapter] = [:]
        for (pair, alignment) in zip(books.pairs, aligned.chapters) where wanted.contains(pair.key) {
            let c = chapter(pair, beads: alignment.beads)
            guard !c.pairs.isEmpty else {
                warnings.append("\(reference): chapter \(pair.key) has no sentence the aligner could pair with the book's; it is translated instead")
                continue
            }
            chapters[pair.source.index] = c
        }
        guard !chapters.isEmpty else {
            throw bad("the aligner paired none of the sentences of chapter(s) \(list(selected.map(\.key))) with the book's; expected their English translation")
        }
        return GivenChapters(file: reference, chapters: chapters, warnings: warnings)
    }

    /// A chapter's pairing beads as pairs (Chinese sentences joined with nothing, English ones
    /// with a space, as `AlignedChapter.pairs`), each placed in its first sentence's paragraph.
    static func chapter(_ pair: ChapterAlignedBooks.Pair, beads: [Bead]) -> Chapter {
        let zh = pair.source.sentences, en = pair.target.sentences
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        var c = Chapter(number: pair.number, heading: UnitPlan.headingLine(pair.target), pairs: [], unpairedSource: 0, unpairedReference: 0)
        for bead in beads {
            let source = bead.source.map { trimmed(zh[$0].text) }.joined()
            let target = bead.target.map { trimmed(en[$0].text) }.filter { !$0.isEmpty }.joined(separator: " ")
            if source.isEmpty || target.isEmpty {
                // A 1-0 or 0-1 bead (or one whose one side is blank): no unit to make of it.
                c.unpairedSource += source.isEmpty ? 0 : bead.source.count
                c.unpairedReference += target.isEmpty ? 0 : bead.target.count
                continue
            }
            c.pairs.append(Pair(paragraph: zh[bead.source.lowerBound].paragraph, source: source, target: target))
        }
        return c
    }
}
