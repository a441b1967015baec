/// Two books whose chapters correspond (like 紅樓夢 zh.txt and Joly's en.txt), paired by the
/// number in their headings.
public struct ChapterAlignedBooks: Sendable {
    public struct Pair: Sendable {
        public var number: Int
        public var source: Chapter
        public var target: Chapter
    }

    public var source: Book
    public var target: Book
    public var pairs: [Pair]
    /// Chapter numbers present on one side only.
    public var sourceOnly: [Int]
    public var targetOnly: [Int]
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
        // Numbers restart in each volume in some books; then a number alone is not a key.
        func keyed(_ book: Book) -> (keys: [[Int]: Chapter], order: [[Int]], unnumbered: Int) {
            let numbers = book.chapters.compactMap(\.number)
            let unique = Set(numbers).count == numbers.count
            var keys: [[Int]: Chapter] = [:], order: [[Int]] = []
            for c in book.chapters {
                guard let n = c.number else { continue }
                let key = unique ? [n] : [c.volume ?? -1, n]
                if keys[key] == nil { keys[key] = c; order.append(key) }
            }
            return (keys, order, book.chapters.count - numbers.count)
        }
        let a = keyed(source), b = keyed(target)
        pairs = a.order.compactMap { key in b.keys[key].map { Pair(number: key.last!, source: a.keys[key]!, target: $0) } }
        sourceOnly = a.order.filter { b.keys[$0] == nil }.map { $0.last! }
        targetOnly = b.order.filter { a.keys[$0] == nil }.map { $0.last! }
        // The books' own warnings (bytes replaced, an encoding guessed, no headings), each naming its file.
        warnings = source.warnings(naming: sourceName) + target.warnings(naming: targetName)
        if !sourceOnly.isEmpty {
            warnings.append("chapters only in \(sourceName): \(sourceOnly.map(String.init).joined(separator: ", "))")
        }
        if !targetOnly.isEmpty {
            warnings.append("chapters only in \(targetName): \(targetOnly.map(String.init).joined(separator: ", "))")
        }
        for (count, name) in [(a.unnumbered, sourceName), (b.unnumbered, targetName)] where count > 0 {
            warnings.append("\(name): \(count) chapter(s) without a number (楔子, 尾声, …) are not paired")
        }
    }
}
