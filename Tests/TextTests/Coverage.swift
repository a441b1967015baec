import Text

/// "Nothing is lost": the book's parts, in order, hold every non-whitespace character of the text.
enum Coverage {
    static func nonWhitespace(_ s: String) -> [Unicode.Scalar] {
        s.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\u{FEFF}" }
    }

    /// Non-whitespace characters of the preface, volume and chapter headings and paragraphs, in order.
    static func covered(_ book: Book) -> [Unicode.Scalar] {
        var parts: [(start: Int, text: String)] = []
        for c in [book.preface].compactMap({ $0 }) + book.chapters {
            parts.append((c.range.lowerBound, book.slice(c.headingRange) + c.paragraphs.map(\.text).joined()))
        }
        for v in book.volumes {
            parts.append((v.headingRange.lowerBound, book.slice(v.headingRange) + v.paragraphs.map(\.text).joined()))
        }
        return parts.sorted { $0.start < $1.start }.flatMap { nonWhitespace($0.text) }
    }

    static func isComplete(_ book: Book) -> Bool { covered(book) == nonWhitespace(book.text) }
}
