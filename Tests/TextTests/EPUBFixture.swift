import Foundation
import Text
import XCTest

/// Hand-made EPUBs for the tests: a package document, content documents and an optional
/// navigation document or NCX, zipped with `EPUBZipWriter`.
struct EPUBFixture {
    var version = "3.0"
    var opfPath = "OEBPS/content.opf"
    /// (manifest id, href as written in the OPF, entry path in the ZIP, media type, body or whole file, properties)
    var items: [(id: String, href: String, entry: String, type: String, data: Data, properties: String)] = []
    var spine: [(idref: String, linear: Bool)] = []
    var guide: [(type: String, href: String)] = []
    var ncxID: String?
    var title = "测试书"
    var extraEntries: [EPUBZipWriter.Item] = []

    static func xhtml(_ body: String, head: String = "") -> Data {
        Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title>\(head)</head>
        <body>\(body)</body></html>
        """.utf8)
    }

    /// A content document in the spine; `entry` defaults to OEBPS/`href`.
    mutating func chapter(_ id: String, href: String, entry: String? = nil, body: String, linear: Bool = true) {
        items.append((id, href, entry ?? "OEBPS/" + href, "application/xhtml+xml", Self.xhtml(body), ""))
        spine.append((id, linear))
    }

    mutating func nav(_ lis: String, landmarks: String = "", href: String = "nav.xhtml", present: Bool = true) {
        let body = "<nav epub:type=\"toc\"><ol>\(lis)</ol></nav>" + (landmarks.isEmpty ? "" : "<nav epub:type=\"landmarks\"><ol>\(landmarks)</ol></nav>")
        items.append(("nav", href, present ? "OEBPS/" + href : "", "application/xhtml+xml", Self.xhtml(body), "nav"))
    }

    mutating func ncx(_ points: String) {
        let data = Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><head/><docTitle><text>t</text></docTitle>
        <navMap>\(points)</navMap></ncx>
        """.utf8)
        items.append(("ncx", "toc.ncx", "OEBPS/toc.ncx", "application/x-dtbncx+xml", data, ""))
        ncxID = "ncx"
    }

    mutating func resource(_ id: String, href: String, type: String, data: Data, properties: String = "") {
        items.append((id, href, "OEBPS/" + href, type, data, properties))
    }

    var opf: String {
        let manifest = items.map { "<item id=\"\($0.id)\" href=\"\($0.href)\" media-type=\"\($0.type)\"\($0.properties.isEmpty ? "" : " properties=\"\($0.properties)\"")/>" }
        let refs = spine.map { "<itemref idref=\"\($0.idref)\"\($0.linear ? "" : " linear=\"no\"")/>" }
        let g = guide.isEmpty ? "" : "<guide>" + guide.map { "<reference type=\"\($0.type)\" href=\"\($0.href)\" title=\"x\"/>" }.joined() + "</guide>"
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <package xmlns="http://www.idpf.org/2007/opf" version="\(version)" unique-identifier="id">
        <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">fixture-1</dc:identifier>
        <dc:title>\(title)</dc:title><dc:creator>佚名</dc:creator><dc:language>zh</dc:language></metadata>
        <manifest>\(manifest.joined(separator: "\n"))</manifest>
        <spine\(ncxID.map { " toc=\"\($0)\"" } ?? "")>\(refs.joined(separator: "\n"))</spine>\(g)
        </package>
        """
    }

    var data: Data {
        get throws {
            var entries = [EPUBZipWriter.Item(path: "META-INF/container.xml", data: Data("""
            <?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
            <rootfiles><rootfile full-path="\(opfPath)" media-type="application/oebps-package+xml"/></rootfiles></container>
            """.utf8)), EPUBZipWriter.Item(path: opfPath, data: Data(opf.utf8))]
            for i in items where !i.entry.isEmpty { entries.append(.init(path: i.entry, data: i.data)) }
            return try EPUBZipWriter.build(entries + extraEntries)
        }
    }

    func read(options: BookOptions = BookOptions()) throws -> Book {
        try BookReader.read(bytes: [UInt8](try data), file: "fixture.epub", options: options)
    }
}
