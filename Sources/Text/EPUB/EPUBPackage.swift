import Foundation

/// Paths inside the container: hrefs are relative to the document that holds them and may be
/// percent-encoded; entries are named by plain UTF-8 paths from the container's root.
public enum EPUBPath {
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `href` (relative to the folder `base`) as an entry path and its fragment, if any.
    public static func resolve(_ href: String, relativeTo base: String) -> (path: String, fragment: String?) {
        var h = href.trimmingCharacters(in: .whitespacesAndNewlines)
        var fragment: String?
        if let hash = h.firstIndex(of: "#") {
            fragment = String(h[h.index(after: hash)...]).removingPercentEncoding
            h = String(h[..<hash])
        }
        let decoded = h.removingPercentEncoding ?? h
        var parts = decoded.hasPrefix("/") ? [] : base.split(separator: "/").map(String.init)
        for p in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(String(p))
        }
        return (parts.joined(separator: "/"), fragment.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// `target` as an href from a document in folder `from`, percent-encoded where needed.
    public static func relative(_ target: String, from: String) -> String {
        let a = from.split(separator: "/").map(String.init), b = target.split(separator: "/").map(String.init)
        var common = 0
        while common < a.count, common < b.count - 1, a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: a.count - common) + b[common...]
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#;")
        return parts.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }.joined(separator: "/")
    }
}

/// The package document (OPF): metadata, manifest, spine, and the EPUB 2 guide.
public struct EPUBPackage: Sendable {
    public struct Item: Sendable, Equatable {
        public var id: String
        /// Entry path in the container.
        public var path: String
        public var mediaType: String
        public var properties: [String]
    }

    public struct SpineItem: Sendable, Equatable {
        public var item: Item
        public var linear: Bool
    }

    public struct Metadata: Sendable, Equatable {
        public var title: String = ""
        public var creators: [String] = []
        public var languages: [String] = []
        public var identifier: String = ""
    }

    /// Path of the OPF in the container.
    public var path: String
    /// "2.0", "3.0", …
    public var version: String
    public var metadata: Metadata
    public var manifest: [Item]
    public var spine: [SpineItem]
    /// The NCX named by the spine's `toc` attribute (EPUB 2), if any.
    public var ncx: Item?
    /// The EPUB 3 navigation document (manifest property `nav`), if any.
    public var nav: Item?
    /// Guide references (EPUB 2) and landmarks (EPUB 3) by type, as entry paths.
    public var landmarks: [(type: String, path: String)]
    /// The cover image item, if the package names one.
    public var coverImage: Item?

    static func read(_ archive: EPUBArchive) throws -> EPUBPackage {
        let file = archive.file
        guard archive.contains("META-INF/container.xml") else {
            let mimetype = archive.contains("mimetype") ? "" : " and no mimetype entry"
            throw TextError.badEPUB(file: file, entry: "META-INF/container.xml",
                                    problem: "missing\(mimetype); this ZIP is not an EPUB (expected META-INF/container.xml naming the package document)")
        }
        if archive.contains("mimetype") {
            let m = try archive.text("mimetype", purpose: "the text application/epub+zip").trimmingCharacters(in: .whitespacesAndNewlines)
            guard m == "application/epub+zip" else {
                throw TextError.badEPUB(file: file, entry: "mimetype", problem: "says \"\(m.prefix(60))\"; expected application/epub+zip (this ZIP is not an EPUB)")
            }
        }
        let container = try XMLTree.parse(try archive.data("META-INF/container.xml", purpose: "the OCF container document"),
                                          file: file, entry: "META-INF/container.xml", expected: "the OCF container document")
        let rootfiles = container.descendants("rootfile")
        guard let rootfile = rootfiles.first(where: { $0.attributes["media-type"] == "application/oebps-package+xml" }) ?? rootfiles.first,
              let fullPath = rootfile.attributes["full-path"], !fullPath.isEmpty else {
            throw TextError.badEPUB(file: file, entry: "META-INF/container.xml", problem: "names no package document; expected <rootfile full-path=\"…\"/>")
        }
        let opfPath = EPUBPath.resolve(fullPath, relativeTo: "").path
        let opf = try XMLTree.parse(try archive.data(opfPath, purpose: "the package document (OPF) named by META-INF/container.xml"),
                                    file: file, entry: opfPath, expected: "the package document (OPF)")
        guard opf.name == "package" else {
            throw TextError.badEPUB(file: file, entry: opfPath, problem: "has root element <\(opf.name)>; expected <package>")
        }
        let base = EPUBPath.directory(of: opfPath)
        var package = EPUBPackage(path: opfPath, version: opf.attributes["version"] ?? "2.0", metadata: Metadata(),
                                  manifest: [], spine: [], ncx: nil, nav: nil, landmarks: [], coverImage: nil)
        if let md = opf.first("metadata") {
            let clean = { (s: String) in s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            package.metadata.title = md.all("title").first.map { clean($0.text) } ?? ""
            package.metadata.creators = md.all("creator").map { clean($0.text) }.filter { !$0.isEmpty }
            package.metadata.languages = md.all("language").map { clean($0.text) }.filter { !$0.isEmpty }
            let uid = opf.attributes["unique-identifier"]
            let ids = md.all("identifier")
            package.metadata.identifier = clean((ids.first { $0.attributes["id"] == uid } ?? ids.first)?.text ?? "")
        }
        guard let manifest = opf.first("manifest") else {
            throw TextError.badEPUB(file: file, entry: opfPath, problem: "has no <manifest>; expected the list of the book's files")
        }
        var byID: [String: Item] = [:]
        for e in manifest.all("item") {
            guard let id = e.attributes["id"], let href = e.attributes["href"] else { continue }
            let item = Item(id: id, path: EPUBPath.resolve(href, relativeTo: base).path, mediaType: e.attributes["media-type"] ?? "",
                            properties: (e.attributes["properties"] ?? "").split(separator: " ").map(String.init))
            package.manifest.append(item)
            byID[id] = item
        }
        package.nav = package.manifest.first { $0.properties.contains("nav") }
        package.coverImage = package.manifest.first { $0.properties.contains("cover-image") }
        if package.coverImage == nil, let md = opf.first("metadata"),
           let id = md.all("meta").first(where: { $0.attributes["name"] == "cover" })?.attributes["content"] {
            package.coverImage = byID[id].flatMap { $0.mediaType.hasPrefix("image/") ? $0 : nil }
        }
        guard let spine = opf.first("spine") else {
            throw TextError.badEPUB(file: file, entry: opfPath, problem: "has no <spine>; expected the reading order of the book's documents")
        }
        if let toc = spine.attributes["toc"] { package.ncx = byID[toc] }
        if package.ncx == nil { package.ncx = package.manifest.first { $0.mediaType == "application/x-dtbncx+xml" } }
        for ref in spine.all("itemref") {
            let idref = ref.attributes["idref"] ?? ""
            guard let item = byID[idref] else {
                throw TextError.badEPUB(file: file, entry: opfPath,
                                        problem: "line \(ref.line): the spine names item \"\(idref)\", which the manifest does not have; expected an id of a <manifest> item")
            }
            package.spine.append(SpineItem(item: item, linear: ref.attributes["linear"] != "no"))
        }
        if package.spine.isEmpty {
            throw TextError.badEPUB(file: file, entry: opfPath, problem: "has an empty <spine>; expected at least one content document")
        }
        for r in opf.first("guide")?.all("reference") ?? [] {
            if let type = r.attributes["type"], let href = r.attributes["href"] {
                package.landmarks.append((type.lowercased(), EPUBPath.resolve(href, relativeTo: base).path))
            }
        }
        return package
    }
}
