/// Numbers as chapter headings write them: Chinese numerals (positional 一二零 and with units
/// 一百二十, 〇/零/两), Arabic and full-width digits, Roman numerals and English number words.
public enum Numerals {
    static let chineseDigits: [Unicode.Scalar: Int] = [
        "〇": 0, "○": 0, "◯": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
        "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4,
        "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
    ]
    static let chineseUnits: [Unicode.Scalar: Int] = ["十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000, "萬": 10000]

    /// Whether the scalar can appear in a heading's number.
    static func isNumeralScalar(_ s: Unicode.Scalar) -> Bool {
        chineseDigits[s] != nil || chineseUnits[s] != nil || digitValue(s) != nil
    }

    static func digitValue(_ s: Unicode.Scalar) -> Int? {
        switch s.value {
        case 0x30...0x39: return Int(s.value - 0x30)
        case 0xFF10...0xFF19: return Int(s.value - 0xFF10)
        default: return nil
        }
    }

    /// Parses a run of Chinese numerals or digits; nil when it is not a well-formed number.
    public static func parseChinese<S: Sequence>(_ scalars: S) -> Int? where S.Element == Unicode.Scalar {
        let s = Array(scalars)
        guard !s.isEmpty, s.count <= 12 else { return nil }
        if s.allSatisfy({ digitValue($0) != nil }) {
            return s.reduce(0) { $0 * 10 + digitValue($1)! }
        }
        if s.contains(where: { digitValue($0) != nil }) { return nil }
        if !s.contains(where: { chineseUnits[$0] != nil }) {
            // Positional form: 一二零 = 120, 二〇 = 20.
            guard s.allSatisfy({ chineseDigits[$0] != nil }) else { return nil }
            if s.count > 1 && chineseDigits[s[0]] == 0 { return nil }
            return s.reduce(0) { $0 * 10 + chineseDigits[$1]! }
        }
        var total = 0, section = 0, digit: Int? = nil
        var lastUnit = Int.max
        for c in s {
            if let d = chineseDigits[c] {
                if d == 0 { digit = nil; continue }
                if digit != nil { return nil }  // two digits in a row without a unit
                digit = d
            } else if let u = chineseUnits[c] {
                if u == 10000 {
                    section += digit ?? 0
                    guard section > 0 else { return nil }
                    total += section * 10000
                    section = 0; digit = nil; lastUnit = Int.max
                    continue
                }
                guard u < lastUnit else { return nil }  // 十百 is not a number
                section += (digit ?? (u == 10 ? 1 : 0)) * u
                if digit == nil && u != 10 { return nil }
                digit = nil
                lastUnit = u
            } else {
                return nil
            }
        }
        return total + section + (digit ?? 0)
    }

    /// Roman numerals I…MMMM (upper or lower case, not mixed); nil when malformed.
    public static func parseRoman(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 15 else { return nil }
        let upper = text.uppercased()
        guard text == upper || text == text.lowercased() else { return nil }
        let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000]
        var total = 0
        let chars = Array(upper)
        for (i, c) in chars.enumerated() {
            guard let v = values[c] else { return nil }
            if i + 1 < chars.count, let next = values[chars[i + 1]], next > v { total -= v } else { total += v }
        }
        // Accept only the canonical spelling (rejects "IIII", "VX", …).
        return roman(total) == upper ? total : nil
    }

    static func roman(_ n: Int) -> String {
        guard n > 0 else { return "" }
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                      (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var n = n, out = ""
        for (v, s) in table { while n >= v { out += s; n -= v } }
        return out
    }

    static let englishWords: [String: Int] = {
        let ones = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        let tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
        var table: [String: Int] = [:]
        for (i, w) in ones.enumerated() { table[w] = i + 1 }
        for (i, t) in tens.enumerated() {
            table[t] = (i + 2) * 10
            for j in 0..<9 { table["\(t)-\(ones[j])"] = (i + 2) * 10 + j + 1 }
        }
        return table
    }()

    /// "12", "XII", "xii" or "Twelve" as written after "Chapter".
    public static func parseEnglish(_ text: Substring) -> Int? {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(text) }
        if let r = parseRoman(text) { return r }
        return englishWords[text.lowercased()]
    }
}
