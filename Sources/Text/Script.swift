/// Character classes the layout rules need (which script a character belongs to).
enum Script {
    /// Han ideographs, kana, hangul and full-width forms: text written without spaces between words.
    @inline(__always)
    static func isWide(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x2E80...0x9FFF).contains(v) || (0xAC00...0xD7AF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFFEF).contains(v) || (0x20000...0x3FFFF).contains(v)
    }

    @inline(__always)
    static func isHan(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x3400...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x3FFFF).contains(v)
    }

    /// Whitespace including the ideographic space U+3000 and the BOM/zero-width no-break space.
    @inline(__always)
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v <= 0x20 { return v == 0x20 || (0x09...0x0D).contains(v) }
        if v < 0x85 { return false }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// Letters, digits and ideographs: what makes a piece of text more than punctuation.
    @inline(__always)
    static func isWordLike(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) }
        if isHan(s) { return true }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    static func trimmed(_ text: Substring) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return Substring(scalars[first...last])
    }

    static func trimmed(_ text: String) -> String { String(trimmed(Substring(text))) }

    /// True when the text is mostly Han (decides Chinese vs English rules for a whole book).
    static func isMostlyChinese(_ text: String) -> Bool {
        var han = 0, latin = 0
        for s in text.unicodeScalars.prefix(200_000) {
            let v = s.value
            if isHan(s) { han += 1 } else if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || (0xC0...0x24F).contains(v) { latin += 1 }
        }
        // A Chinese word is one or two characters, an English one about five letters.
        return han * 3 >= latin
    }

    /// A line made only of decoration such as "-----" or "＊＊＊".
    static func isSeparatorLine(_ line: Substring) -> Bool {
        var count = 0
        for s in line.unicodeScalars {
            if isSpace(s) { continue }
            guard "-—–=*_~·•#＊－＝～…．.".unicodeScalars.contains(s) else { return false }
            count += 1
        }
        return count >= 3
    }
}
