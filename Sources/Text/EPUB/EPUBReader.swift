import Foundation

/// EPUB 2 or 3 → `Book`. Chapters follow the spine; their starts and titles come from the
/// navigation document (EPUB 3) or the NCX (EPUB 2), else from the XHTML headings, else from
/// Yanfu's heading detection on the text. Cover, title page, tables of contents, notes and
/// documents outside the linear reading order are kept aside in `Book.epub`, with their places.
///
/// The book's `text` is built from the blocks (a chapter's heading line, then one line per
/// paragraph, blank lines between), so ranges and `slice` work as for a text file.
public enum EPUBReader {
    static let keptAsideTypes: Set<String> = [
        "cover", "title-page", "titlepage", "halftitlepage", "toc", "copyright-page", "copyright", "colophon", "imprint",
        "loi", "lot", "index", "notes", "footnotes", "endnotes", "rearnotes", "landmarks", "frontmatter",
    ]

    public static func isEPUB(file: String, bytes: [UInt8]) -> Bool {
        EPUBArchive.looksLikeZIP(bytes) || file.lowercased().hasSuffix(".epub")
    }

    /// Whether the file at `path` is an EPUB (or claims to be one by its name).
    public static func isEPUB(file path: String) -> Bool {
        if path.lowercased().hasSuffix(".epub") { return true }
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return EPUBArchive.looksLikeZIP([UInt8](h.readData(ofLength: 4)))
    }

    public static func read(file: String, options: BookOptions = BookOptions()) throws -> Book {
        try read(archive: EPUBArchive(file: file), options: options)
    }

    public static func read(data: Data, file: String, options: BookOptions = BookOptions()) throws -> Book {
        try read(archive: EPUBArchive(data: data, file: file), options: options)
    }

    struct Doc {
        var item: EPUBPackage.Item
        var blocks: [XHTMLBlock]
        var keptAside: String?
    }

    static func read(archive: EPUBArchive, options: BookOptions) throws -> Book {
        let file = archive.file
        let package = try EPUBPackage.read(archive)
        let nav = EPUBNavigation.read(archive, package: package)
        var warnings = nav.warnings.map { "\(file): \($0)" }
        let asideByLandmark = Dictionary((package.landmarks + nav.landmarks).filter { keptAsideTypes.contains($0.type) }.map { ($0.path, $0.type) },
                                         uniquingKeysWith: { a, _ in a })
        var docs: [Doc] = []
        var keptAside: [EPUBSource.KeptAside] = []
        var blockCount = 0
        let transform = { (s: String) throws -> String in
            var t = s
            if options.simplify { t = try Normalizer.simplify(t) }
            if options.nfkc { t = try Normalizer.normalize(t, form: .nfkc) }
            return t
        }
        let titlePageText = Set(([package.metadata.title] + package.metadata.creators).map(squeeze).filter { !$0.isEmpty })
        for s in package.spine {
            let item = s.item
            guard isXHTML(item) else {
                warnings.append("\(file): spine item \(item.path) is \(item.mediaType), not XHTML; kept aside")
                continue
            }
            let root = try XMLTree.parse(try archive.data(item.path, purpose: "the XHTML content document listed in the spine (item \"\(item.id)\")"),
                                         file: file, entry: item.path, expected: "an XHTML content document (spine item \"\(item.id)\")")
            var doc = XHTMLText.read(root, path: item.path)
            for i in doc.blocks.indices { doc.blocks[i].text = try transform(doc.blocks[i].text) }
            blockCount += doc.blocks.count
            var reason: String?
            if item.path == package.nav?.path { reason = "navigation document" }
            else if !s.linear { reason = "outside the linear reading order (linear=\"no\")" }
            else if let t = asideByLandmark[item.path] { reason = "\(t) (from the package's guide or landmarks)" }
            else if let t = doc.types.first(where: { keptAsideTypes.contains($0) }) { reason = "\(t) (epub:type)" }
            else if !doc.blocks.contains(where: { if case .image = $0.kind { return false }; return true }), !doc.blocks.isEmpty {
                reason = "image-only page"
            } else if !doc.blocks.isEmpty, doc.blocks.allSatisfy({ titlePageText.contains(squeeze($0.text)) || isImage($0) }) {
                // EPUB 2 tools often mark no title page; one holding nothing but the package's
                // title and authors is one.
                reason = "title page (only the book's title and author)"
            }
            docs.append(Doc(item: item, blocks: doc.blocks, keptAside: reason))
        }
        for d in docs {
            guard let reason = d.keptAside else { continue }
            for b in d.blocks { keptAside.append(.init(location: .init(path: d.item.path, position: b.position), reason: reason, text: b.text)) }
        }
        // Documents a reader reaches only through links (notes files) are listed, not lost.
        let inSpine = Set(package.spine.map(\.item.path))
        for item in package.manifest where isXHTML(item) && !inSpine.contains(item.path) && item.path != package.nav?.path {
            guard let data = try? archive.data(item.path, purpose: "an XHTML document"),
                  let root = try? XMLTree.parse(data, file: file, entry: item.path, expected: "XHTML") else {
                warnings.append("\(file): \(item.path) (in the manifest, not in the spine) could not be read; skipped")
                continue
            }
            let doc = XHTMLText.read(root, path: item.path)
            blockCount += doc.blocks.count
            let reason = asideByLandmark[item.path].map { "\($0) (from the package's guide or landmarks), not in the spine" } ?? "not in the spine"
            for b in doc.blocks { keptAside.append(.init(location: .init(path: item.path, position: b.position), reason: reason, text: b.text)) }
        }

        // The reading order of the translatable documents, block by block.
        var flow: [(path: String, block: XHTMLBlock)] = []
        for d in docs where d.keptAside == nil {
            for b in d.blocks {
                switch b.kind {
                case .note: keptAside.append(.init(location: .init(path: d.item.path, position: b.position), reason: "note", text: b.text))
                case .navigation: keptAside.append(.init(location: .init(path: d.item.path, position: b.position), reason: "table of contents in the text", text: b.text))
                default: flow.append((d.item.path, b))
                }
            }
        }
        let allText = flow.map(\.block.text).joined(separator: "\n")
        let language = options.language ?? (Script.isMostlyChinese(allText) ? .chinese : .english)

        var starts: [EPUBAssembler.Start] = []
        var titlesFrom = nav.source.rawValue
        if nav.source != .none {
            // Entries in reading order; of several at one place (a part and its first chapter),
            // the last, deepest one names the chapter.
            var placed: [(flow: Int, order: Int, label: String)] = []
            for (order, e) in nav.entries.enumerated() {
                if let k = start(of: e, in: flow) { placed.append((k, order, try transform(e.title))) }
            }
            for p in placed.sorted(by: { ($0.flow, $0.order) < ($1.flow, $1.order) }) {
                if let last = starts.last, last.flow == p.flow {
                    if !p.label.isEmpty { starts[starts.count - 1].label = p.label }
                } else {
                    starts.append(.init(flow: p.flow, label: p.label, firstBlockIsHeading: false))
                }
            }
        }
        if starts.isEmpty {
            let levels = flow.compactMap { if case let .heading(l) = $0.block.kind { return l } else { return nil } }
            if let top = levels.min() {
                titlesFrom = "XHTML headings"
                for (k, f) in flow.enumerated() {
                    if case let .heading(l) = f.block.kind, l == top { starts.append(.init(flow: k, label: "", firstBlockIsHeading: true)) }
                }
            }
        }
        if starts.isEmpty {
            titlesFrom = "heading detection"
            starts = detectedHeadings(flow.map(\.block))
        }
        if starts.isEmpty {
            // Nothing names the chapters: each content document is one, as the spine orders them.
            titlesFrom = "spine documents"
            for (k, f) in flow.enumerated() where k == 0 || flow[k - 1].path != f.path {
                starts.append(.init(flow: k, label: "", firstBlockIsHeading: false))
            }
            warnings.append("\(file): no table of contents, headings or chapter headings found; each of the \(starts.count) content document(s) is a chapter")
        }

        var assembler = EPUBAssembler(flow: flow, language: language,
                                      splitter: options.sentences ? try SentenceSplitter(language: language) : nil)
        var book = assembler.assemble(starts: starts)
        if book.preface == nil {
            for f in assembler.figures[0] ?? [] {
                keptAside.append(.init(location: f.location, reason: "picture before the first chapter", text: f.alt))
            }
        }
        book.warnings = warnings
        book.epub = EPUBSource(metadata: package.metadata, version: package.version, chapterTitlesFrom: titlesFrom,
                               paragraphs: assembler.paragraphLocations, headings: assembler.headingLocations,
                               figures: assembler.figures, keptAside: keptAside,
                               resources: try resources(archive, package: package), blockCount: blockCount)
        return book
    }

    static func isXHTML(_ item: EPUBPackage.Item) -> Bool {
        let lower = item.path.lowercased()
        return item.mediaType == "application/xhtml+xml" || item.mediaType == "text/html"
            || lower.hasSuffix(".xhtml") || lower.hasSuffix(".html") || lower.hasSuffix(".htm")
    }

    /// Where a table-of-contents entry points in the flow: the block carrying its fragment id,
    /// else the first block of its document.
    static func start(of e: EPUBNavigation.Entry, in flow: [(path: String, block: XHTMLBlock)]) -> Int? {
        guard let first = flow.firstIndex(where: { $0.path == e.path }) else { return nil }
        if let id = e.fragment {
            var k = first
            while k < flow.count, flow[k].path == e.path {
                if flow[k].block.ids.contains(id) { return k }
                k += 1
            }
        }
        return first
    }

    /// Yanfu's own heading detection over the blocks, with its numbering check.
    static func detectedHeadings(_ blocks: [XHTMLBlock]) -> [EPUBAssembler.Start] {
        var text = ""
        for b in blocks { text += (b.kind == .text || isHeading(b) ? b.text : "") + "\n\n" }
        let source = SourceText(text)
        var found: [HeadingSelection.Found] = []
        for (k, b) in blocks.enumerated() where b.kind == .text || isHeading(b) {
            if case let .heading(c)? = HeadingParser.match(Substring(b.text)), c.kind != .volume {
                found.append(.init(line: 2 * k, candidate: c))
            }
        }
        return HeadingSelection(found: found, bodyLike: [], source: source).accepted.map {
            .init(flow: $0.line / 2, label: "", firstBlockIsHeading: true)
        }
    }

    /// Letters, digits and Han only: headings, labels and title pages are compared without the
    /// spaces and punctuation that tools add or drop ("第一章 渡口" = "第一章：渡口").
    static func squeeze(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }

    static func isImage(_ b: XHTMLBlock) -> Bool {
        if case .image = b.kind { return true }
        return false
    }

    static func isHeading(_ b: XHTMLBlock) -> Bool {
        if case .heading = b.kind { return true }
        return false
    }

    /// Images, styles and fonts of the manifest, for the output EPUBs.
    static func resources(_ archive: EPUBArchive, package: EPUBPackage) throws -> [EPUBSource.Resource] {
        var out: [EPUBSource.Resource] = []
        for item in package.manifest {
            let t = item.mediaType
            guard t.hasPrefix("image/") || t == "text/css" || t.hasPrefix("font/") || t.contains("font") else { continue }
            guard let data = try? archive.data(item.path, purpose: "a resource listed in the manifest") else { continue }
            out.append(.init(path: item.path, mediaType: t, data: data, isCover: item.path == package.coverImage?.path))
        }
        return out
    }
}
