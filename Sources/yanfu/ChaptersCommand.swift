import ArgumentParser
import Foundation
import Text

struct ChaptersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapters",
        abstract: "List the chapters Yanfu finds in a book file.",
        discussion: """
        Reads an EPUB (2 or 3: spine order, chapter titles from the navigation document or NCX, \
        else from the headings; cover, title page, contents and notes are listed as kept aside) or \
        decodes a text file (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK/GB2312, Big5; \
        --encoding overrides detection), finds chapter headings (第一回, 第1章, 第十五節, 楔子, \
        CHAPTER IV., <CHAPTER id=…>), undoes hard line wrapping and splits sentences. Text before \
        the first heading is listed as a preface (index 0). Heading-like lines that break the \
        chapter numbering are not used and are listed as rejected.

        Example:
          yanfu chapters hongloumeng/zh.txt
          yanfu chapters novel-big5.txt --simplify --json
          yanfu chapters novel.epub
        """
    )

    @Argument(help: "The book file.")
    var file: String

    @Option(help: "The file's encoding (e.g. GB18030, Big5, UTF-16LE); detected when omitted.")
    var encoding: String?

    @Flag(help: "Convert Traditional characters to Simplified.")
    var simplify = false

    @Flag(help: "Apply Unicode NFKC (full-width letters and punctuation become ASCII).")
    var nfkc = false

    @Flag(help: "Replace invalid bytes with U+FFFD (counted in the warnings) instead of failing.")
    var lossy = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        let book: Book
        do {
            book = try BookReader.read(file: file, options: BookOptions(encoding: encoding, lossy: lossy, simplify: simplify, nfkc: nfkc))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let rows = ([book.preface].compactMap { $0 } + book.chapters)
        if json {
            print(try ChapterListing(book: book, rows: rows).json())
        } else {
            print(ChapterListing(book: book, rows: rows).table())
        }
    }
}

/// The command's two output forms.
struct ChapterListing {
    let book: Book
    let rows: [Chapter]

    struct Row: Encodable {
        var index: Int
        var number: Int?
        var title: String
        var characters: Int
        var paragraphs: Int
        var sentences: Int

        // "number": null for a preface or an unnumbered chapter, rather than a missing key.
        func encode(to encoder: Encoder) throws {
            enum Key: String, CodingKey { case index, number, title, characters, paragraphs, sentences }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(index, forKey: .index)
            try c.encode(number, forKey: .number)
            try c.encode(title, forKey: .title)
            try c.encode(characters, forKey: .characters)
            try c.encode(paragraphs, forKey: .paragraphs)
            try c.encode(sentences, forKey: .sentences)
        }
    }

    struct Rejected: Encodable { var line: Int; var text: String; var reason: String }
    /// An EPUB block that will not be translated: its file, position and why.
    struct KeptAside: Encodable { var file: String; var block: Int; var reason: String; var text: String }

    struct Output: Encodable {
        var encoding: String
        var chapters: [Row]
        var rejected_headings: [Rejected]
        var warnings: [String]
        var titles_from: String?
        var kept_aside: [KeptAside]?
    }

    func json() throws -> String {
        let output = Output(
            encoding: book.encoding,
            chapters: rows.map { Row(index: $0.index, number: $0.number, title: $0.title, characters: $0.characterCount,
                                     paragraphs: $0.paragraphs.count, sentences: $0.sentences.count) },
            rejected_headings: book.rejectedHeadings.map { Rejected(line: $0.line, text: $0.text, reason: $0.reason) },
            warnings: book.warnings,
            titles_from: book.epub?.chapterTitlesFrom,
            kept_aside: book.epub?.keptAside.map { KeptAside(file: $0.location.path, block: $0.location.position, reason: $0.reason, text: $0.text) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }

    func table() -> String {
        var lines = [(book.epub.map { "EPUB \($0.version), chapter titles from the \($0.chapterTitlesFrom)   " } ?? "encoding: \(book.encoding)   ") + "chapters: \(book.chapters.count)" + (book.preface == nil ? "" : " + preface")
                     + (book.volumes.isEmpty ? "" : "   volumes: \(book.volumes.count)")]
        lines.append(pad("index", 5) + "  " + pad("number", 6) + "  " + pad("chars", 7) + "  " + pad("paras", 5) + "  " + pad("sents", 5) + "  title")
        for c in rows {
            let title = c.index == 0 ? "(preface)" : c.title.isEmpty ? c.heading : c.title
            lines.append(pad("\(c.index)", 5) + "  " + pad(c.number.map(String.init) ?? "-", 6) + "  " + pad("\(c.characterCount)", 7)
                         + "  " + pad("\(c.paragraphs.count)", 5) + "  " + pad("\(c.sentences.count)", 5) + "  " + title)
        }
        for k in book.epub?.keptAside ?? [] {
            lines.append("kept aside, not translated: \(k.location) (\(k.reason))" + (k.text.isEmpty ? "" : ": \(k.text.prefix(30))"))
        }
        for r in book.rejectedHeadings { lines.append("rejected heading, line \(r.line): \(r.text.prefix(40)) — \(r.reason)") }
        for w in book.warnings { lines.append("warning: \(w)") }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
