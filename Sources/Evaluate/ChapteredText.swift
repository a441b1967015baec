import Foundation
import Text

/// One side of a run comparison cut into numbered chapters, each a list of units in reading order:
/// a run folder's translations, a GuoFeng file's lines, an English book's heading and sentences,
/// or a line-aligned file that takes its chapters from a run with as many units.
public struct ChapteredText: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case runFolder = "run folder"
        case guofeng = "GuoFeng file"
        case book = "book with chapter headings"
        case lines = "line-aligned file"
    }

    public var origin: String
    public var kind: Kind
    /// Chapter numbers in reading order, each once.
    public var order: [Int]
    /// The units of each chapter: translations, reference lines or sentences (a book's heading first).
    public var chapters: [Int: [String]]
    /// A run's source text, unit for unit (name consistency looks for glossary terms in it).
    public var sources: [Int: [String]]?
    /// The decoder's warnings (bytes replaced when read lossily, an encoding guessed).
    public var warnings: [String] = []
    /// A run's chapters that translate has not finished (it is still running or was stopped inside
    /// them): scoring a part of a chapter against the whole reference chapter would mislead.
    public var unfinished: [Int] = []
    /// A run's chapters whose English is the reference `translate --reference` was given, not a
    /// translation: scored, they would score that reference against itself.
    public var given: [Int] = []

    public init(origin: String, kind: Kind, order: [Int], chapters: [Int: [String]], sources: [Int: [String]]? = nil) {
        self.origin = origin
        self.kind = kind
        self.order = order
        self.chapters = chapters
        self.sources = sources
    }

    /// Units correspond to sentences or lines one to one (a book's sentences come from a splitter,
    /// so they never line up with a run's units).
    public var isLineAligned: Bool { kind != .book }

    public var unitCount: Int { chapters.values.reduce(0) { $0 + $1.count } }

    /// Groups consecutive (chapter, text) pairs, keeping the order in which chapters first appear.
    init(origin: String, kind: Kind, units: [(chapter: Int, text: String)], sources: [String]? = nil) {
        var order = [Int](), chapters = [Int: [String]](), bySource = [Int: [String]]()
        for (k, u) in units.enumerated() {
            if chapters[u.chapter] == nil { order.append(u.chapter) }
            chapters[u.chapter, default: []].append(u.text)
            if let sources { bySource[u.chapter, default: []].append(sources[k]) }
        }
        self.init(origin: origin, kind: kind, order: order, chapters: chapters, sources: sources == nil ? nil : bySource)
    }
}

extension ChapteredText {
    /// A run folder written by `yanfu translate`: its records' `chapter` fields are the chapters.
    public static func run(_ path: String) throws -> ChapteredText {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluateError.invalidArgument("\(path): no such run folder; expected a folder written by `yanfu translate` "
                + "(with \(RunFolderReader.segmentsFile))")
        }
        guard isDirectory.boolValue else {
            throw EvaluateError.invalidArgument("\(path): not a run folder; expected a folder written by `yanfu translate` "
                + "(with \(RunFolderReader.segmentsFile)), not a file")
        }
        let file = (path as NSString).appendingPathComponent(RunFolderReader.segmentsFile)
        guard FileManager.default.fileExists(atPath: file) else {
            throw EvaluateError.invalidArgument("\(path): not a run folder: \(RunFolderReader.segmentsFile) is missing; "
                + "expected a folder written by `yanfu translate`")
        }
        let segments: [SegmentRecord]
        do {
            segments = try RunFolderReader.read(path)
        } catch EvaluateError.emptyInput {
            throw EvaluateError.invalidArgument("\(file): no translated units; expected one JSON record per line "
                + "with chapter, unit, source and translation")
        }
        var text = ChapteredText(origin: path, kind: .runFolder, units: segments.map { ($0.chapter, $0.translation) },
                                 sources: segments.map(\.source))
        let progress = RunFolderReader.unfinishedChapters(path, segments: segments)
        text.unfinished = progress.chapters
        var seen = Set<Int>()
        text.given = segments.filter { $0.reference == true && seen.insert($0.chapter).inserted }.map(\.chapter)
        text.warnings += progress.warning.map { [$0] } ?? []
        return text
    }

    /// A reference: a run folder, a GuoFeng file (its chapters in order are chapters 1…n), a
    /// line-aligned file with exactly as many lines as one of `runs` has units (it takes that run's
    /// chapters), or a book whose numbered chapter headings give the chapters. The line-aligned
    /// reading comes before the book reading so that a file that worked line for line keeps doing so.
    /// `decoding` applies to GuoFeng files and books (line-aligned files are UTF-8, as sacreBLEU reads them).
    public static func reference(_ path: String, runs: [ChapteredText], decoding: DecodeOptions = DecodeOptions()) throws -> ChapteredText {
        if RunFolderReader.isRunFolder(path) { return try run(path) }
        let counts = Set(runs.map(\.unitCount)).sorted().map(String.init).joined(separator: " or ")
        let otherwise = "expected a run folder, a GuoFeng file, a book with numbered chapter headings "
            + "(\"Chapter 1\", \"CHAPTER I.\") or a line-aligned file with \(counts) lines (one per unit of a run)"
        if EPUBReader.isEPUB(file: path) { return try book(path, otherwise: otherwise, decoding: decoding) }
        // Line files are UTF-8 (as sacreBLEU reads them); a book may be in any encoding the book reader knows.
        guard let lines = try? SegmentFile.readLines(path) else { return try book(path, otherwise: otherwise, decoding: decoding) }
        if SegmentSet.isGuoFeng(lines) { return try guoFeng(path, decoding: decoding) }
        if let donor = runs.first(where: { $0.unitCount == lines.count }) {
            var units = [(chapter: Int, text: String)]()
            var k = 0
            for c in donor.order {
                for _ in donor.chapters[c]! { units.append((c, lines[k])); k += 1 }
            }
            return ChapteredText(origin: path, kind: .lines, units: units)
        }
        return try book(path, otherwise: otherwise, decoding: decoding)
    }

    /// GuoFeng: documents in file order are chapters 1, 2, …; every line (headings too) is a unit.
    public static func guoFeng(_ path: String, decoding: DecodeOptions = DecodeOptions()) throws -> ChapteredText {
        let corpus = try GuoFengCorpus.read(source: path, target: path, alignment: .sentences,
                                            sourceDecoding: decoding, targetDecoding: decoding)
        var units = [(chapter: Int, text: String)]()
        for (i, doc) in corpus.documents.enumerated() { units += doc.target.map { (i + 1, $0) } }
        if units.isEmpty { throw EvaluateError.invalidArgument("\(path): no lines inside <CHAPTER> markers; expected a GuoFeng file") }
        var text = ChapteredText(origin: path, kind: .guofeng, units: units)
        text.warnings = corpus.warnings
        return text
    }

    /// A book (Text's `BookReader` finds the headings): chapter N is the chapter headed with number N,
    /// its units the heading block (heading line and title lines, spaces collapsed) and then its
    /// sentences. Text before the first heading has no number and is not a chapter.
    public static func book(_ path: String, otherwise expected: String? = nil, decoding: DecodeOptions = DecodeOptions()) throws -> ChapteredText {
        let book = try BookReader.read(file: path, options: BookOptions(encoding: decoding.encoding, lossy: decoding.lossy))
        var units = [(chapter: Int, text: String)]()
        // By number alone, the first chapter of each (a run's records have no volume to match).
        let numbered = NumberedChapters(book.chapters.map { c in (c.number.map { ChapterKey(number: $0) }, c) })
        for key in numbered.order {
            let chapter = numbered[key]!, n = key.number
            let heading = book.slice(chapter.headingRange).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !heading.isEmpty { units.append((n, heading)) }
            units += chapter.sentences.map { (n, $0.text) }
        }
        if units.isEmpty {
            throw EvaluateError.invalidArgument("\(path): no numbered chapter headings found; "
                + (expected ?? "expected a book with headings such as \"Chapter 1\" or \"CHAPTER I.\""))
        }
        var text = ChapteredText(origin: path, kind: .book, units: units)
        text.warnings = book.warnings(naming: path)
        return text
    }
}
