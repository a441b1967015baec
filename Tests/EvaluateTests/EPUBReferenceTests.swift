import Evaluate
import Foundation
import Text
import XCTest

/// A reference translation given as an EPUB is read as a book: chapters by their numbers.
final class EPUBReferenceTests: XCTestCase {
    func testEPUBReferenceGivesNumberedChapters() throws {
        let xhtml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>
        <h1>Chapter 1: The Ferry</h1><p>The river ran past the town. It was cold.</p>
        <h1>Chapter 2: The Inn</h1><p>The inn stood at the east end.</p></body></html>
        """
        let opf = """
        <?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="i">
        <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="i">x</dc:identifier><dc:title>T</dc:title><dc:language>en</dc:language></metadata>
        <manifest><item id="b" href="book.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="b"/></spine></package>
        """
        let data = try EPUBZipWriter.build([
            .init(path: "META-INF/container.xml", data: Data("""
            <?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
            <rootfiles><rootfile full-path="book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
            """.utf8)),
            .init(path: "book.opf", data: Data(opf.utf8)), .init(path: "book.xhtml", data: Data(xhtml.utf8)),
        ])
        let path = NSTemporaryDirectory() + "yanfu-epub-reference-\(getpid()).epub"
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = try ChapteredText.reference(path, runs: [])
        XCTAssertEqual(reference.kind, .book)
        XCTAssertEqual(reference.order, [1, 2])
        XCTAssertEqual(reference.chapters[1], ["Chapter 1: The Ferry", "The river ran past the town.", "It was cold."])
        XCTAssertEqual(reference.chapters[2], ["Chapter 2: The Inn", "The inn stood at the east end."])
    }
}
