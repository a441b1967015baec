import Foundation

/// Reads the two inputs of `yanfu align`: either a pair of chapter-aligned book files (split into
/// chapters and sentences by `BookReader`) or a GuoFeng-layout pair with chapter alignment only
/// (GuoFeng v2), whose lines are taken as the sentences.
public enum AlignmentInput {
    public struct Loaded: Sendable {
        /// A name for the book: the GuoFeng book id, else derived from the file names.
        public var name: String
        public var chapters: [ChapterSentences]
        public var warnings: [String]
    }

    /// `sourceDecoding` and `targetDecoding`: each file's encoding (detected when nil) and whether
    /// invalid bytes become U+FFFD.
    public static func read(source: String, target: String, name: String? = nil,
                            sourceDecoding: DecodeOptions = DecodeOptions(), targetDecoding: DecodeOptions = DecodeOptions()) throws -> Loaded {
        if try isGuoFeng(source) && isGuoFeng(target) {
            let corpus = try GuoFengCorpus.read(source: source, target: target, alignment: .chapters,
                                                sourceDecoding: sourceDecoding, targetDecoding: targetDecoding)
            let book = name ?? corpus.books.first.flatMap { $0.isEmpty ? nil : $0 } ?? defaultName(source)
            let chapters = corpus.documents.enumerated().map { i, d in
                ChapterSentences(id: d.id, number: i + 1, source: d.source.map(Script.trimmed).filter { !$0.isEmpty },
                                 target: d.target.map(Script.trimmed).filter { !$0.isEmpty })
            }
            return Loaded(name: book, chapters: chapters, warnings: corpus.warnings)
        }
        let books = try ChapterAlignedBooks.read(
            source: source, target: target,
            sourceOptions: BookOptions(encoding: sourceDecoding.encoding, lossy: sourceDecoding.lossy, language: .chinese),
            targetOptions: BookOptions(encoding: targetDecoding.encoding, lossy: targetDecoding.lossy, language: .english))
        let book = name ?? defaultName(source)
        var warnings = books.warnings
        if books.pairs.isEmpty {
            throw TextError.misaligned(first: source, second: target, line: 0,
                                       detail: "no chapter number occurs in both files (\(books.source.chapters.count) and \(books.target.chapters.count) chapters found)")
        }
        let chapters = books.pairs.map { sentences(of: $0, book: book) }
        for c in chapters where c.source.isEmpty || c.target.isEmpty {
            warnings.append("chapter \(c.number ?? 0) has \(c.source.count) source and \(c.target.count) target sentences")
        }
        return Loaded(name: book, chapters: chapters, warnings: warnings)
    }

    /// A pair of chapters as the aligner takes them: every sentence of each, in order (so a
    /// bead's ranges index `Chapter.sentences`), the heading left out.
    public static func sentences(of pair: ChapterAlignedBooks.Pair, book: String) -> ChapterSentences {
        ChapterSentences(id: book + "_" + String(format: "%04d", pair.number), number: pair.number,
                         source: pair.source.sentences.map(\.text), target: pair.target.sentences.map(\.text))
    }

    /// True when the first non-blank line is a GuoFeng `<BOOK …>` or `<CHAPTER …>` marker.
    public static func isGuoFeng(_ file: String) throws -> Bool {
        let bytes = try FileIO.readBytes(file).prefix(4096)
        let head = String(decoding: bytes, as: UTF8.self)
        guard let line = Lines.split(head).map({ Script.trimmed($0) }).first(where: { !$0.isEmpty }) else { return false }
        let clean = line.hasPrefix("\u{FEFF}") ? String(line.dropFirst()) : line
        return GuoFengSide.marker(clean).map { if case .book = $0 { return true }; if case .chapter = $0 { return true }; return false } ?? false
    }

    /// "novel.txt" → "novel"; a language-code file name ("zh.txt") → its folder's name.
    static func defaultName(_ file: String) -> String {
        let url = URL(fileURLWithPath: file)
        let stem = url.deletingPathExtension().lastPathComponent
        if ["zh", "cn", "zh-cn", "zh-tw", "src", "source", "chinese"].contains(stem.lowercased()) {
            let folder = url.deletingLastPathComponent().lastPathComponent
            if !folder.isEmpty, folder != "/", folder != "." { return folder }
        }
        return stem.isEmpty ? "book" : stem
    }
}
