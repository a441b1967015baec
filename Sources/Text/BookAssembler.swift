/// Builds a `Book` from classified lines: preface, volumes, chapters with their heading blocks,
/// paragraphs and sentences.
struct BookAssembler {
    let source: SourceText
    let language: Book.Language
    let splitter: SentenceSplitter?
    let sizeLimit: Int
    var paragraphs: ParagraphBuilder

    init(source: SourceText, language: Book.Language, splitter: SentenceSplitter?, sizeLimit: Int) {
        self.source = source
        self.language = language
        self.splitter = splitter
        self.sizeLimit = max(1, sizeLimit)
        paragraphs = ParagraphBuilder(source: source, wrapped: source.isWrapped)
    }

    mutating func assemble(encoding: String) -> Book {
        var found: [HeadingSelection.Found] = []
        var bodyLike: [(line: Int, reason: String)] = []
        for (i, line) in source.lines.enumerated() where !line.blank && !line.separator {
            switch HeadingParser.match(source.line(i)) {
            case let .heading(c)?: found.append(.init(line: i, candidate: c))
            case let .bodyLike(reason)?: bodyLike.append((i, "looks like a heading but \(reason)"))
            default: break
            }
        }
        let selection = HeadingSelection(found: found, bodyLike: bodyLike, source: source)
        let bodyLikeLines = Set(bodyLike.map { $0.line + 1 })
        paragraphs.standalone = Set(selection.rejected.map(\.line).filter { !bodyLikeLines.contains($0) }.map { $0 - 1 })
        var book = Book(text: source.text, encoding: encoding, language: language, preface: nil, volumes: [], chapters: [],
                        rejectedHeadings: selection.rejected, warnings: [])
        let headings = selection.accepted
        let firstHeadingLine = headings.first?.line ?? source.lines.count
        if let preface = section(index: 0, number: nil, title: "", headingLine: nil, headingEnd: 0, end: firstHeadingLine) {
            book.preface = preface
        }
        if headings.isEmpty {
            cutWithoutHeadings(&book)
            return book
        }
        for (k, h) in headings.enumerated() {
            let end = k + 1 < headings.count ? headings[k + 1].line : source.lines.count
            let (headingEnd, lookedUpTitle) = headingBlock(after: h.line, end: end, hasTitle: !h.candidate.title.isEmpty)
            let title = h.candidate.title.isEmpty ? lookedUpTitle : h.candidate.title
            if h.candidate.kind == .volume {
                book.volumes.append(Volume(number: h.candidate.number, title: title, heading: String(Script.trimmed(source.line(h.line))),
                                           headingRange: source.lines[h.line].range.lowerBound..<source.lines[headingEnd - 1].range.upperBound,
                                           paragraphs: paragraphs.paragraphs(lines: headingEnd..<end), firstChapter: book.chapters.count))
                continue
            }
            var chapter = section(index: book.chapters.count + 1, number: h.candidate.number, title: title,
                                  headingLine: h.line, headingEnd: headingEnd, end: end)!
            chapter.volume = book.volumes.isEmpty ? nil : book.volumes.count - 1
            book.chapters.append(chapter)
        }
        return book
    }

    /// Where a heading's block ends (heading line, separators, title lines) and the title found in
    /// it when the heading line has none.
    func headingBlock(after line: Int, end: Int, hasTitle: Bool) -> (end: Int, title: String) {
        var i = line + 1
        var title = ""
        func skipDecoration() -> Int {
            var j = i
            while j < end, source.lines[j].blank || source.lines[j].separator { j += 1 }
            return j
        }
        if !hasTitle {
            let c = skipDecoration()
            if c < end, c - i <= 6 {
                let text = Script.trimmed(source.line(c))
                if language == .chinese {
                    // A title line stands alone: short, no sentence or dialogue punctuation, and
                    // followed by a blank or separator line rather than the rest of a paragraph.
                    let sentenceLike = text.unicodeScalars.contains { "。．！？!?；：“”「」".unicodeScalars.contains($0) }
                    let standsAlone = c + 1 >= end || source.lines[c + 1].blank || source.lines[c + 1].separator
                    if text.unicodeScalars.count <= 40, !sentenceLike, standsAlone, HeadingParser.match(source.line(c)) == nil {
                        title = String(text)
                        i = c + 1
                    }
                } else if source.lines[c].indented {
                    var parts: [Substring] = []
                    var j = c
                    while j < end, source.lines[j].indented, !source.lines[j].blank {
                        parts.append(Script.trimmed(source.line(j)))
                        j += 1
                    }
                    title = parts.joined(separator: " ")
                    i = j
                } else if text.count <= 60, let last = text.last, !".,;:!?\"”’'".contains(last),
                          c + 1 >= end || source.lines[c + 1].blank {
                    title = String(text)
                    i = c + 1
                }
            }
        }
        // Decoration right under the heading or title ("------") belongs to the heading block.
        let afterDecoration = skipDecoration()
        var lastDecoration = i
        for j in i..<afterDecoration where source.lines[j].separator { lastDecoration = j + 1 }
        return (max(i, lastDecoration), title)
    }

    /// A chapter from its heading block and body lines; nil for an empty preface.
    func section(index: Int, number: Int?, title: String, headingLine: Int?, headingEnd: Int, end: Int) -> Chapter? {
        let bodyStart = headingLine == nil ? 0 : headingEnd
        let paras = paragraphs.paragraphs(lines: bodyStart..<end)
        if headingLine == nil && paras.isEmpty { return nil }
        let start = headingLine.map { source.lines[$0].range.lowerBound } ?? 0
        let headingUpper = headingLine == nil ? start : source.lines[headingEnd - 1].range.upperBound
        let upper = end < source.lines.count ? source.lines[end].range.lowerBound : source.text.utf8.count
        return Chapter(index: index, number: number, title: title,
                       heading: headingLine.map { String(Script.trimmed(source.line($0))) } ?? "",
                       headingRange: start..<headingUpper, range: start..<max(upper, headingUpper), volume: nil,
                       paragraphs: paras, sentences: sentences(paras))
    }

    func sentences(_ paras: [Paragraph]) -> [Sentence] {
        guard let splitter else { return [] }
        return Self.sentences(paras, splitter: splitter)
    }

    static func sentences(_ paras: [Paragraph], splitter: SentenceSplitter) -> [Sentence] {
        var result: [Sentence] = []
        for (k, p) in paras.enumerated() where !p.isSeparator {
            for span in splitter.split(p.text) {
                result.append(Sentence(text: span.text, range: p.sourceOffset(span.range.lowerBound)..<p.sourceOffset(span.range.upperBound), paragraph: k))
            }
        }
        return result
    }

    /// No headings at all: chapters cut at paragraph boundaries once they reach the size limit.
    func cutWithoutHeadings(_ book: inout Book) {
        let all = book.preface?.paragraphs ?? []
        book.preface = nil
        var groups: [[Paragraph]] = []
        var current: [Paragraph] = []
        var size = 0
        for p in all {
            let n = p.text.unicodeScalars.count
            if size > 0 && size + n > sizeLimit {
                groups.append(current)
                current = []
                size = 0
            }
            current.append(p)
            size += n
        }
        if !current.isEmpty { groups.append(current) }
        for (i, g) in groups.enumerated() {
            let start = i == 0 ? 0 : g.first!.range.lowerBound
            let end = i + 1 < groups.count ? groups[i + 1].first!.range.lowerBound : source.text.utf8.count
            book.chapters.append(Chapter(index: i + 1, number: nil, title: "", heading: "", headingRange: start..<start,
                                         range: start..<end, volume: nil, paragraphs: g, sentences: sentences(g)))
        }
        book.warnings.append("no chapter headings found; cut the text into \(groups.count) chapter(s) of at most about \(sizeLimit) characters at paragraph boundaries")
    }
}
