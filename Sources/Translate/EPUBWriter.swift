import Evaluate
import Foundation
import LLM
import Text

/// What the output EPUBs say about the book, fixed when the run starts.
public struct EPUBBookInfo: Sendable {
    public var title: String
    public var creators: [String]
    /// The source language tag ("zh", "zh-Hant", …).
    public var sourceLanguage: String
    /// SHA-256 of the book file: the EPUBs' identifiers are derived from it, never from the clock.
    public var bookSHA256: String
    /// Set when the book is an EPUB: pictures, styles and kept-aside blocks to carry over.
    public var source: EPUBSource?

    public init(book: Book, file: String, sha256: String) {
        let url = URL(fileURLWithPath: file)
        var stem = url.deletingPathExtension().lastPathComponent
        // zh.txt in a folder named for the book: the folder names it.
        if stem.count <= 3 { stem = url.deletingLastPathComponent().lastPathComponent }
        if let m = book.epub?.metadata, !m.title.isEmpty {
            title = m.title
        } else if let first = book.preface?.paragraphs.first?.text, first.count <= 30,
                  !first.unicodeScalars.contains(where: { "。！？.!?".unicodeScalars.contains($0) }) {
            title = first   // a title line above the first chapter, as in most text books
        } else {
            title = stem
        }
        creators = book.epub?.metadata.creators ?? []
        sourceLanguage = book.epub?.metadata.languages.first { $0.lowercased().hasPrefix("zh") } ?? "zh"
        bookSHA256 = sha256
        source = book.epub
    }
}

/// translation.epub (English only) and bilingual.epub (each Chinese paragraph followed by its
/// English), EPUB 3 with an NCX for EPUB 2 readers. Built from the records alone, like
/// translation.txt, with a fixed date and identifiers derived from the book, so the bytes of a
/// resumed run's EPUBs equal an uninterrupted run's.
public enum EPUBWriter {
    public enum Kind: Sendable { case translation, bilingual }

    /// The fixed modification date of the package (the ZIP entries carry the same one).
    static let modified = "1980-01-01T00:00:00Z"

    struct Paragraph {
        var index: Int
        var source: String
        var target: String
    }

    struct ChapterText {
        var position: Int
        var info: UnitPlan.ChapterInfo
        var heading: SegmentRecord?
        var paragraphs: [Paragraph]
        var file: String { String(format: "text/chapter-%03d.xhtml", position + 1) }
    }

    static func chapters(plan: UnitPlan, records: [SegmentRecord]) -> [ChapterText] {
        var out: [ChapterText] = []
        var i = 0
        for (pos, info) in plan.chapters.enumerated() {
            var c = ChapterText(position: pos, info: info, heading: nil, paragraphs: [])
            while i < records.count && i < plan.units.count && plan.units[i].chapterPosition == pos {
                let r = records[i]
                if r.heading { c.heading = r } else if let p = r.paragraph {
                    if let last = c.paragraphs.last, last.index == p {
                        c.paragraphs[c.paragraphs.count - 1].source += r.source
                        c.paragraphs[c.paragraphs.count - 1].target += (last.target.isEmpty ? "" : " ") + r.translation
                    } else {
                        c.paragraphs.append(Paragraph(index: p, source: r.source, target: r.translation))
                    }
                }
                i += 1
            }
            if c.heading != nil || !c.paragraphs.isEmpty { out.append(c) }
        }
        return out
    }

    /// The English title of a chapter for the table of contents.
    static func title(_ c: ChapterText) -> String {
        if let h = c.heading, !h.translation.isEmpty { return h.translation }
        return c.info.index == 0 ? "Preface" : "Chapter \(c.info.number)"
    }

    /// nil when no chapter is finished yet (an EPUB needs at least one content document).
    public static func build(_ kind: Kind, plan: UnitPlan, records: [SegmentRecord], book: EPUBBookInfo) throws -> Data? {
        let chapters = chapters(plan: plan, records: records)
        guard !chapters.isEmpty else { return nil }
        let bilingual = kind == .bilingual
        let src = book.source
        // Carried-over files keep their relative layout under original/, so the styles' own
        // url() references still resolve.
        let resources = src?.resources ?? []
        let resourcePaths = Set(resources.map(\.path))
        let styles = resources.filter { $0.mediaType == "text/css" }.map { "original/" + $0.path }
        let kept = bilingual ? (src?.keptAside ?? []).filter { !$0.text.isEmpty } : []

        var items: [EPUBZipWriter.Item] = []
        func add(_ path: String, _ text: String) { items.append(.init(path: "OEBPS/" + path, data: Data(text.utf8))) }

        for c in chapters {
            var body = ""
            if let h = c.heading {
                body += bilingual
                    ? "<h1><span class=\"zh\" lang=\"\(book.sourceLanguage)\" xml:lang=\"\(book.sourceLanguage)\">\(esc(h.source))</span><br/><span class=\"en\">\(esc(h.translation))</span></h1>\n"
                    : "<h1>\(esc(h.translation))</h1>\n"
            }
            var figures = (src?.figures[c.info.index] ?? []).filter { resourcePaths.contains($0.path) }
            func placeFigures(before paragraph: Int?) {
                while let f = figures.first, paragraph.map({ f.afterParagraph <= $0 }) ?? true {
                    let href = EPUBPath.relative("original/" + f.path, from: "text")
                    body += "<div class=\"figure\"><img src=\"\(esc(href))\" alt=\"\(esc(f.alt))\"/></div>\n"
                    figures.removeFirst()
                }
            }
            for p in c.paragraphs {
                placeFigures(before: p.index)
                if bilingual {
                    body += "<p class=\"zh\" lang=\"\(book.sourceLanguage)\" xml:lang=\"\(book.sourceLanguage)\">\(esc(p.source))</p>\n"
                    body += "<p class=\"en\">\(esc(p.target))</p>\n"
                } else {
                    body += "<p>\(esc(p.target))</p>\n"
                }
            }
            placeFigures(before: nil)
            add(c.file, document(title: title(c), styles: styles, from: "text", body: "<section epub:type=\"chapter\">\n\(body)</section>"))
        }
        if !kept.isEmpty {
            var body = "<section class=\"kept\">\n<h1>Not translated</h1>\n<p class=\"note\">Front matter, notes and other text of the original that Yanfu kept aside, as they were.</p>\n"
            for k in kept {
                body += "<p class=\"zh\" lang=\"\(book.sourceLanguage)\" xml:lang=\"\(book.sourceLanguage)\">\(esc(k.text))</p>\n"
            }
            add("text/not-translated.xhtml", document(title: "Not translated", styles: styles, from: "text", body: body + "</section>"))
        }
        add("yanfu.css", css)

        let identifier = "urn:uuid:" + uuid(book.bookSHA256 + (bilingual ? "/bilingual" : "/translation"))
        var toc: [(title: String, file: String)] = chapters.map { c in
            // Bilingual: in the order of the heading itself, Chinese first.
            (bilingual && c.heading != nil ? "\(c.heading!.source) · \(title(c))" : title(c), c.file)
        }
        if !kept.isEmpty { toc.append(("Not translated", "text/not-translated.xhtml")) }
        add("nav.xhtml", nav(toc))
        add("toc.ncx", ncx(toc, identifier: identifier, title: book.title))

        var manifest = ["<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>",
                        "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>",
                        "<item id=\"yanfu-css\" href=\"yanfu.css\" media-type=\"text/css\"/>"]
        var spine: [String] = []
        for (k, entry) in toc.enumerated() {
            manifest.append("<item id=\"c\(k + 1)\" href=\"\(esc(EPUBPath.relative(entry.file, from: "")))\" media-type=\"application/xhtml+xml\"/>")
            spine.append("<itemref idref=\"c\(k + 1)\"/>")
        }
        var coverID: String?
        for (k, r) in resources.enumerated() {
            let id = "r\(k + 1)"
            if r.isCover { coverID = id }
            manifest.append("<item id=\"\(id)\" href=\"\(esc(EPUBPath.relative("original/" + r.path, from: "")))\" media-type=\"\(esc(r.mediaType))\"\(r.isCover ? " properties=\"cover-image\"" : "")/>")
            items.append(.init(path: "OEBPS/original/" + r.path, data: r.data))
        }
        var metadata = "<dc:identifier id=\"uid\">\(identifier)</dc:identifier>\n"
        metadata += "    <dc:title>\(esc(book.title + (bilingual ? " (中英对照 Chinese–English)" : " (English)")))</dc:title>\n"
        metadata += "    <dc:language>en</dc:language>\n"
        if bilingual { metadata += "    <dc:language>\(esc(book.sourceLanguage))</dc:language>\n" }
        for c in book.creators { metadata += "    <dc:creator>\(esc(c))</dc:creator>\n" }
        metadata += "    <dc:contributor>Yanfu (machine translation)</dc:contributor>\n"
        if let id = src?.metadata.identifier, !id.isEmpty { metadata += "    <dc:source>\(esc(id))</dc:source>\n" }
        metadata += "    <meta property=\"dcterms:modified\">\(modified)</meta>\n"
        if let c = coverID { metadata += "    <meta name=\"cover\" content=\"\(c)\"/>\n" }
        let opf = """
        <?xml version="1.0" encoding="UTF-8"?>
        <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
          <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
            \(metadata)  </metadata>
          <manifest>
            \(manifest.joined(separator: "\n    "))
          </manifest>
          <spine toc="ncx">
            \(spine.joined(separator: "\n    "))
          </spine>
        </package>

        """
        add("content.opf", opf)
        items.append(.init(path: "META-INF/container.xml", data: Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
          <rootfiles>
            <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
          </rootfiles>
        </container>

        """.utf8)))
        // container.xml and the package first: readers that stream the ZIP find them early.
        items.sort { order($0.path) < order($1.path) }
        return try EPUBZipWriter.build(items)
    }

    private static func order(_ path: String) -> Int {
        path.hasPrefix("META-INF/") ? 0 : path == "OEBPS/content.opf" ? 1 : 2
    }

    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Control characters are not allowed in XML; a model can emit them.
            case _ where ch.value < 0x20 && ch != "\t" && ch != "\n": out += " "
            case "\u{FFFE}", "\u{FFFF}": out += " "
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A name-based UUID (version 5 layout) from the SHA-256 of `seed`.
    static func uuid(_ seed: String) -> String {
        var sha = SHA256()
        sha.update(Array(seed.utf8))
        var h = Array(SHA256.hex(sha.finalize()).prefix(32))
        h[12] = "5"
        h[16] = "8"
        let s = String(h)
        let i = { (a: Int, b: Int) in String(s.dropFirst(a).prefix(b - a)) }
        return "\(i(0, 8))-\(i(8, 12))-\(i(12, 16))-\(i(16, 20))-\(i(20, 32))"
    }

    static func document(title: String, styles: [String], from folder: String, body: String) -> String {
        let links = (styles + ["yanfu.css"]).map {
            "<link rel=\"stylesheet\" type=\"text/css\" href=\"\(esc(EPUBPath.relative($0, from: folder)))\"/>"
        }.joined(separator: "\n")
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
        <head>
        <meta charset="utf-8"/>
        <title>\(esc(title))</title>
        \(links)
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static func nav(_ toc: [(title: String, file: String)]) -> String {
        let lis = toc.map { "<li><a href=\"\(esc(EPUBPath.relative($0.file, from: "")))\">\(esc($0.title))</a></li>" }.joined(separator: "\n")
        return document(title: "Contents", styles: [], from: "", body: "<nav epub:type=\"toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n\(lis)\n</ol>\n</nav>")
    }

    static func ncx(_ toc: [(title: String, file: String)], identifier: String, title: String) -> String {
        let points = toc.enumerated().map { k, e in
            "<navPoint id=\"p\(k + 1)\" playOrder=\"\(k + 1)\"><navLabel><text>\(esc(e.title))</text></navLabel><content src=\"\(esc(EPUBPath.relative(e.file, from: "")))\"/></navPoint>"
        }.joined(separator: "\n")
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
        <head><meta name="dtb:uid" content="\(identifier)"/><meta name="dtb:depth" content="1"/><meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head>
        <docTitle><text>\(esc(title))</text></docTitle>
        <navMap>
        \(points)
        </navMap>
        </ncx>

        """
    }

    /// Chinese in a quieter grey, the English below it set off by a rule, so the two are told
    /// apart at a glance in any reader (and without colour, by the rule and the size).
    static let css = """
    body { line-height: 1.5; }
    h1 { font-size: 1.4em; margin: 1em 0 0.8em 0; }
    h1 .zh { display: block; font-size: 0.8em; color: #666666; font-weight: normal; }
    p { margin: 0 0 0.6em 0; }
    p.zh { color: #5a5a5a; font-size: 0.95em; margin: 1em 0 0.2em 0; }
    p.en { border-left: 0.25em solid #7a9cc6; padding-left: 0.6em; margin: 0 0 0.8em 0; }
    div.figure { text-align: center; margin: 1em 0; }
    div.figure img { max-width: 100%; }
    p.note { font-style: italic; }

    """
}
