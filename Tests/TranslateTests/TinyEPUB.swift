import Foundation
import TestSupport
import Text
import XCTest

/// An EPUB 3 of the tiny test book (Tests/Fixtures/translate/tiny.txt): a cover page, two
/// chapters with a picture and a stylesheet, a nav and a footnote, so a run from it exercises
/// everything the output EPUBs carry over.
enum TinyEPUB {
    /// A valid 1×1 PNG (epubcheck looks inside images).
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
                           0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
                           0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
                           0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
                           0x42, 0x60, 0x82])

    static func xhtml(_ body: String) -> Data {
        Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="zh" lang="zh">
        <head><title>小明</title><link rel="stylesheet" type="text/css" href="css/book.css"/></head>
        <body>\(body)</body></html>
        """.utf8)
    }

    static var data: Data {
        get throws {
            let opf = """
            <?xml version="1.0" encoding="UTF-8"?>
            <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
            <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:0a4c1b52-8f0e-4a57-9d0e-3c1f4f1e2b77</dc:identifier>
            <dc:title>小明的一天</dc:title><dc:creator>测试作者</dc:creator><dc:language>zh</dc:language>
            <meta property="dcterms:modified">2020-01-01T00:00:00Z</meta></metadata>
            <manifest>
            <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
            <item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
            <item id="c1" href="chapter%201.xhtml" media-type="application/xhtml+xml"/>
            <item id="c2" href="c2.xhtml" media-type="application/xhtml+xml"/>
            <item id="img" href="images/sun.png" media-type="image/png" properties="cover-image"/>
            <item id="css" href="css/book.css" media-type="text/css"/>
            </manifest>
            <spine><itemref idref="cover"/><itemref idref="c1"/><itemref idref="c2"/></spine>
            </package>
            """
            let nav = xhtml("""
            <nav epub:type="toc"><ol><li><a href="chapter%201.xhtml">第一章　早晨</a></li><li><a href="c2.xhtml#s2">第二章　学校</a></li></ol></nav>
            <nav epub:type="landmarks"><ol><li><a epub:type="cover" href="cover.xhtml">封面</a></li></ol></nav>
            """)
            return try EPUBZipWriter.build([
                .init(path: "META-INF/container.xml", data: Data("""
                <?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
                <rootfiles><rootfile full-path="OPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
                """.utf8)),
                .init(path: "OPS/book.opf", data: Data(opf.utf8)),
                .init(path: "OPS/nav.xhtml", data: nav),
                .init(path: "OPS/cover.xhtml", data: xhtml("<div><img src=\"images/sun.png\" alt=\"封面\"/></div><p>小明的一天</p>")),
                .init(path: "OPS/chapter 1.xhtml", data: xhtml("""
                <h1>第一章　早晨</h1><p>　　小明早上七点起床。他吃了一个苹果<a epub:type="noteref" href="#n1">*</a>。</p>
                <div><img src="images/sun.png" alt="太阳"/></div><p>　　妈妈说：“快去上学！”</p>
                <aside epub:type="footnote" id="n1"><p>苹果是红色的。</p></aside>
                """)),
                .init(path: "OPS/c2.xhtml", data: xhtml("<section id=\"s2\"><h1>第二章　学校</h1><p>老师在教室里等他。今天天气很好。</p><p>小明笑了。</p></section>")),
                .init(path: "OPS/images/sun.png", data: png),
                .init(path: "OPS/css/book.css", data: Data("p { text-indent: 2em; }\n".utf8)),
            ])
        }
    }

    static func write(to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// epubcheck (Debian's package ships a jar; run it with java so a missing binfmt handler does not
/// matter). Skips when absent, fails under CI=true.
enum EPUBCheck {
    static func run(_ file: String) throws -> (errors: Int, output: String) {
        let jar = "/usr/share/java/epubcheck.jar"
        let java = ["/usr/bin/java", "/usr/lib/jvm/default-java/bin/java"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard FileManager.default.fileExists(atPath: jar), let java else {
            throw Requirement.missing("epubcheck not found (\(jar) and java; Debian package epubcheck, installed by Scripts/setup)")
        }
        let r = try ChildProcess.run(java, ["-jar", jar, file])
        let out = r.stdout + r.stderr
        // "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix("Messages:") }) else { return (r.status == 0 ? 0 : 1, out) }
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return ((numbers.first ?? 1) + (numbers.dropFirst().first ?? 1), out)
    }
}
