import Foundation
import Text
import XCTest

/// EPUBs of the sample book made by tools nobody here wrote (pandoc, Calibre's ebook-convert)
/// read as the text file does: the same chapters, titles and paragraphs.
final class EPUBToolsTests: XCTestCase {
    var sample: String { Fixtures.packageRoot.appendingPathComponent("Corpora/sample/zh.txt").path }

    /// The sample as Markdown: headings marked, indentation gone, the title line as metadata.
    func markdown(in dir: URL) throws -> URL {
        let lines = try String(contentsOfFile: sample, encoding: .utf8).components(separatedBy: "\n")
        let body = lines.dropFirst(1).map { line -> String in
            line.hasPrefix("第") && line.contains("章") ? "# " + line : line.trimmingCharacters(in: CharacterSet(charactersIn: " \u{3000}"))
        }
        let url = dir.appendingPathComponent("zh.md")
        try body.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func chaptersJSON(_ file: String) throws -> [String: Any] {
        let binary = try Fixtures.binary()
        let r = try ExternalTools.run(binary, ["chapters", file, "--json"])
        XCTAssertEqual(r.status, 0, r.output)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
    }

    func rows(_ json: [String: Any]) -> [NSDictionary] {
        (json["chapters"] as? [[String: Any]] ?? []).map { $0 as NSDictionary }
    }

    /// Same chapters (with `yanfu chapters`) and the same paragraph texts (with BookReader).
    func assertSameBook(_ epub: String, withPreface: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try chaptersJSON(sample), book = try chaptersJSON(epub)
        let expected = rows(text).filter { withPreface || ($0["index"] as? Int) != 0 }
        XCTAssertEqual(rows(book), expected, file: file, line: line)
        let a = try BookReader.read(file: sample), b = try BookReader.read(file: epub)
        XCTAssertEqual(b.chapters.map(\.paragraphs).map { $0.map(\.text) }, a.chapters.map(\.paragraphs).map { $0.map(\.text) }, file: file, line: line)
        XCTAssertEqual(b.chapters.map(\.heading), a.chapters.map(\.heading), file: file, line: line)
        XCTAssertEqual(b.chapters.flatMap(\.sentences).map(\.text), a.chapters.flatMap(\.sentences).map(\.text), file: file, line: line)
        if !withPreface {
            // The title line of the text file is the EPUB's title: on a title page kept aside, or
            // only in the metadata.
            XCTAssertEqual(b.epub?.metadata.title, "望江楼的灯", file: file, line: line)
            let titlePage = b.epub?.keptAside.contains { $0.text == "望江楼的灯" } ?? false
            XCTAssertTrue(titlePage || !b.chapters.flatMap(\.paragraphs).contains { $0.text == "望江楼的灯" }, file: file, line: line)
        }
    }

    func testPandocEPUB3AndEPUB2() throws {
        let pandoc = try ExternalTools.find("pandoc", package: "pandoc")
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let md = try markdown(in: dir)
        for format in ["epub3", "epub2"] {
            let out = dir.appendingPathComponent("pandoc-\(format).epub").path
            let r = try ExternalTools.run(pandoc, [md.path, "-f", "markdown", "-t", format, "-o", out, "--metadata", "title=望江楼的灯", "--metadata", "lang=zh"])
            XCTAssertEqual(r.status, 0, r.output)
            try assertSameBook(out, withPreface: false)
            XCTAssertEqual(try BookReader.read(file: out).epub?.chapterTitlesFrom, format == "epub3" ? "navigation document" : "NCX")
            // `yanfu chapters --json` says where the titles came from and what is kept aside.
            let json = try chaptersJSON(out)
            XCTAssertEqual(json["titles_from"] as? String, format == "epub3" ? "navigation document" : "NCX")
            let kept = try XCTUnwrap(json["kept_aside"] as? [[String: Any]])
            XCTAssertEqual(kept.first?["file"] as? String, "EPUB/text/title_page.xhtml")
            XCTAssertEqual(kept.first?["block"] as? Int, 1)
            XCTAssertEqual(kept.first?["text"] as? String, "望江楼的灯")
        }
    }

    /// A bad EPUB on the command line: exit 1, the file, the entry and what was expected.
    func testChaptersCommandNamesTheBrokenEntry() throws {
        let binary = try Fixtures.binary()
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = EPUBFixture()
        f.chapter("c1", href: "c1.xhtml", body: "<p>一。</p>")
        f.chapter("c2", href: "c2.xhtml", entry: "", body: "")
        let path = dir.appendingPathComponent("书.epub").path
        try f.data.write(to: URL(fileURLWithPath: path))
        let r = try ExternalTools.run(binary, ["chapters", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.output.contains("\(path): entry OEBPS/c2.xhtml: missing from the archive; expected the XHTML content document listed in the spine (item \"c2\")"), r.output)
    }

    func testCalibreEbookConvert() throws {
        let convert = try ExternalTools.find("ebook-convert", package: "calibre")
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // From the text file itself: Calibre's own paragraph and cover handling.
        let fromText = dir.appendingPathComponent("calibre-txt.epub").path
        var r = try ExternalTools.run(convert, [sample, fromText])
        XCTAssertEqual(r.status, 0, r.output)
        try assertSameBook(fromText, withPreface: true)
        // From Markdown with headings: Calibre's table of contents and file splitting.
        let fromMarkdown = dir.appendingPathComponent("calibre-md.epub").path
        r = try ExternalTools.run(convert, [try markdown(in: dir).path, fromMarkdown, "--formatting-type", "markdown", "--title", "望江楼的灯"])
        XCTAssertEqual(r.status, 0, r.output)
        let book = try BookReader.read(file: fromMarkdown)
        XCTAssertEqual(book.chapters.map(\.heading), ["第一章　渡口", "第二章　望江楼", "第三章　雨夜", "第四章　归舟"])
        try assertSameBook(fromMarkdown, withPreface: false)
    }
}
