import Foundation

/// One block of a content document, in reading order: a paragraph-like run of text, a
/// heading, an image, or a note.
public struct XHTMLBlock: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case text
        /// Inside <h1>…<h6>.
        case heading(level: Int)
        /// Inside a footnote, endnote or <aside>: kept aside, never translated as body text.
        case note
        /// An image (entry path of the picture, alt text in `text`).
        case image(path: String)
        /// Inside a <nav> of a content document (a printed table of contents).
        case navigation
    }
    public var kind: Kind
    public var text: String
    /// 1-based position among the document's blocks (what report.md cites).
    public var position: Int
    /// Element ids that start at this block (targets of the table of contents).
    public var ids: [String]
}

/// XHTML → blocks, whatever the markup: every element that breaks a line (<p>, <div>, <li>,
/// table cells, headings, <br/>) ends a block, text outside any block still makes one, and
/// inline markup (spans, links, <ruby> bases without their <rt> readings) is reduced to its
/// text. Nothing that holds characters is dropped.
enum XHTMLText {
    static let blockElements: Set<String> = [
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td",
        "th", "caption", "figure", "figcaption", "section", "article", "header", "footer", "main", "address", "center",
        "hgroup", "details", "summary", "form", "fieldset", "legend", "body", "html", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "aside", "nav", "svg",
    ]
    /// Content that is not text of the book: scripts, styles, ruby readings and their parentheses.
    static let skipped: Set<String> = ["script", "style", "head", "rt", "rp", "template", "noscript", "title"]
    static let noteTypes: Set<String> = ["footnote", "endnote", "rearnote", "note", "footnotes", "endnotes", "rearnotes"]

    struct Document {
        var path: String
        var blocks: [XHTMLBlock]
        /// epub:type tokens of <body> and of a top-level <section> that wraps it all.
        var types: [String]
    }

    static func read(_ root: MarkupElement, path: String) -> Document {
        var walker = Walker(base: EPUBPath.directory(of: path))
        var types: [String] = []
        if let body = root.first("body") {
            types = body.epubTypes
            let sections = body.elements
            if sections.count == 1, sections[0].name == "section" { types += sections[0].epubTypes }
            walker.walk(body)
        } else {
            walker.walk(root)
        }
        walker.flush()
        return Document(path: path, blocks: walker.blocks, types: types)
    }

    /// The text of an inline element (a table-of-contents label), ruby readings left out.
    static func inlineText(_ e: MarkupElement) -> String {
        var s = ""
        for c in e.children {
            switch c {
            case let .text(t): s += t
            case let .element(x): if !skipped.contains(x.name) { s += inlineText(x) }
            }
        }
        return s
    }

    /// Collapses XML whitespace; drops the spaces a line break left between two CJK characters.
    static func normalize(_ raw: String) -> String {
        var out: [Unicode.Scalar] = []
        var pendingSpace = false
        for s in raw.unicodeScalars {
            if s == " " || s == "\n" || s == "\r" || s == "\t" {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace, let last = out.last, !(Script.isWide(last) && Script.isWide(s)) { out.append(" ") }
            pendingSpace = false
            out.append(s)
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: out)
        return Script.trimmed(text)
    }

    private struct Walker {
        let base: String
        var blocks: [XHTMLBlock] = []
        var buffer = ""
        var pendingIDs: [String] = []
        var heading: Int?
        var note = false
        var navigation = false

        init(base: String) { self.base = base }

        mutating func flush() {
            let text = XHTMLText.normalize(buffer)
            buffer = ""
            guard !text.isEmpty else { return }
            let kind: XHTMLBlock.Kind = note ? .note : navigation ? .navigation : heading.map { .heading(level: $0) } ?? .text
            blocks.append(XHTMLBlock(kind: kind, text: text, position: blocks.count + 1, ids: pendingIDs))
            pendingIDs = []
        }

        mutating func walk(_ e: MarkupElement) {
            for child in e.children {
                switch child {
                case let .text(t): buffer += t
                case let .element(x): visit(x)
                }
            }
        }

        mutating func visit(_ e: MarkupElement) {
            if XHTMLText.skipped.contains(e.name) { return }
            let isBlock = XHTMLText.blockElements.contains(e.name)
            if isBlock { flush() }
            if let id = e.attributes["id"] ?? e.attributes["xml:id"] { pendingIDs.append(id) }
            switch e.name {
            case "br":
                flush()
                return
            case "img", "image":
                flush()
                let src = e.attributes["src"] ?? e.attribute(local: "href") ?? ""
                if !src.isEmpty, !src.hasPrefix("data:") {
                    let alt = XHTMLText.normalize(e.attributes["alt"] ?? "")
                    blocks.append(XHTMLBlock(kind: .image(path: EPUBPath.resolve(src, relativeTo: base).path), text: alt,
                                             position: blocks.count + 1, ids: pendingIDs))
                    pendingIDs = []
                }
                return
            default: break
            }
            let saved = (heading, note, navigation)
            if e.name.count == 2, e.name.hasPrefix("h"), let level = Int(e.name.dropFirst()), (1...6).contains(level) { heading = level }
            if e.name == "aside" || !XHTMLText.noteTypes.isDisjoint(with: e.epubTypes) { note = true }
            if e.name == "nav" { navigation = true }
            walk(e)
            if isBlock { flush() }
            (heading, note, navigation) = saved
        }
    }
}
