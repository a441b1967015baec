import Foundation
import Text
import XCTest
import ZIPFoundation

/// Hand-made EPUBs: the structures and markup books really have, and the ways they break.
final class EPUBReaderTests: XCTestCase {
    func paragraphs(_ c: Chapter) -> [String] { c.paragraphs.map(\.text) }

    func testEPUB2WithNCXOnly() throws {
        var f = EPUBFixture()
        f.version = "2.0"
        f.chapter("cover", href: "cover.xhtml", body: "<div><img src=\"images/cover.png\" alt=\"封面\"/></div>")
        f.chapter("c1", href: "c1.xhtml", body: "<h2>第一章　早晨</h2><p>　　小明早上七点起床。他吃了一个苹果。</p><p>妈妈说：“快去上学！”</p>")
        f.chapter("c2", href: "c2.xhtml", body: "<h2>第二章　学校</h2><p>老师在教室里等他。</p>")
        f.resource("img", href: "images/cover.png", type: "image/png", data: Data([0x89, 0x50, 0x4E, 0x47]))
        f.guide = [("cover", "cover.xhtml")]
        f.ncx("""
        <navPoint id="a" playOrder="1"><navLabel><text>第一章　早晨</text></navLabel><content src="c1.xhtml"/></navPoint>
        <navPoint id="b" playOrder="2"><navLabel><text>第二章　学校</text></navLabel><content src="c2.xhtml"/></navPoint>
        """)
        let book = try f.read()
        XCTAssertNil(book.preface)
        XCTAssertEqual(book.chapters.map(\.number), [1, 2])
        XCTAssertEqual(book.chapters.map(\.title), ["早晨", "学校"])
        XCTAssertEqual(book.chapters.map(\.heading), ["第一章　早晨", "第二章　学校"])
        XCTAssertEqual(paragraphs(book.chapters[0]), ["小明早上七点起床。他吃了一个苹果。", "妈妈说：“快去上学！”"])
        XCTAssertEqual(book.chapters[0].sentences.count, 3)
        let epub = try XCTUnwrap(book.epub)
        XCTAssertEqual(epub.chapterTitlesFrom, "NCX")
        XCTAssertEqual(epub.keptAside.map(\.location.path), ["OEBPS/cover.xhtml"])
        XCTAssertTrue(epub.keptAside[0].reason.hasPrefix("cover"), epub.keptAside[0].reason)
        XCTAssertEqual(epub.resources.map(\.path), ["OEBPS/images/cover.png"])
        XCTAssertEqual(epub.paragraphs[1], [.init(path: "OEBPS/c1.xhtml", position: 2), .init(path: "OEBPS/c1.xhtml", position: 3)])
        XCTAssertEqual(book.slice(book.chapters[1].headingRange), "第二章　学校")
    }

    /// EPUB 3: the nav's entries point at fragments of one document; a chapter's title comes
    /// from the nav even when the document's heading differs in markup and spacing.
    func testEPUB3NavWithFragments() throws {
        var f = EPUBFixture()
        f.chapter("title", href: "title.xhtml", body: "<section epub:type=\"titlepage\"><h1>望江楼的灯</h1><p>佚名　著</p></section>")
        f.chapter("all", href: "text/all.xhtml", body: """
        <p>楔子之前的一段话。</p>
        <section id="c1"><h1>第一章 <span>渡口</span></h1><p>落霞江从青石镇的东边流过。</p></section>
        <section id="c2"><p class="head">第二章　望江楼</p><p>望江楼在青石镇的最东头。</p><p>＊＊＊</p></section>
        """)
        f.nav("""
        <li><a href="text/all.xhtml#c1">第一章　渡口</a></li><li><a href="text/all.xhtml#c2">第二章　望江楼</a></li>
        """, landmarks: "<li><a epub:type=\"bodymatter\" href=\"text/all.xhtml\">正文</a></li>")
        let book = try f.read()
        XCTAssertEqual(book.epub?.chapterTitlesFrom, "navigation document")
        XCTAssertEqual(book.preface.map(paragraphs), ["楔子之前的一段话。"])
        XCTAssertEqual(book.chapters.map(\.title), ["渡口", "望江楼"])
        XCTAssertEqual(paragraphs(book.chapters[0]), ["落霞江从青石镇的东边流过。"])
        // The <p> repeating the nav's label is the heading, not a paragraph.
        XCTAssertEqual(paragraphs(book.chapters[1]), ["望江楼在青石镇的最东头。", "＊＊＊"])
        XCTAssertTrue(book.chapters[1].paragraphs[1].isSeparator)
        XCTAssertEqual(book.epub?.keptAside.map(\.text), ["望江楼的灯", "佚名　著"])
    }

    /// <div>s, <br/>-separated lines, text straight in <body>, table cells, nested blocks with
    /// text after them: every piece of text becomes a paragraph.
    func testDivAndBreakParagraphs() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: """
        <div class="h">第一章　雨夜</div>
        <div>第一行。<br/>第二行。<br/><br/>第三行。</div>
        散落在正文里的字。
        <div><div>里面的一段。</div>外面的尾巴。</div>
        <table><tr><td>表格里的字。</td><td><span>另一格。</span></td></tr></table>
        <p>一段
        换行的
        文字。</p>
        """)
        let book = try f.read()
        XCTAssertEqual(book.epub?.chapterTitlesFrom, "heading detection")
        XCTAssertEqual(book.chapters.count, 1)
        XCTAssertEqual(book.chapters[0].heading, "第一章　雨夜")
        XCTAssertEqual(paragraphs(book.chapters[0]), ["第一行。", "第二行。", "第三行。", "散落在正文里的字。", "里面的一段。", "外面的尾巴。",
                                                      "表格里的字。", "另一格。", "一段换行的文字。"])
    }

    /// Calibre's conversion of a text file: no table of contents, every line a <p>, the title
    /// on the line after 第三回 with rules between; heading detection as for the text.
    func testDetectedHeadingTakesTheTitleLineBelowIt() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: """
        <p>前言一句。</p><p>第三回</p><hr/><hr/><p>賈雨村夤緣复舊職　林黛玉拋父進京都</p><p>卻說雨村忙回頭看時。</p>
        <p>第四回　薄命女偏逢薄命郎</p><p>卻說黛玉同姊妹們至王夫人處。</p>
        """)
        let book = try f.read()
        XCTAssertEqual(book.epub?.chapterTitlesFrom, "heading detection")
        XCTAssertEqual(book.preface.map(paragraphs), ["前言一句。"])
        XCTAssertEqual(book.chapters.map(\.number), [3, 4])
        XCTAssertEqual(book.chapters.map(\.title), ["賈雨村夤緣复舊職　林黛玉拋父進京都", "薄命女偏逢薄命郎"])
        XCTAssertEqual(book.chapters.map(\.heading), ["第三回", "第四回　薄命女偏逢薄命郎"])
        XCTAssertEqual(book.slice(book.chapters[0].headingRange), "第三回\n\n賈雨村夤緣复舊職　林黛玉拋父進京都")
        XCTAssertEqual(paragraphs(book.chapters[0]), ["卻說雨村忙回頭看時。"])
    }

    /// Nothing names the chapters: each content document is one, and no paragraph is taken for
    /// a heading.
    func testWithoutTitlesEachDocumentIsAChapter() throws {
        var f = EPUBFixture()
        f.chapter("a", href: "a.xhtml", body: "<p>春天来了。</p><p>花开了。</p>")
        f.chapter("b", href: "b.xhtml", body: "<p>夏天到了。</p>")
        let book = try f.read()
        XCTAssertEqual(book.epub?.chapterTitlesFrom, "spine documents")
        XCTAssertEqual(book.chapters.map(\.heading), ["", ""])
        XCTAssertEqual(book.chapters.map(paragraphs), [["春天来了。", "花开了。"], ["夏天到了。"]])
        XCTAssertTrue(book.warnings.contains { $0.contains("each of the 2 content document(s) is a chapter") }, "\(book.warnings)")
    }

    /// A heading line the table of contents does not name (a section number, an epigraph set as
    /// <h3>) stays in the text and is translated.
    func testHeadingLinesOutsideTheLabelStayInTheText() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<h1>第一章</h1><h2>渡口</h2><h3>一</h3><p>正文。</p>")
        f.chapter("c2", href: "c2.xhtml", body: "<h1>二、望江楼</h1><p>正文二。</p>")
        f.nav("<li><a href=\"c1.xhtml\">第一章　渡口</a></li><li><a href=\"c2.xhtml\">第二章　望江楼</a></li>")
        let book = try f.read()
        XCTAssertEqual(book.chapters.map(\.heading), ["第一章　渡口", "第二章　望江楼"])
        XCTAssertEqual(book.chapters.map(paragraphs), [["一", "正文。"], ["二、望江楼", "正文二。"]])
        XCTAssertEqual(book.epub?.headings[1]?.map(\.position), [1, 2])
        XCTAssertEqual(book.epub?.headings[2], nil)
    }

    /// A nested table of contents: a part and its first chapter at one place give one chapter,
    /// named by the chapter; entries listed out of reading order are put back in it.
    func testNestedNavigationSharesPlaces() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<h1>第一章　甲</h1><p>一。</p>")
        f.chapter("c2", href: "c2.xhtml", body: "<h1>第二章　乙</h1><p>二。</p>")
        f.chapter("c3", href: "c3.xhtml", body: "<h1>第三章　丙</h1><p>三。</p>")
        f.nav("""
        <li><a href="c1.xhtml">第一卷</a><ol><li><a href="c1.xhtml">第一章　甲</a></li><li><a href="c3.xhtml">第三章　丙</a></li>
        <li><a href="c2.xhtml">第二章　乙</a></li></ol></li>
        """)
        let book = try f.read()
        XCTAssertEqual(book.chapters.map(\.heading), ["第一章　甲", "第二章　乙", "第三章　丙"])
        XCTAssertEqual(book.chapters.map(paragraphs), [["一。"], ["二。"], ["三。"]])
    }

    func testRubyKeepsTheBaseTextOnly() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: """
        <h1>第一回</h1><p><ruby>賈<rp>(</rp><rt>jiǎ</rt><rp>)</rp></ruby><ruby><rb>寶</rb><rt>bǎo</rt></ruby>玉<em>笑</em>道：「好&nbsp;。」</p>
        """)
        f.nav("<li><a href=\"c1.xhtml\">第一回</a></li>")
        let book = try f.read()
        XCTAssertEqual(paragraphs(book.chapters[0]), ["賈寶玉笑道：「好\u{00A0}。」"])
        XCTAssertEqual(book.chapters[0].number, 1)
    }

    /// The package names a nav that is not in the archive: a warning, then the XHTML headings.
    func testMissingNavFallsBackToHeadings() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<h1>序</h1><p>开头。</p><h2>小节</h2><p>还是序。</p>")
        f.chapter("c2", href: "c2.xhtml", body: "<h1>第一章　出发</h1><p>走了。</p>")
        f.nav("<li><a href=\"c1.xhtml\">序</a></li>", present: false)
        let book = try f.read()
        XCTAssertEqual(book.epub?.chapterTitlesFrom, "XHTML headings")
        XCTAssertEqual(book.chapters.map(\.heading), ["序", "第一章　出发"])
        XCTAssertEqual(book.chapters.map(\.number), [nil, 1])
        XCTAssertEqual(paragraphs(book.chapters[0]), ["开头。", "小节", "还是序。"])
        XCTAssertTrue(book.warnings.contains { $0.contains("OEBPS/nav.xhtml: missing from the archive") }, "\(book.warnings)")
    }

    func testMissingSpineItemIsAnErrorNamingIt() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<p>一。</p>")
        f.chapter("c2", href: "c2.xhtml", entry: "", body: "")
        XCTAssertThrowsError(try f.read()) { error in
            XCTAssertEqual("\(error)", "fixture.epub: entry OEBPS/c2.xhtml: missing from the archive; expected the XHTML content document listed in the spine (item \"c2\")")
        }
    }

    func testBrokenSpineItemIsAnErrorNamingItAndTheLine() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<p>一。</p>")
        f.items.append(("c2", "c2.xhtml", "OEBPS/c2.xhtml", "application/xhtml+xml", Data("<html><body>\n<p>未闭合</body></html>".utf8), ""))
        f.spine.append(("c2", true))
        XCTAssertThrowsError(try f.read()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("fixture.epub: entry OEBPS/c2.xhtml: line 2, column"), message)
            XCTAssertTrue(message.contains("not well-formed XML (an end tag that does not match the open element)"), message)
            XCTAssertTrue(message.hasSuffix("expected an XHTML content document (spine item \"c2\")"), message)
        }
        var g = EPUBFixture()
        g.chapter("c1", href: "c1.xhtml", body: "<p>一。</p>")
        g.spine.append(("ghost", true))
        XCTAssertThrowsError(try g.read()) { error in
            XCTAssertTrue("\(error)".contains("entry OEBPS/content.opf: line"), "\(error)")
            XCTAssertTrue("\(error)".contains("the spine names item \"ghost\", which the manifest does not have"), "\(error)")
        }
    }

    func testZIPThatIsNotAnEPUB() throws {
        let archive = try Archive(data: Data(), accessMode: .create)
        let text = Data("只是一个文本文件".utf8)
        try archive.addEntry(with: "notes.txt", type: .file, uncompressedSize: Int64(text.count)) { p, n in text.subdata(in: Int(p)..<Int(p) + n) }
        let bytes = [UInt8](try XCTUnwrap(archive.data))
        XCTAssertThrowsError(try BookReader.read(bytes: bytes, file: "book.zip")) { error in
            XCTAssertEqual("\(error)", "book.zip: entry META-INF/container.xml: missing and no mimetype entry; this ZIP is not an EPUB (expected META-INF/container.xml naming the package document)")
        }
        XCTAssertThrowsError(try BookReader.read(bytes: Array("PK\u{3}\u{4} not really".utf8), file: "broken.epub")) { error in
            XCTAssertTrue("\(error)".hasPrefix("broken.epub: cannot open it as a ZIP archive"), "\(error)")
        }
    }

    func testPercentEncodedAndNonASCIIFileNames() throws {
        var f = EPUBFixture()
        f.opfPath = "内容/书.opf"
        f.items.append(("c1", "%E7%AC%AC%E4%B8%80%E7%AB%A0.xhtml", "内容/第一章.xhtml", "application/xhtml+xml",
                        EPUBFixture.xhtml("<h1>第一章</h1><p>甲。</p><img src=\"%E5%9B%BE/%E5%B1%B1%20%E6%B0%B4.png\" alt=\"山水\"/><p>乙。</p>"), ""))
        f.items.append(("c2", "My%20Chapter%202.xhtml", "内容/My Chapter 2.xhtml", "application/xhtml+xml",
                        EPUBFixture.xhtml("<h1>第二章</h1><p>丙。</p>"), ""))
        f.items.append(("img", "图/山 水.png", "内容/图/山 水.png", "image/png", Data([1, 2, 3]), ""))
        f.spine = [("c1", true), ("c2", true)]
        f.items.append(("nav", "目录.xhtml", "内容/目录.xhtml", "application/xhtml+xml", EPUBFixture.xhtml("""
        <nav epub:type="toc"><ol><li><a href="%E7%AC%AC%E4%B8%80%E7%AB%A0.xhtml">第一章　甲</a></li><li><a href="My%20Chapter%202.xhtml">第二章　丙</a></li></ol></nav>
        """), "nav"))
        let book = try f.read()
        XCTAssertEqual(book.epub?.chapterTitlesFrom, "navigation document")
        XCTAssertEqual(book.chapters.map(\.title), ["甲", "丙"])
        XCTAssertEqual(paragraphs(book.chapters[0]), ["甲。", "乙。"])
        XCTAssertEqual(book.epub?.figures[1], [.init(path: "内容/图/山 水.png", alt: "山水", afterParagraph: 1, location: .init(path: "内容/第一章.xhtml", position: 3))])
        XCTAssertEqual(book.epub?.resources.map(\.path), ["内容/图/山 水.png"])
        XCTAssertEqual(book.epub?.paragraphs[2]?.first?.path, "内容/My Chapter 2.xhtml")
    }

    /// Notes, image-only pages and documents outside the reading order are kept aside with
    /// their places; every Han character of the input is in a chapter or in that list.
    func testNothingIsDroppedSilently() throws {
        var f = EPUBFixture()
        let bodies = [
            ("c1", "<h1>第一章　开始</h1><p>正文一<a epub:type=\"noteref\" href=\"#n1\">注</a>。</p><aside epub:type=\"footnote\" id=\"n1\"><p>这是脚注。</p></aside><span>孤立的行内文字</span><ul><li>列表甲</li><li>列表乙<ol><li>嵌套丙</li></ol></li></ul>"),
            ("pic", "<p><img src=\"a.png\" alt=\"\"/></p>"),
            ("c2", "<h1>第二章　结束</h1><blockquote><p>引文。</p></blockquote><dl><dt>术语</dt><dd>解释</dd></dl><pre>预排\n文字</pre>"),
            ("notes", "<section epub:type=\"endnotes\"><p>尾注一。</p></section>"),
            ("extra", "<p>不在线性顺序里的附录。</p>"),
        ]
        for (id, body) in bodies { f.chapter(id, href: id + ".xhtml", body: body, linear: id != "extra") }
        f.resource("a", href: "a.png", type: "image/png", data: Data([0]))
        f.nav("<li><a href=\"c1.xhtml\">第一章　开始</a></li><li><a href=\"c2.xhtml\">第二章　结束</a></li>")
        let book = try f.read()
        let epub = try XCTUnwrap(book.epub)
        XCTAssertEqual(Set(epub.keptAside.map(\.reason)), ["note", "image-only page", "endnotes (epub:type)", "outside the linear reading order (linear=\"no\")"])
        var kept = epub.keptAside.map(\.text).joined()
        for c in [book.preface].compactMap({ $0 }) + book.chapters { kept += c.heading + c.paragraphs.map(\.text).joined() }
        let han = { (s: String) in s.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }.map(String.init).sorted() }
        // Characters of the bodies with the markup stripped, a crude reading independent of the parser.
        let raw = bodies.map(\.1).joined().replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        XCTAssertEqual(han(kept), han(raw))
        XCTAssertEqual(book.chapters[0].paragraphs.map(\.text), ["正文一注。", "孤立的行内文字", "列表甲", "列表乙", "嵌套丙"])
    }

    /// The sample book as an EPUB made here (one file per chapter, an NCX): the aligner, which
    /// eval-ppl and align use, gets the same chapters and sentences as from the text file.
    func testSampleBookEPUBAlignsAsTheText() throws {
        let root = Fixtures.packageRoot.appendingPathComponent("Corpora/sample")
        let lines = try String(contentsOf: root.appendingPathComponent("zh.txt"), encoding: .utf8).components(separatedBy: "\n")
        var f = EPUBFixture()
        f.version = "2.0"
        var body = "", n = 0, points = ""
        func close() {
            guard n > 0 else { return }
            f.chapter("c\(n)", href: "c\(n).xhtml", body: body)
            body = ""
        }
        for line in lines.dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if line.hasPrefix("第") {
                close()
                n += 1
                body = "<h2>\(line)</h2>"
                points += "<navPoint id=\"p\(n)\" playOrder=\"\(n)\"><navLabel><text>\(line)</text></navLabel><content src=\"c\(n).xhtml\"/></navPoint>"
            } else {
                body += "<p>\(line)</p>\n"
            }
        }
        close()
        f.ncx(points)
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let epub = dir.appendingPathComponent("sample.epub").path
        try f.data.write(to: URL(fileURLWithPath: epub))
        let en = root.appendingPathComponent("en.txt").path
        let fromText = try AlignmentInput.read(source: root.appendingPathComponent("zh.txt").path, target: en, name: "s")
        let fromEPUB = try AlignmentInput.read(source: epub, target: en, name: "s")
        XCTAssertEqual(fromEPUB.chapters.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(fromEPUB.chapters.map(\.source), fromText.chapters.map(\.source))
        XCTAssertEqual(fromEPUB.chapters.map(\.target), fromText.chapters.map(\.target))
    }

    /// With --simplify the nav's titles and the text are converted alike, so headings still match.
    func testSimplifyAppliesToTitlesAndText() throws {
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<h1>第一回　寶玉</h1><p>賈寶玉說話。</p>")
        f.nav("<li><a href=\"c1.xhtml\">第一回　寶玉</a></li>")
        let book = try f.read(options: BookOptions(simplify: true))
        XCTAssertEqual(book.chapters[0].title, "宝玉")
        XCTAssertEqual(paragraphs(book.chapters[0]), ["贾宝玉说话。"])
    }
}
