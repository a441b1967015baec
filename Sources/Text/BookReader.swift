import Foundation

/// Options for reading a book.
public struct BookOptions: Sendable, Equatable {
    public var decoding: DecodeOptions
    /// Convert Traditional to Simplified characters (ICU "Traditional-Simplified").
    public var simplify: Bool
    /// Apply NFKC (turns full-width letters, digits and punctuation into ASCII; off by default).
    public var nfkc: Bool
    /// A book without headings is cut into chapters of about this many characters.
    public var chapterSizeLimit: Int
    /// Force Chinese or English rules instead of guessing from the text.
    public var language: Book.Language?
    /// Split paragraphs into sentences (`addSentences` can do it later).
    public var sentences: Bool

    public init(encoding: String? = nil, lossy: Bool = false, simplify: Bool = false, nfkc: Bool = false,
                chapterSizeLimit: Int = 10_000, language: Book.Language? = nil, sentences: Bool = true) {
        decoding = DecodeOptions(encoding: encoding, lossy: lossy)
        self.simplify = simplify
        self.nfkc = nfkc
        self.chapterSizeLimit = chapterSizeLimit
        self.language = language
        self.sentences = sentences
    }
}

/// File → `Book`: decode, normalize, find chapters, undo wrapping, split sentences.
public enum BookReader {
    /// A text file, or an EPUB (by its ZIP signature or its .epub name).
    public static func read(file: String, options: BookOptions = BookOptions()) throws -> Book {
        try read(bytes: FileIO.readBytes(file), file: file, options: options)
    }

    public static func read(bytes: [UInt8], file: String = "<input>", options: BookOptions = BookOptions()) throws -> Book {
        if EPUBReader.isEPUB(file: file, bytes: bytes) {
            if bytes.isEmpty { throw TextError.empty(file: file) }
            return try EPUBReader.read(data: Data(bytes), file: file, options: options)
        }
        let decoded = try TextDecoder.decode(bytes, file: file, options: options.decoding)
        var book = try parse(text: decoded.text, encoding: decoded.encoding, options: options)
        book.warnings.insert(contentsOf: decoded.warnings, at: 0)
        return book
    }

    /// Structure of text already decoded (LF or CRLF line endings).
    public static func parse(text: String, encoding: String = "UTF-8", options: BookOptions = BookOptions()) throws -> Book {
        var text = TextDecoder.normalizeLineEndings(text)
        if options.simplify { text = try Normalizer.simplify(text) }
        if options.nfkc { text = try Normalizer.normalize(text, form: .nfkc) }
        let language = options.language ?? (Script.isMostlyChinese(text) ? .chinese : .english)
        let source = SourceText(text)
        let splitter = try SentenceSplitter(language: language)
        var assembler = BookAssembler(source: source, language: language, splitter: options.sentences ? splitter : nil,
                                      sizeLimit: options.chapterSizeLimit)
        return assembler.assemble(encoding: encoding)
    }

    /// Fills in the sentences of a book parsed with `sentences: false`.
    public static func addSentences(to book: inout Book) throws {
        let splitter = try SentenceSplitter(language: book.language)
        func fill(_ chapter: inout Chapter) {
            chapter.sentences = BookAssembler.sentences(chapter.paragraphs, splitter: splitter)
        }
        if book.preface != nil { fill(&book.preface!) }
        for i in book.chapters.indices { fill(&book.chapters[i]) }
    }
}
