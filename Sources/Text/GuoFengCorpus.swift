import Foundation

/// The GuoFeng (WMT 2023 literary translation) layout: two line-aligned files, one sentence a line,
/// with `<BOOK id=…>`, `<CHAPTER id=…>` and `</CHAPTER>` marker lines. Version 1 aligns every line;
/// version 2 keeps only the chapter alignment, so both are read.
public struct GuoFengCorpus: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable {
        /// Line i of one file translates line i of the other (GuoFeng v1).
        case sentences
        /// Only the chapters correspond (GuoFeng v2).
        case chapters
        /// Sentence alignment when every chapter has as many lines on both sides, else chapters.
        case automatic
    }

    /// One chapter (a "document" for document-level metrics) on both sides.
    public struct Document: Sendable, Equatable {
        public var book: String
        public var id: String
        public var source: [String]
        public var target: [String]
        /// 1-based line numbers of the `<CHAPTER>` marker in each file.
        public var sourceLine: Int
        public var targetLine: Int

        public init(book: String, id: String, source: [String], target: [String], sourceLine: Int = 0, targetLine: Int = 0) {
            self.book = book; self.id = id; self.source = source; self.target = target
            self.sourceLine = sourceLine; self.targetLine = targetLine
        }
    }

    public var documents: [Document]
    /// `.sentences` or `.chapters` (never `.automatic` after reading).
    public var alignment: Alignment
    /// The decoder's warnings (bytes replaced when read lossily, an encoding guessed).
    public var warnings: [String] = []

    public init(documents: [Document], alignment: Alignment = .sentences) {
        self.documents = documents
        self.alignment = alignment
    }

    /// Book ids in order of first appearance.
    public var books: [String] {
        var seen = Set<String>()
        return documents.map(\.book).filter { seen.insert($0).inserted }
    }

    /// All sentence pairs in order (only meaningful for sentence-aligned corpora).
    public var sentencePairs: [(source: String, target: String)] {
        documents.flatMap { zip($0.source, $0.target).map { ($0, $1) } }
    }

    /// Reads and validates a pair of files. With `.sentences` the two files must agree line for
    /// line (markers included); the error names the first line where they do not.
    public static func read(source: String, target: String, alignment: Alignment = .sentences,
                            sourceDecoding: DecodeOptions = DecodeOptions(), targetDecoding: DecodeOptions = DecodeOptions()) throws -> GuoFengCorpus {
        let s = try TextDecoder.read(file: source, options: sourceDecoding)
        let t = source == target ? s : try TextDecoder.read(file: target, options: targetDecoding)
        var corpus = try parse(source: s.text, target: t.text, sourceName: source, targetName: target, alignment: alignment)
        corpus.warnings = s.warnings + (source == target ? [] : t.warnings)
        return corpus
    }

    /// As `read`, from text already in memory (names are used in error messages).
    public static func parse(source: String, target: String, sourceName: String = "source", targetName: String = "target",
                             alignment: Alignment = .sentences) throws -> GuoFengCorpus {
        let a = try GuoFengSide.parse(source, file: sourceName)
        let b = try GuoFengSide.parse(target, file: targetName)
        if alignment != .chapters, let mismatch = a.firstLineMismatch(with: b) {
            if alignment == .sentences {
                throw TextError.misaligned(first: sourceName, second: targetName, line: mismatch.line, detail: mismatch.detail)
            }
        }
        // Chapters must correspond one to one, in order, whatever the sentence alignment.
        for i in 0..<max(a.chapters.count, b.chapters.count) {
            guard i < a.chapters.count, i < b.chapters.count else {
                let (longer, name) = i < a.chapters.count ? (a.chapters[i], sourceName) : (b.chapters[i], targetName)
                throw TextError.misaligned(first: sourceName, second: targetName, line: longer.markerLine,
                                           detail: "chapter \(longer.id) appears only in \(name)")
            }
            let x = a.chapters[i], y = b.chapters[i]
            if x.id != y.id || x.book != y.book {
                throw TextError.misaligned(first: sourceName, second: targetName, line: x.markerLine,
                                           detail: "chapter \(i + 1) is \(x.book)/\(x.id) in \(sourceName) (line \(x.markerLine)) but \(y.book)/\(y.id) in \(targetName) (line \(y.markerLine))")
            }
        }
        let sentenceAligned = alignment == .sentences
            || (alignment == .automatic && a.firstLineMismatch(with: b) == nil)
        let documents = zip(a.chapters, b.chapters).map {
            Document(book: $0.book, id: $0.id, source: $0.lines, target: $1.lines, sourceLine: $0.markerLine, targetLine: $1.markerLine)
        }
        return GuoFengCorpus(documents: documents, alignment: sentenceAligned ? .sentences : .chapters)
    }

    /// The two files' contents, markers included, each ending with a newline.
    public func rendered() -> (source: String, target: String) {
        (GuoFengSide.render(documents, \.source), GuoFengSide.render(documents, \.target))
    }

    /// Writes both files (temporary names, then rename: an old pair is never half-replaced).
    public func write(source: String, target: String) throws {
        if alignment == .sentences, let bad = documents.first(where: { $0.source.count != $0.target.count }) {
            throw TextError.misaligned(first: source, second: target, line: 0,
                                       detail: "chapter \(bad.id) has \(bad.source.count) source and \(bad.target.count) target sentences; a sentence-aligned corpus needs equal counts")
        }
        if let bad = documents.flatMap({ $0.source + $0.target }).first(where: { $0.contains("\n") || $0.contains("\r") }) {
            throw TextError.unwritable(file: source, reason: "a sentence contains a line break: \(bad.prefix(40)); nothing was replaced")
        }
        let (s, t) = rendered()
        try FileIO.writeAtomically([(source, s), (target, t)])
    }
}

/// One file of a GuoFeng pair.
struct GuoFengSide {
    struct Chapter {
        var book: String
        var id: String
        var markerLine: Int
        var lines: [String]
    }

    enum LineKind: Equatable {
        case book(String), endBook, chapter(String), endChapter, text, blankOutside

        var label: String {
            switch self {
            case let .book(id): return "<BOOK id=\"\(id)\">"
            case .endBook: return "</BOOK>"
            case let .chapter(id): return "<CHAPTER id=\"\(id)\">"
            case .endChapter: return "</CHAPTER>"
            case .text: return "a sentence"
            case .blankOutside: return "a blank line"
            }
        }
    }

    var chapters: [Chapter] = []
    var kinds: [LineKind] = []

    static func parse(_ text: String, file: String) throws -> GuoFengSide {
        var side = GuoFengSide()
        var book = ""
        var current: Chapter?
        let lines = Lines.split(text)
        side.kinds.reserveCapacity(lines.count)
        for (i, raw) in lines.enumerated() {
            let number = i + 1
            let line = String(Script.trimmed(Substring(raw)))
            if line.hasPrefix("<"), let kind = marker(line) {
                switch kind {
                case let .book(id):
                    if let open = current {
                        throw TextError.malformed(file: file, line: number, expected: "</CHAPTER> closing chapter \(open.id) (opened at line \(open.markerLine))", found: line)
                    }
                    book = id
                case .endBook:
                    book = ""
                case let .chapter(id):
                    if let open = current {
                        throw TextError.malformed(file: file, line: number, expected: "</CHAPTER> closing chapter \(open.id) (opened at line \(open.markerLine))", found: line)
                    }
                    current = Chapter(book: book, id: id, markerLine: number, lines: [])
                case .endChapter:
                    guard let open = current else {
                        throw TextError.malformed(file: file, line: number, expected: "<CHAPTER id=…> before </CHAPTER>", found: line)
                    }
                    side.chapters.append(open)
                    current = nil
                default: break
                }
                side.kinds.append(kind)
            } else if current != nil {
                current!.lines.append(raw)
                side.kinds.append(.text)
            } else if line.isEmpty {
                side.kinds.append(.blankOutside)
            } else {
                throw TextError.malformed(file: file, line: number, expected: "a <BOOK id=…> or <CHAPTER id=…> marker line before text", found: String(line.prefix(40)))
            }
        }
        if let open = current {
            throw TextError.malformed(file: file, line: lines.count + 1, expected: "</CHAPTER> closing chapter \(open.id) (opened at line \(open.markerLine))", found: "end of file")
        }
        return side
    }

    /// Recognises a marker line; nil for ordinary text that happens to start with "<".
    static func marker(_ line: String) -> LineKind? {
        if line == "</CHAPTER>" { return .endChapter }
        if line == "</BOOK>" { return .endBook }
        for (tag, make) in [("<BOOK", LineKind.book), ("<CHAPTER", LineKind.chapter)] as [(String, (String) -> LineKind)] {
            guard line.hasPrefix(tag), line.hasSuffix(">") else { continue }
            var rest = line.dropFirst(tag.count).dropLast().trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("id") else { continue }
            rest = rest.dropFirst(2).trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("=") else { continue }
            rest = rest.dropFirst().trimmingCharacters(in: .whitespaces)
            if let q = rest.first, q == "\"" || q == "'", rest.count >= 2, rest.last == q {
                rest = String(rest.dropFirst().dropLast())
            }
            return make(rest)
        }
        return nil
    }

    /// The first line where the two files' line kinds (marker, sentence) differ, or nil.
    func firstLineMismatch(with other: GuoFengSide) -> (line: Int, detail: String)? {
        let a = kinds.filter { $0 != .blankOutside }.count, b = other.kinds.filter { $0 != .blankOutside }.count
        for i in 0..<max(kinds.count, other.kinds.count) {
            let x = i < kinds.count ? kinds[i] : nil
            let y = i < other.kinds.count ? other.kinds[i] : nil
            if x == y { continue }
            // Trailing blank lines after the last marker are not a disagreement.
            if (x == nil || x == .blankOutside) && (y == nil || y == .blankOutside) { continue }
            let dx = x.map { "line \(i + 1) of the first file is \($0.label)" } ?? "the first file ends at line \(kinds.count)"
            let dy = y.map { "of the second file \($0.label)" } ?? "the second file ends at line \(other.kinds.count)"
            return (i + 1, "\(dx), \(dy) (\(a) and \(b) lines)")
        }
        return nil
    }

    static func render(_ documents: [GuoFengCorpus.Document], _ side: KeyPath<GuoFengCorpus.Document, [String]>) -> String {
        var out = ""
        var book: String?
        for d in documents {
            if d.book != book, !d.book.isEmpty { out += "<BOOK id=\"\(d.book)\">\n" }
            book = d.book
            out += "<CHAPTER id=\"\(d.id)\">\n"
            for line in d[keyPath: side] { out += line; out += "\n" }
            out += "</CHAPTER>\n"
        }
        return out
    }
}
