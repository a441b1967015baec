/// Two books whose chapters correspond (like 紅樓夢 zh.txt and Joly's en.txt), paired by the
/// number in their headings (and the volume, when numbers restart in each volume: NumberedChapters).
public struct ChapterAlignedBooks: Sendable {
    public struct Pair: Sendable {
        public var key: ChapterKey
        public var source: Chapter
        public var target: Chapter

        public var number: Int { key.number }
    }

    public var source: Book
    public var target: Book
    public var pairs: [Pair]
    /// Chapters present on one side only.
    public var sourceOnly: [ChapterKey]
    public var targetOnly: [ChapterKey]
    public var warnings: [String]

    public static func read(source: String, target: String,
                            sourceOptions: BookOptions = BookOptions(), targetOptions: BookOptions = BookOptions()) throws -> ChapterAlignedBooks {
        ChapterAlignedBooks(source: try BookReader.read(file: source, options: sourceOptions),
                            target: try BookReader.read(file: target, options: targetOptions),
                            sourceName: source, targetName: target)
    }

    public init(source: Book, target: Book, sourceName: String = "source", targetName: String = "target") {
        self.source = source
        self.target = target
        let a = NumberedChapters(book: source), b = NumberedChapters(book: target)
        let match = ChapterMatch(a, b)
        pairs = match.shared.map { Pair(key: $0, source: a[$0]!, target: b[$0]!) }
        sourceOnly = match.leftOut[0]
        targetOnly = match.leftOut[1]
        // The books' own warnings (bytes replaced, an encoding guessed, no headings), each naming its file.
        warnings = source.warnings(naming: sourceName) + target.warnings(naming: targetName)
        if !sourceOnly.isEmpty {
            warnings.append("chapters only in \(sourceName): \(sourceOnly.map(\.description).joined(separator: ", "))")
        }
        if !targetOnly.isEmpty {
            warnings.append("chapters only in \(targetName): \(targetOnly.map(\.description).joined(separator: ", "))")
        }
        for (count, name) in [(a.unnumbered, sourceName), (b.unnumbered, targetName)] where count > 0 {
            warnings.append("\(name): \(count) chapter(s) without a number (楔子, 尾声, …) are not paired")
        }
        for (side, name) in [(a, sourceName), (b, targetName)] where !side.repeated.isEmpty {
            warnings.append("\(name): chapter(s) \(side.repeated.map(\.description).joined(separator: ", ")) "
                + "come again; only the first is paired")
        }
    }
}
