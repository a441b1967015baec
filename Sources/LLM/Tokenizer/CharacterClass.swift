/// The character classes the byte-level pre-tokenizer regexes ask about: `\p{L}`, `\p{N}` and `\s`
/// (Unicode White_Space, as Python's and Rust's regex and llama.cpp use it). They never overlap;
/// everything else (punctuation, symbols, marks, controls, unassigned) is `other`.
enum CharacterClass: UInt8 {
    case other = 0, letter = 1, number = 2, whitespace = 3

    /// The Unicode version whose assignments a peer's regex uses: a letter first assigned later is
    /// unassigned there, so `other`. Swift's own properties are newer (17.0); with these cuts they
    /// agree with each peer on every code point (checked against llama.cpp's tables and, by
    /// probing, Hugging Face tokenizers 0.23).
    enum UnicodeVersion: Sendable {
        /// llama.cpp's `unicode-data.cpp`.
        case v15_1
        /// Hugging Face tokenizers (Oniguruma).
        case v16_0

        /// The table bit marking characters assigned after this version.
        fileprivate var newerBit: UInt8 { self == .v15_1 ? 0x04 : 0x08 }
    }

    /// Per U+0000…U+FFFF, built once (a few milliseconds): the class in the low two bits, 0x04 if
    /// assigned after 15.1, 0x08 if after 16.0. The rest is classified on demand.
    private static let bmp: [UInt8] = (0..<0x10000).map { entry(UInt32($0)) }

    @inline(__always)
    static func of(_ scalar: UInt32, _ version: UnicodeVersion) -> CharacterClass {
        let e = scalar < 0x10000 ? bmp[Int(scalar)] : entry(scalar)
        return e & version.newerBit != 0 ? .other : CharacterClass(rawValue: e & 3)!
    }

    private static func entry(_ value: UInt32) -> UInt8 {
        guard let s = Unicode.Scalar(value) else { return 0 }  // surrogate code points
        let p = s.properties
        var bits: UInt8 = 0
        if let age = p.age {
            if age.major > 15 || (age.major == 15 && age.minor > 1) { bits |= 0x04 }
            if age.major > 16 { bits |= 0x08 }
        }
        if p.isWhitespace { return bits | CharacterClass.whitespace.rawValue }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return bits | CharacterClass.letter.rawValue
        case .decimalNumber, .letterNumber, .otherNumber:
            return bits | CharacterClass.number.rawValue
        default:
            return bits
        }
    }
}
