import Text
import XCTest

final class NumeralsTests: XCTestCase {
    func testChineseNumerals() {
        let cases: [(String, Int?)] = [
            ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百二十", 120), ("一百零五", 105), ("两百", 200),
            ("一二零", 120), ("一〇〇", 100), ("一○一", 101), ("三千零一", 3001), ("一万两千", 12000),
            ("12", 12), ("１２", 12), ("九十九", 99), ("二百五十", 250),
            ("十百", nil), ("一二十", nil), ("1二", nil), ("", nil), ("百", nil),
        ]
        for (text, value) in cases {
            XCTAssertEqual(Numerals.parseChinese(text.unicodeScalars), value, text)
        }
    }

    func testRomanAndEnglishNumbers() {
        XCTAssertEqual(Numerals.parseRoman("IV"), 4)
        XCTAssertEqual(Numerals.parseRoman("XXVII"), 27)
        XCTAssertEqual(Numerals.parseRoman("xxx"), 30)
        XCTAssertEqual(Numerals.parseRoman("MCMXCIV"), 1994)
        XCTAssertNil(Numerals.parseRoman("IIII"))
        XCTAssertNil(Numerals.parseRoman("VX"))
        XCTAssertNil(Numerals.parseRoman("Xi"))
        XCTAssertEqual(Numerals.parseEnglish("12"), 12)
        XCTAssertEqual(Numerals.parseEnglish("Twelve"), 12)
        XCTAssertEqual(Numerals.parseEnglish("forty-two"), 42)
        XCTAssertNil(Numerals.parseEnglish("of"))
    }
}
