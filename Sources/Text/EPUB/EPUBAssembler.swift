import Foundation

/// Builds the `Book` of an EPUB from its blocks in reading order and the blocks where chapters
/// start: a chapter's leading heading blocks are its heading, its pictures are placed between
/// its paragraphs, and blocks before the first chapter are the preface, as text before the
/// first heading is in a text file.
struct EPUBAssembler {
    /// Where a chapter begins in the flow, the table of contents' label for it ("" when the
    /// heading blocks give it), and whether its first block was chosen as its heading (heading
    /// detection) even though it is not marked up as one.
    struct Start {
        var flow: Int
        var label: String
        var firstBlockIsHeading: Bool
    }

    let flow: [(path: String, block: XHTMLBlock)]
    let language: Book.Language
    let splitter: SentenceSplitter?
    private(set) var text = ""
    private(set) var paragraphLocations: [Int: [EPUBSource.Location]] = [:]
    private(set) var headingLocations: [Int: [EPUBSource.Location]] = [:]
    private(set) var figures: [Int: [EPUBSource.Figure]] = [:]

    init(flow: [(path: String, block: XHTMLBlock)], language: Book.Language, splitter: SentenceSplitter?) {
        self.flow = flow
        self.language = language
        self.splitter = splitter
    }

    mutating func assemble(starts: [Start]) -> Book {
        var book = Book(text: "", encoding: "UTF-8", language: language, preface: nil, volumes: [], chapters: [],
                        rejectedHeadings: [], warnings: [])
        let first = starts.first?.flow ?? flow.count
        if first > 0, let preface = chapter(index: 0, blocks: 0..<first, label: nil, firstBlockIsHeading: false) {
            book.preface = preface
        }
        for (i, s) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1].flow : flow.count
            if let c = chapter(index: book.chapters.count + 1, blocks: s.flow..<end, label: s.label, firstBlockIsHeading: s.firstBlockIsHeading) {
                book.chapters.append(c)
            }
        }
        book.text = text
        return book
    }

    private func location(_ k: Int) -> EPUBSource.Location { .init(path: flow[k].path, position: flow[k].block.position) }

    /// One chapter (nil `label`: the preface, which has no heading).
    private mutating func chapter(index: Int, blocks: Range<Int>, label: String?, firstBlockIsHeading: Bool) -> Chapter? {
        let start = text.utf8.count
        var k = blocks.lowerBound
        var headingTexts: [String] = []
        if let label {
            // The heading: the first block when it is marked up as a heading, repeats the table
            // of contents' label or was chosen by heading detection; then heading elements right
            // after it (第一章 / 渡口), but with a label only those that are part of it.
            while k < blocks.upperBound, k - blocks.lowerBound < 3 {
                let b = flow[k].block
                let first = k == blocks.lowerBound
                let isHeading = EPUBReader.isHeading(b)
                let ok = first
                    ? isHeading || firstBlockIsHeading || (!label.isEmpty && EPUBReader.squeeze(b.text) == EPUBReader.squeeze(label))
                    : isHeading && (label.isEmpty || EPUBReader.squeeze(label).hasPrefix(EPUBReader.squeeze(headingTexts.joined() + b.text)))
                guard ok else { break }
                headingTexts.append(b.text)
                headingLocations[index, default: []].append(location(k))
                k += 1
            }
        }
        var number: Int?
        var title = ""
        var heading = ""
        if let label {
            heading = label.isEmpty ? headingTexts.first ?? "" : label
            if case let .heading(c)? = HeadingParser.match(Substring(heading)), c.kind != .volume {
                number = c.number
                title = c.title
                if title.isEmpty && c.kind == .chapter && headingTexts.count > 1 { title = headingTexts[1] }
            } else {
                if label.isEmpty, headingTexts.count > 1 { heading = headingTexts.joined(separator: language == .chinese ? "　" : " ") }
                title = heading
            }
            // A heading block the heading does not say (a label that differs from the document's
            // heading, a third heading line) goes back to the text: it is translated, not dropped.
            let said = EPUBReader.squeeze(heading + title)
            if let i = headingTexts.indices.first(where: { !said.hasPrefix(EPUBReader.squeeze(headingTexts[...$0].joined())) }) {
                k = blocks.lowerBound + i
                headingTexts.removeSubrange(i...)
                headingLocations[index]?.removeSubrange(i...)
                if headingLocations[index]?.isEmpty == true { headingLocations[index] = nil }
            } else if number != nil && title.isEmpty {
                // 第三回 with its title on the next line standing alone: short, no sentence
                // punctuation (the text reader's rule for title lines).
                if language == .chinese, k < blocks.upperBound, flow[k].block.kind == .text || EPUBReader.isHeading(flow[k].block) {
                    let t = flow[k].block.text
                    let sentenceLike = t.unicodeScalars.contains { "。．！？!?；：“”「」".unicodeScalars.contains($0) }
                    if t.unicodeScalars.count <= 40, !sentenceLike, HeadingParser.match(Substring(t)) == nil {
                        title = t
                        headingLocations[index, default: []].append(location(k))
                        k += 1
                    }
                }
            }
            if !heading.isEmpty { text += heading + "\n\n" }
            if !title.isEmpty && !heading.contains(title) { text += title + "\n\n" }
        }
        let headingEnd = heading.isEmpty ? start : text.utf8.count - 2
        var paragraphs: [Paragraph] = []
        var locations: [EPUBSource.Location] = []
        while k < blocks.upperBound {
            let b = flow[k].block
            if case let .image(path) = b.kind {
                figures[index, default: []].append(.init(path: path, alt: b.text, afterParagraph: paragraphs.count, location: location(k)))
            } else {
                let lower = text.utf8.count
                text += b.text
                let r = lower..<text.utf8.count
                paragraphs.append(Paragraph(text: b.text, range: r, isSeparator: Script.isSeparatorLine(Substring(b.text)),
                                            pieces: [.init(textOffset: 0, source: r)]))
                locations.append(location(k))
                text += "\n\n"
            }
            k += 1
        }
        if label == nil && paragraphs.isEmpty { return nil }
        paragraphLocations[index] = locations
        let sentences = splitter.map { BookAssembler.sentences(paragraphs, splitter: $0) } ?? []
        return Chapter(index: index, number: number, title: title, heading: heading, headingRange: start..<headingEnd,
                       range: start..<text.utf8.count, volume: nil, paragraphs: paragraphs, sentences: sentences)
    }
}
