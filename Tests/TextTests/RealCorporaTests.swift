import Foundation
import Text
import XCTest

/// The acceptance checks on the shared real corpora (skipped when they are absent).
final class RealCorporaTests: XCTestCase {
    func testHongloumengChineseHasChapters1To30WithTitles() throws {
        let book = try BookReader.read(file: try Fixtures.corpus("hongloumeng/zh.txt"))
        XCTAssertEqual(book.chapters.map(\.number), (1...30).map { Optional($0) })
        XCTAssertEqual(book.chapters.map(\.index), Array(1...30))
        XCTAssertEqual(book.chapters[0].title, "甄士隱夢幻識通靈　賈雨村風塵怀閨秀")
        XCTAssertEqual(book.chapters[2].title, "賈雨村夤緣复舊職　林黛玉拋父進京都")  // title under the heading
        XCTAssertEqual(book.chapters[29].title, "寶釵借扇机帶雙敲　齡官划薔痴及局外")
        XCTAssertTrue(book.chapters.allSatisfy { !$0.title.isEmpty })
        // Line 946, "第四回中既將…", is body text inside chapter 5 and is reported.
        XCTAssertEqual(book.rejectedHeadings.map(\.line), [946])
        XCTAssertTrue(book.chapters[4].paragraphs[0].text.hasPrefix("第四回中既將薛家母子"))
        XCTAssertNil(book.preface)
        XCTAssertTrue(Coverage.isComplete(book))
    }

    func testHongloumengEnglishHasChaptersIToXXX() throws {
        let book = try BookReader.read(file: try Fixtures.corpus("hongloumeng/en.txt"))
        XCTAssertEqual(book.language, .english)
        XCTAssertEqual(book.chapters.map(\.number), (1...30).map { Optional($0) })
        XCTAssertEqual(book.chapters[26].heading, "CHAPTER XXVII")
        XCTAssertEqual(book.chapters[0].title, "Chen Shih-yin, in a vision, apprehends perception and spirituality. Chia Yü-ts'un, in the (windy and dusty) world, cherishes fond thoughts of a beautiful maiden.")
        XCTAssertEqual(book.volumes.map(\.heading), ["BOOK II"])
        XCTAssertTrue(Coverage.isComplete(book))
    }

    func testSanguoHas120Chapters() throws {
        let book = try BookReader.read(file: try Fixtures.corpus("sanguo/zh.txt"))
        XCTAssertEqual(book.chapters.map(\.number), (1...120).map { Optional($0) })
        XCTAssertEqual(book.chapters[99].heading.prefix(5), "第一○○回")
        XCTAssertEqual(book.chapters[119].title, "薦杜預老將獻新謀，降孫皓三分歸一統")
        XCTAssertEqual(book.rejectedHeadings, [])
        XCTAssertTrue(Coverage.isComplete(book))
    }

    /// Same structure from GB18030, Big5 and UTF-16 copies made through ICU.
    func testReEncodedCopiesGiveIdenticalBooks() throws {
        let path = try Fixtures.corpus("hongloumeng/zh.txt")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let reference = try BookReader.read(file: path)
        for encoding in ["GB18030", "UTF-16LE", "UTF-16BE"] {
            let bom: [UInt8] = encoding == "UTF-16LE" ? [0xFF, 0xFE] : encoding == "UTF-16BE" ? [0xFE, 0xFF] : []
            let bytes = bom + (try ICU.encode(text, as: encoding))
            let book = try BookReader.read(bytes: bytes, file: "\(encoding) copy")
            XCTAssertEqual(book.encoding, encoding)
            XCTAssertEqual(book.chapters, reference.chapters, encoding)
            XCTAssertEqual(book.rejectedHeadings, reference.rejectedHeadings, encoding)
        }
        // Big5 lacks a few characters of this machine-converted text (爲, 槅): replace them first.
        var missing = Set<Character>()
        for c in Set(text) where (try? ICU.encode(String(c), as: "Big5")) == nil { missing.insert(c) }
        XCTAssertLessThan(missing.count, 10)
        text = String(text.map { missing.contains($0) ? "□" : $0 })
        let big5Reference = try BookReader.parse(text: text)
        let big5 = try BookReader.read(bytes: try ICU.encode(text, as: "Big5"), file: "Big5 copy")
        XCTAssertEqual(big5.encoding, "Big5")
        XCTAssertEqual(big5.chapters, big5Reference.chapters)
        XCTAssertEqual(big5.chapters.map(\.number), reference.chapters.map(\.number))
    }

    func testChapterAlignedHongloumeng() throws {
        let pair = try ChapterAlignedBooks.read(source: try Fixtures.corpus("hongloumeng/zh.txt"), target: try Fixtures.corpus("hongloumeng/en.txt"))
        XCTAssertEqual(pair.pairs.map(\.number), Array(1...30))
        XCTAssertEqual(pair.sourceOnly, [])
        XCTAssertEqual(pair.targetOnly, [])
        XCTAssertEqual(pair.pairs[26].target.heading, "CHAPTER XXVII")
    }

    func testTatoebaPairs() throws {
        let pairs = try TSVPairs.tatoeba(file: try Fixtures.corpus("tatoeba/cmn.txt"))
        XCTAssertEqual(pairs.pairs.count, 29155)
        XCTAssertEqual(pairs.pairs[0].target, "Hi.")
        XCTAssertEqual(pairs.pairs[0].source, "嗨。")
        XCTAssertTrue(pairs.pairs[0].extra[0].hasPrefix("CC-BY 2.0 (France) Attribution: tatoeba.org"))
    }
}
