import CICU
import Foundation
import XCTest

/// The CICU shim on its own (no Text module): conversion, detection, breaks, normalization,
/// transliteration. Fixtures come from Python's codecs (Eval/text/make_encoding_fixtures.py).
/// A NUL-terminated C buffer as a Swift string.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

final class ICUShimTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/text/encodings")

    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    /// Strict conversion to UTF-8; returns the text or the invalid offset.
    func convert(_ input: [UInt8], from charset: String, lossy: Bool = false) -> (text: String?, invalid: Int32, replacements: Int32, status: Int32) {
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0, invalid: Int32 = 0, replacements: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        let status = input.withUnsafeBufferPointer {
            yicu_to_utf8(charset, $0.baseAddress, Int32($0.count), lossy ? 1 : 0, &out, &length, &invalid, &replacements, &err, err.count)
        }
        defer { yicu_free(out) }
        let text = out.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self) }
        return (status == Int32(YICU_OK) ? text : nil, invalid, replacements, status)
    }

    func testVersionIsICU72() {
        var buffer = [CChar](repeating: 0, count: 32)
        XCTAssertEqual(yicu_version(&buffer, buffer.count), Int32(YICU_OK))
        let version = cString(buffer)
        XCTAssertTrue(version.hasPrefix("72."), version)
    }

    func testGB18030AndBig5DecodeToTheSameText() throws {
        let expected = String(decoding: try bytes("sample.utf8.txt"), as: UTF8.self)
        let crlf = expected.replacingOccurrences(of: "\n", with: "\r\n")
        for (file, charset) in [("sample.gb18030.txt", "GB18030"), ("sample.gbk.txt", "GBK"), ("sample.big5.txt", "Big5")] {
            let result = convert(try bytes(file), from: charset)
            XCTAssertEqual(result.text, crlf, file)
        }
        // Decoding with the wrong legacy encoding does not give the text back.
        XCTAssertNotEqual(convert(try bytes("sample.big5.txt"), from: "GB18030").text, crlf)
    }

    func testDetectorRanksTheRightEncodingFirst() throws {
        for (file, charset) in [("sample.gb18030.txt", "GB18030"), ("sample.big5.txt", "Big5"), ("sample.utf8.txt", "UTF-8")] {
            var out = [CChar](repeating: 0, count: 512)
            var err = [CChar](repeating: 0, count: 256)
            let input = try bytes(file)
            let status = input.withUnsafeBufferPointer { yicu_detect($0.baseAddress, Int32($0.count), 3, &out, out.count, &err, err.count) }
            XCTAssertEqual(status, Int32(YICU_OK))
            let first = cString(out).split(separator: "\n").first.map { String($0.split(separator: " ")[0]) }
            XCTAssertEqual(first, charset, "\(file): \(cString(out))")
        }
    }

    func testStrictConversionReportsTheFirstInvalidOffset() throws {
        let input = try bytes("bad.gb18030.txt")
        let result = convert(input, from: "GB18030")
        XCTAssertEqual(result.status, Int32(YICU_INVALID_BYTES))
        XCTAssertEqual(result.invalid, 82)  // computed by the fixture script
        let lossy = convert(input, from: "GB18030", lossy: true)
        XCTAssertEqual(lossy.status, Int32(YICU_OK))
        XCTAssertEqual(lossy.replacements, 1)
        XCTAssertEqual(lossy.text?.filter { $0 == "\u{FFFD}" }.count, 1)
        // A truncated multi-byte sequence at the very end is invalid too.
        let truncated = convert([0x41, 0xB0], from: "GB18030")
        XCTAssertEqual(truncated.status, Int32(YICU_INVALID_BYTES))
        XCTAssertEqual(truncated.invalid, 1)
    }

    func testUnknownConverterIsReported() {
        XCTAssertEqual(convert([0x41], from: "no-such-charset").status, Int32(YICU_UNKNOWN_NAME))
    }

    func testRoundTripThroughFromUTF8() {
        let text = Array("紅樓夢，第一回。".utf8)
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(yicu_from_utf8("Big5", text, Int32(text.count), &out, &length, &err, err.count), Int32(YICU_OK))
        let big5 = Array(UnsafeBufferPointer(start: out, count: Int(length)))
        yicu_free(out)
        XCTAssertEqual(big5.count, 16)  // 8 characters, two bytes each
        XCTAssertEqual(convert(big5, from: "Big5").text, "紅樓夢，第一回。")
        // A character Big5 lacks is an error, not a silent '?'.
        let simplified = Array("红".utf8)
        XCTAssertEqual(yicu_from_utf8("Big5", simplified, Int32(simplified.count), &out, &length, &err, err.count), Int32(YICU_ERROR))
    }

    func boundaries(_ text: String, kind: Int32, locale: String) -> [String] {
        var breaker: OpaquePointer?
        var err = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(yicu_breaker_open(kind, locale, &breaker, &err, err.count), Int32(YICU_OK))
        defer { yicu_breaker_close(breaker) }
        let utf8 = Array(text.utf8)
        var offsets: UnsafeMutablePointer<Int32>?
        var count: Int32 = 0
        XCTAssertEqual(yicu_breaker_utf8(breaker, utf8, Int32(utf8.count), &offsets, &count, &err, err.count), Int32(YICU_OK))
        defer { yicu_free(offsets) }
        let cuts = (0..<Int(count)).map { Int(offsets![$0]) }
        return zip(cuts, cuts.dropFirst()).map { String(decoding: utf8[$0..<$1], as: UTF8.self) }
    }

    func testSplitsAChineseParagraphIntoSentences() {
        let paragraph = "話說山下有一個小村。老人每天都要上山看雲！你去過嗎？他說：「去過。」她笑了。"
        XCTAssertEqual(boundaries(paragraph, kind: Int32(YICU_BREAK_SENTENCE), locale: "zh"),
                       ["話說山下有一個小村。", "老人每天都要上山看雲！", "你去過嗎？", "他說：「去過。」", "她笑了。"])
    }

    func testWordBreaksOverUTF16() {
        let text = Array("Hello world".utf16)
        var breaker: OpaquePointer?
        var err = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(yicu_breaker_open(Int32(YICU_BREAK_WORD), "en", &breaker, &err, err.count), Int32(YICU_OK))
        defer { yicu_breaker_close(breaker) }
        var offsets: UnsafeMutablePointer<Int32>?
        var count: Int32 = 0
        XCTAssertEqual(yicu_breaker_utf16(breaker, text, Int32(text.count), &offsets, &count, &err, err.count), Int32(YICU_OK))
        defer { yicu_free(offsets) }
        XCTAssertEqual((0..<Int(count)).map { offsets![$0] }, [0, 5, 6, 11])
    }

    func transform(_ text: String, _ call: (UnsafePointer<UInt8>, Int32, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
        let utf8 = Array(text.utf8)
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        let status = utf8.withUnsafeBufferPointer { call($0.baseAddress!, Int32($0.count), &out, &length, &err, err.count) }
        defer { yicu_free(out) }
        guard status == Int32(YICU_OK), let out else { return nil }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }

    func testTraditionalToSimplifiedAndBack() {
        var t2s: OpaquePointer?, s2t: OpaquePointer?
        var err = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(yicu_translit_open("Traditional-Simplified", &t2s, &err, err.count), Int32(YICU_OK))
        XCTAssertEqual(yicu_translit_open("Simplified-Traditional", &s2t, &err, err.count), Int32(YICU_OK))
        defer { yicu_translit_close(t2s); yicu_translit_close(s2t) }
        XCTAssertEqual(transform("紅樓夢") { yicu_translit_utf8(t2s, $0, $1, $2, $3, $4, $5) }, "红楼梦")
        XCTAssertEqual(transform("红楼梦") { yicu_translit_utf8(s2t, $0, $1, $2, $3, $4, $5) }, "紅樓夢")
        var bad: OpaquePointer?
        XCTAssertEqual(yicu_translit_open("No-Such-Transform", &bad, &err, err.count), Int32(YICU_UNKNOWN_NAME))
    }

    func testNormalization() {
        XCTAssertEqual(transform("ＡＢＣ１２３，ｆｉ") { yicu_normalize_utf8(Int32(YICU_NFKC), $0, $1, $2, $3, $4, $5) }, "ABC123,fi")
        XCTAssertEqual(transform("e\u{301}") { yicu_normalize_utf8(Int32(YICU_NFC), $0, $1, $2, $3, $4, $5) }, "é")
        XCTAssertEqual(transform("é") { yicu_normalize_utf8(Int32(YICU_NFD), $0, $1, $2, $3, $4, $5) }, "e\u{301}")
    }
}
