import Foundation

/// The book's table of contents, from the EPUB 3 navigation document or the EPUB 2 NCX.
struct EPUBNavigation {
    struct Entry: Equatable {
        var title: String
        /// Entry path of the content document and the fragment (element id) inside it.
        var path: String
        var fragment: String?
        var depth: Int
    }

    enum Source: String { case nav = "navigation document", ncx = "NCX", none }

    var entries: [Entry] = []
    var source: Source = .none
    /// EPUB 3 landmarks (type, path), e.g. ("cover", …), ("bodymatter", …).
    var landmarks: [(type: String, path: String)] = []
    var warnings: [String] = []

    /// The nav document when there is one and it has a usable toc, else the NCX. A missing or
    /// broken navigation file is a warning, not an error: the headings still give the chapters.
    static func read(_ archive: EPUBArchive, package: EPUBPackage) -> EPUBNavigation {
        var nav = EPUBNavigation()
        if let item = package.nav {
            do {
                let root = try XMLTree.parse(try archive.data(item.path, purpose: "the navigation document"),
                                             file: archive.file, entry: item.path, expected: "the XHTML navigation document")
                let base = EPUBPath.directory(of: item.path)
                for n in root.descendants("nav") {
                    if n.epubTypes.contains("toc") {
                        if let list = n.first("ol") { nav.entries = navList(list, base: base, depth: 0) }
                    } else if n.epubTypes.contains("landmarks") {
                        for a in n.descendants("a") {
                            if let href = a.attributes["href"] {
                                for t in a.epubTypes { nav.landmarks.append((t, EPUBPath.resolve(href, relativeTo: base).path)) }
                            }
                        }
                    }
                }
                if !nav.entries.isEmpty { nav.source = .nav }
            } catch {
                nav.warnings.append("\(error); using the NCX or the headings for chapter titles")
            }
        }
        if nav.entries.isEmpty, let item = package.ncx {
            do {
                let root = try XMLTree.parse(try archive.data(item.path, purpose: "the NCX table of contents"),
                                             file: archive.file, entry: item.path, expected: "the NCX table of contents")
                if let map = root.first("navmap") {
                    nav.entries = navPoints(map, base: EPUBPath.directory(of: item.path), depth: 0)
                    if !nav.entries.isEmpty { nav.source = .ncx }
                }
            } catch {
                nav.warnings.append("\(error); using the headings for chapter titles")
            }
        }
        return nav
    }

    static func clean(_ s: String) -> String {
        Script.trimmed(s.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" }).joined(separator: " "))
    }

    private static func navList(_ ol: MarkupElement, base: String, depth: Int) -> [Entry] {
        var out: [Entry] = []
        for li in ol.all("li") {
            let label = li.first("a") ?? li.first("span")
            if let a = label, let href = a.attributes["href"] {
                let r = EPUBPath.resolve(href, relativeTo: base)
                out.append(Entry(title: clean(XHTMLText.inlineText(a)), path: r.path, fragment: r.fragment, depth: depth))
            }
            if let sub = li.first("ol") { out += navList(sub, base: base, depth: depth + 1) }
        }
        return out
    }

    private static func navPoints(_ parent: MarkupElement, base: String, depth: Int) -> [Entry] {
        var out: [Entry] = []
        for p in parent.all("navpoint") {
            if let src = p.first("content")?.attributes["src"] {
                let r = EPUBPath.resolve(src, relativeTo: base)
                let title = p.first("navlabel")?.first("text")?.text ?? ""
                out.append(Entry(title: clean(title), path: r.path, fragment: r.fragment, depth: depth))
            }
            out += navPoints(p, base: base, depth: depth + 1)
        }
        return out
    }
}
