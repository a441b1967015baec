import Text

/// Documents from chapter-aligned books (Text's `BookReader` finds the chapter headings): each
/// system and reference book becomes one segment per chapter, its sentences joined by a space,
/// keeping only the chapter numbers every book has (the others are reported as warnings).
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
        // Chapters by number (the key ChapterAlignedBooks pairs on), per book.
        var numbered = [[Int: Chapter]]()
        for (book, path) in zip(books, paths) {
            var byNumber = [Int: Chapter]()
            for c in book.chapters { if let n = c.number, byNumber[n] == nil { byNumber[n] = c } }
            if byNumber.isEmpty {
                throw EvaluateError.invalidArgument("\(path): no numbered chapter headings found; "
                    + "expected a book with headings such as \"Chapter 1\" or \"第一回\"")
            }
            numbered.append(byNumber)
        }
        let order = (books[0].chapters.compactMap(\.number)).filter { n in numbered.allSatisfy { $0[n] != nil } }
        var seen = Set<Int>()
        let common = order.filter { seen.insert($0).inserted }
        guard !common.isEmpty else {
            throw EvaluateError.invalidArgument("no chapter number is shared by \(paths.joined(separator: ", "))")
        }
        for (byNumber, path) in zip(numbered, paths) {
            let dropped = byNumber.keys.filter { !seen.contains($0) }.sorted()
            if !dropped.isEmpty {
                let list = dropped.map(String.init).joined(separator: ", ")
                warnings.append(dropped.count == 1 ? "\(path): chapter \(list) is not in every book and is left out"
                                                   : "\(path): chapters \(list) are not in every book and are left out")
            }
        }
        let sets = zip(numbered, paths).map { byNumber, path in
            SegmentSet(segments: common.map { byNumber[$0]!.sentences.map(\.text).joined(separator: " ") },
                       documentIDs: common.map { "chapter \($0)" }, origin: path)
        }
        return Result(systems: Array(sets[..<systems.count]), references: Array(sets[systems.count...]), warnings: warnings)
    }
}
