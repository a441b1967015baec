/// Scoring for legacy CJK encodings. ICU's detector is weak on short texts, so the bytes are decoded
/// as each candidate and the decoding with more of the commonest characters wins: the right one is
/// dense in them (often a third of all characters), a wrong one yields rare or random characters.
enum LegacyScore {
    /// About 200 of the most frequent Chinese characters, simplified and traditional forms, plus
    /// full-width punctuation.
    static let common: Set<Unicode.Scalar> = Set(
        ("的一是不了人我在有他這这个個们們中來来上大為为和國国地到以說说時时要就出會会可也你對对生能而子那得於于著着下自之年過过發发後后作裡里用道行所然家事成方多經经麼么去如都同現现當当沒没動动面起看定天分還还進进好小其些心她本前開开但因只從从想日者無无它與与長长把十此已使情明知全三又兩两間间問问最重手向頭头見见被二等或新己身加月話话回老給给位次門门常先兒儿原聲声比名真走各入幾几口氣气更別别打女四何安少才王道玉寶宝黛賈贾曰吾汝乃矣耶"
        + "，。、；：？！「」『』“”《》（）…—").unicodeScalars)

    static func commonCharacters(_ text: String) -> Int {
        var n = 0
        for s in text.unicodeScalars.prefix(100_000) where common.contains(s) { n += 1 }
        return n
    }

    /// Whether a legacy decoding of `bytes` can be Chinese text. Not when under 5% of the bytes are
    /// non-ASCII and under a tenth of the characters they make are common ones: that is English
    /// with stray or Windows-1252 bytes (a Chinese text in the right encoding has about a third;
    /// a glossary of rare names has few common characters but many non-ASCII bytes).
    static func looksChinese(_ text: String, bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(400_000)
        if 20 * sample.reduce(0, { $0 + ($1 >= 0x80 ? 1 : 0) }) >= sample.count { return true }
        var nonASCII = 0, n = 0
        for s in text.unicodeScalars.prefix(100_000) where s.value >= 0x80 {
            nonASCII += 1
            if common.contains(s) { n += 1 }
        }
        return 10 * n >= nonASCII
    }

    /// True when valid multi-byte UTF-8 sequences far outnumber invalid bytes: the file is UTF-8
    /// with damage, not another encoding.
    static func looksLikeBrokenUTF8(_ bytes: [UInt8]) -> Bool {
        var valid = 0, invalid = 0
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            while i < n {
                if buffer[i] < 0x80 { i += 1; continue }
                let rest = UnsafeBufferPointer(rebasing: buffer[i..<min(n, i + 4)])
                let length = sequenceLength(rest)
                if length > 0 { valid += 1; i += length } else { invalid += 1; i += 1 }
            }
        }
        return valid >= 8 && valid >= 4 * invalid
    }

    /// Length of the well-formed UTF-8 sequence at the start of `b`, or 0.
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        let length: Int
        switch b[0] {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard b.count >= length else { return 0 }
        return UTF8Check.firstInvalidOffset(UnsafeBufferPointer(rebasing: b[0..<length])) == nil ? length : 0
    }
}
