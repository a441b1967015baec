/// A book split into its structure. Every range is a range of UTF-8 byte offsets into `Book.text`
/// (the decoded, normalized text with LF line endings), so the original of any part can be
/// recovered with `book.slice(range)`.
public struct Book: Sendable {
    public enum Language: String, Sendable { case chinese, english }

    /// The decoded text every range points into.
    public var text: String
    public var encoding: String
    public var language: Language
    /// Text before the first heading (front matter), kept rather than dropped.
    public var preface: Chapter?
    public var volumes: [Volume]
    public var chapters: [Chapter]
    /// Heading-like lines that were not used as chapter boundaries, with the reason.
    public var rejectedHeadings: [RejectedHeading]
    public var warnings: [String]
    /// Set when the book was read from an EPUB: where its text came from and what was kept aside.
    public var epub: EPUBSource? = nil

    /// The warnings, each naming `file` (the decoder's already do; the structure's do not).
    public func warnings(naming file: String) -> [String] {
        warnings.map { $0.hasPrefix(file + ":") ? $0 : "\(file): \($0)" }
    }

    /// The original text of a range.
    public func slice(_ range: Range<Int>) -> String {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        return String(text[start..<end])
    }
}

public struct Chapter: Sendable, Equatable {
    /// Position in the book: 1, 2, … (0 for the preface).
    public var index: Int
    /// The number written in the heading (nil for 楔子, 尾声, a preface or a book without headings).
    public var number: Int?
    public var title: String
    /// The heading line as written ("" for a preface or a cut without heading).
    public var heading: String
    /// The heading block: heading line, separator lines and title lines.
    public var headingRange: Range<Int>
    /// The whole chapter, heading included.
    public var range: Range<Int>
    /// Index into `Book.volumes` of the volume this chapter belongs to.
    public var volume: Int?
    public var paragraphs: [Paragraph]
    public var sentences: [Sentence]

    /// Non-whitespace characters in the chapter's paragraphs.
    public var characterCount: Int {
        paragraphs.reduce(0) { $0 + $1.text.unicodeScalars.reduce(0) { $0 + (Script.isSpace($1) ? 0 : 1) } }
    }
}

/// A grouping above chapters (第三卷, BOOK II, a GuoFeng <BOOK>).
public struct Volume: Sendable, Equatable {
    public var number: Int?
    public var title: String
    public var heading: String
    public var headingRange: Range<Int>
    /// Text between the volume heading and its first chapter.
    public var paragraphs: [Paragraph]
    /// Index of the first chapter in the volume (== chapters.count when it has none).
    public var firstChapter: Int
}

public struct Paragraph: Sendable, Equatable {
    /// The paragraph with hard line wrapping undone (no indentation, wrapped lines joined).
    public var text: String
    /// The source lines it came from, indentation included.
    public var range: Range<Int>
    /// Decoration such as "-----": kept so nothing is lost, but has no sentences.
    public var isSeparator: Bool
    /// Where each joined piece of `text` came from: `text` bytes `textOffset..<textOffset+source.count`
    /// are the bytes of `source` in the book text.
    public var pieces: [Piece]

    public struct Piece: Sendable, Equatable {
        public var textOffset: Int
        public var source: Range<Int>
    }

    /// Maps a byte offset in `text` to the book text (an offset inside a joiner maps to the next piece).
    public func sourceOffset(_ offset: Int) -> Int {
        for p in pieces where offset <= p.textOffset + p.source.count {
            return p.source.lowerBound + max(0, offset - p.textOffset)
        }
        return pieces.last.map { $0.source.upperBound } ?? range.upperBound
    }
}

public struct Sentence: Sendable, Equatable {
    public var text: String
    /// Where the sentence is in the book text (it may span a wrapped line break).
    public var range: Range<Int>
    /// Index into the chapter's `paragraphs`.
    public var paragraph: Int
}

public struct RejectedHeading: Sendable, Equatable {
    /// 1-based line number in the decoded text.
    public var line: Int
    public var text: String
    public var reason: String
}
