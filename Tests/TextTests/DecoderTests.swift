import Foundation
import Text
import XCTest

/// Bytes to text: every supported encoding of the same book decodes to the same text.
final class DecoderTests: XCTestCase {
    let expected = try! String(contentsOfFile: Fixtures.path("encodings/sample.utf8.txt"), encoding: .utf8)

    func testEveryEncodingDecodesToTheSameText() throws {
        let cases = [
            ("sample.utf8.txt", "UTF-8"), ("sample.crlf.utf8bom.txt", "UTF-8"), ("sample.cr.txt", "UTF-8"),
            ("sample.utf16le.txt", "UTF-16LE"), ("sample.utf16be.txt", "UTF-16BE"),
            ("sample.gb18030.txt", "GB18030"), ("sample.gbk.txt", "GB18030"), ("sample.big5.txt", "Big5"),
        ]
        for (file, encoding) in cases {
            let decoded = try TextDecoder.read(file: Fixtures.path("encodings/\(file)"))
            XCTAssertEqual(decoded.text, expected, file)
            XCTAssertEqual(decoded.encoding, encoding, file)
            XCTAssertEqual(decoded.warnings, [], file)
        }
    }

    func testEncodingOverride() throws {
        let gbk = Fixtures.path("encodings/sample.gbk.txt")
        XCTAssertEqual(try TextDecoder.read(file: gbk, options: DecodeOptions(encoding: "gbk")).text, expected)
        // Forcing the wrong encoding fails strictly instead of producing garbage.
        XCTAssertThrowsError(try TextDecoder.read(file: Fixtures.path("encodings/sample.big5.txt"), options: DecodeOptions(encoding: "UTF-8")))
        XCTAssertThrowsError(try TextDecoder.read(file: gbk, options: DecodeOptions(encoding: "klingon"))) { error in
            XCTAssertEqual(error as? TextError, .unknownEncoding(name: "klingon"))
        }
    }

    func expectedDamage(_ name: String) throws -> (offset: Int, line: Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("encodings/expected.json")))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: [String: Int]]
        return (json[name]!["offset"]!, json[name]!["line"]!)
    }

    func testInvalidBytesNameOffsetAndLine() throws {
        for (file, encoding) in [("bad.gb18030.txt", "GB18030"), ("bad.utf8.txt", "UTF-8")] {
            let path = Fixtures.path("encodings/\(file)")
            let damage = try expectedDamage(file)
            XCTAssertThrowsError(try TextDecoder.read(file: path)) { error in
                XCTAssertEqual(error as? TextError, .invalidBytes(file: path, encoding: encoding, offset: damage.offset, line: damage.line))
                XCTAssertTrue("\(error)".contains("byte offset \(damage.offset) (line \(damage.line))"), "\(error)")
            }
            let lossy = try TextDecoder.read(file: path, options: DecodeOptions(lossy: true))
            XCTAssertEqual(lossy.encoding, encoding)
            XCTAssertEqual(lossy.replacements, 1)
            XCTAssertEqual(lossy.text.replacingOccurrences(of: "\u{FFFD}", with: ""), expected)
            XCTAssertTrue(lossy.warnings.first?.contains("replaced 1 invalid") == true, "\(lossy.warnings)")
        }
    }

    func testForcedUTF16UsesTheByteOrderMark() throws {
        for file in ["sample.utf16le.txt", "sample.utf16be.txt"] {
            let decoded = try TextDecoder.read(file: Fixtures.path("encodings/\(file)"), options: DecodeOptions(encoding: "utf-16"))
            XCTAssertEqual(decoded.text, expected, file)
            XCTAssertTrue(decoded.hadByteOrderMark)
        }
        XCTAssertEqual(try TextDecoder.read(file: Fixtures.path("encodings/sample.big5.txt"), options: DecodeOptions(encoding: "big5")).encoding, "Big5")
        let noBOM = Array(try ICU.encode("Chapter 1\nIt was a dark night.\n", as: "UTF-16LE"))
        XCTAssertEqual(try TextDecoder.decode(noBOM, options: DecodeOptions(encoding: "UTF-16LE")).text, "Chapter 1\nIt was a dark night.\n")
    }

    func testUTF16WithoutAByteOrderMarkIsRecognised() throws {
        for text in ["Chapter 1\nIt was a dark night.\n", expected] {
            for encoding in ["UTF-16LE", "UTF-16BE"] {
                let decoded = try TextDecoder.decode(try ICU.encode(text, as: encoding), file: "x.txt")
                XCTAssertEqual(decoded.text, text, encoding)
                XCTAssertEqual(decoded.encoding, encoding)
                XCTAssertTrue(decoded.warnings.first?.contains("no byte-order mark; read as \(encoding)") == true, "\(decoded.warnings)")
            }
        }
        // Odd length: not UTF-16; the NUL still marks it as binary, with the hint.
        let odd = Array(try ICU.encode("Chapter 1\nIt was a dark night.\n", as: "UTF-16LE")) + [0x41]
        XCTAssertThrowsError(try TextDecoder.decode(odd, file: "x.txt")) { error in
            XCTAssertTrue("\(error)".contains("pass --encoding UTF-16LE"), "\(error)")
        }
    }

    func testInvalidUTF16IsReportedInBytes() {
        // BOM, "A", then a lone low surrogate.
        XCTAssertThrowsError(try TextDecoder.decode([0xFF, 0xFE, 0x41, 0x00, 0x0A, 0x00, 0x00, 0xDC], file: "u16")) { error in
            XCTAssertEqual(error as? TextError, .invalidBytes(file: "u16", encoding: "UTF-16LE", offset: 6, line: 2))
        }
    }

    func testEmptyAndBlankFilesAreClearErrors() {
        for bytes in [[], [0xEF, 0xBB, 0xBF], Array(" \n\u{3000}\n".utf8)] as [[UInt8]] {
            XCTAssertThrowsError(try TextDecoder.decode(bytes, file: "empty.txt")) { error in
                XCTAssertEqual(error as? TextError, .empty(file: "empty.txt"))
                XCTAssertEqual("\(error)", "empty.txt: the file is empty; expected text")
            }
        }
        let directory = Fixtures.path("encodings")
        XCTAssertThrowsError(try BookReader.read(file: directory)) { error in
            XCTAssertEqual(error as? TextError, .unreadable(file: directory, reason: "it is a directory"))
        }
        XCTAssertThrowsError(try BookReader.read(file: "/nonexistent/book.txt")) { error in
            XCTAssertEqual(error as? TextError, .unreadable(file: "/nonexistent/book.txt", reason: "no such file"))
        }
    }

    func testBinaryFileIsRejected() {
        let path = Fixtures.path("encodings/binary.bin")
        XCTAssertThrowsError(try BookReader.read(file: path)) { error in
            guard case let .binary(file, offset, reason)? = error as? TextError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
            XCTAssertEqual(offset, 8)
            XCTAssertEqual(reason, "NUL byte")
        }
        // Control characters without NUL bytes.
        let controls = [UInt8]((0..<200).map { UInt8($0 % 2 == 0 ? 0x41 : 0x01 + UInt8($0 % 7)) })
        XCTAssertThrowsError(try TextDecoder.decode(controls, file: "c.bin")) { error in
            guard case .binary? = error as? TextError else { return XCTFail("\(error)") }
        }
    }

    /// English with one stray byte, or in Windows-1252, is not taken for a Chinese legacy encoding
    /// (Big5 and GB18030 accept such bytes, yielding rare characters).
    func testEnglishWithStrayBytesIsNotReadAsChinese() throws {
        let english = "CHAPTER I.\n\nThe cat sat on the mat — and said nothing. The dog looked at it for a long "
            + "while, then went back to sleep by the fire. Outside, the rain kept falling on the old town.\n"
        var stray = Array(english.utf8)
        stray.insert(0xFF, at: 12)
        XCTAssertThrowsError(try TextDecoder.decode(stray, file: "en.txt")) { error in
            XCTAssertEqual(error as? TextError, .invalidBytes(file: "en.txt", encoding: "UTF-8", offset: 12, line: 3))
        }
        let lossy = try TextDecoder.decode(stray, file: "en.txt", options: DecodeOptions(lossy: true))
        XCTAssertEqual(lossy.encoding, "UTF-8")
        XCTAssertEqual(lossy.text.replacingOccurrences(of: "\u{FFFD}", with: ""), english)
        let cp1252 = try ICU.encode(english, as: "windows-1252")
        XCTAssertThrowsError(try TextDecoder.decode(cp1252, file: "en.txt")) { error in
            XCTAssertEqual(error as? TextError, .invalidBytes(file: "en.txt", encoding: "UTF-8", offset: 35, line: 3))
        }
        XCTAssertEqual(try TextDecoder.decode(cp1252, options: DecodeOptions(encoding: "windows-1252")).text, english)
        // A short GBK glossary of rare names (no common character among them) is still Chinese.
        let glossary = "薛蟠\tXue Pan\n秦钟\tQin Zhong\n"
        XCTAssertEqual(try TextDecoder.decode(try ICU.encode(glossary, as: "GB18030")).text, glossary)
    }

    func testLegacyDetectionOnShortTexts() throws {
        // Short texts are where ICU's own detector guesses wrong; both must still decode right.
        for text in ["你好。", "寶玉聽了，心中大喜。", "第一回　甄士隱夢幻識通靈"] {
            for encoding in ["GB18030", "Big5"] {
                let bytes = try ICU.encode(text, as: encoding)
                let decoded = try TextDecoder.decode(bytes)
                XCTAssertEqual(decoded.text, text, "\(text) in \(encoding)")
            }
        }
    }
}
