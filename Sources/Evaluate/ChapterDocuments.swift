import Text

/// Documents from chapter-aligned books (Text's `BookReader` finds the chapter headings): each
/// system and reference book becomes one segment per chapter, its sentences joined by a space,
/// keeping only the chapters every book has (NumberedChapters' keys; the others are reported as warnings).
public enum ChapterDocuments {
    public struct Result: Sendable {
        public var systems: [SegmentSet]
        public var references: [SegmentSet]
        public var warnings: [String]
    }

    /// `decoding`: the books' encoding (detected when nil) and whether invalid bytes become U+FFFD.
    public static func read(systems: [String], references: [String], decoding: DecodeOptions = DecodeOptions()) throws -> Result {
        let paths = systems + references
        let options = BookOptions(encoding: decoding.encoding, lossy: decoding.lossy)
        let books = try paths.map { try BookReader.read(file: $0, options: options) }
        var warnings = zip(books, paths).flatMap { book, path in book.warnings(naming: path) }
        // Chapters by key (number, or volume and number when numbers restart), per book.
        let keyed = books.map { NumberedChapters(book: $0) }
        for (side, path) in zip(keyed, paths) where side.isEmpty {
            throw EvaluateError.invalidArgument("\(path): no numbered chapter headings found; "
                + "expected a book with headings such as \"Chapter 1\" or \"第一回\"")
        }
        let match = ChapterMatch(keyed.map(\.order))
        guard !match.shared.isEmpty else {
            throw EvaluateError.invalidArgument("no chapter number is shared by \(paths.joined(separator: ", "))")
        }
        for (leftOut, path) in zip(match.leftOut, paths) where !leftOut.isEmpty {
            let list = leftOut.sorted().map(\.description).joined(separator: ", ")
            warnings.append(leftOut.count == 1 ? "\(path): chapter \(list) is not in every book and is left out"
                                               : "\(path): chapters \(list) are not in every book and are left out")
        }
        let sets = zip(keyed, paths).map { side, path in
            SegmentSet(segments: match.shared.map { side[$0]!.sentences.map(\.text).joined(separator: " ") },
                       documentIDs: match.shared.map { "chapter \($0)" }, origin: path)
        }
        return Result(systems: Array(sets[..<systems.count]), references: Array(sets[systems.count...]), warnings: warnings)
    }
}
