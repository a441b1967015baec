/// sacreBLEU's BLEU tokenizers (`tokenizers/tokenizer_*.py` in sacreBLEU 2.6.0), re-implemented
/// as scans over scalar arrays. Each regex pass of the Python code is a fixed-width pattern
/// applied left to right without overlap, which is exactly what the scans below do.
public enum BLEUTokenizer: String, CaseIterable, Sendable {
    case thirteenA = "13a"
    case intl
    case zh
    case char
    case none

    /// The name used in signatures and on the command line.
    public var signatureName: String { rawValue }

    /// Tokenizes a line that BLEU has already lowercased (if asked) and right-stripped. The result
    /// still contains whitespace; BLEU splits it with Python's rules.
    public func tokenize(_ line: [UInt32]) -> [UInt32] {
        switch self {
        case .thirteenA: return Self.tokenize13a(line)
        case .intl: return Self.tokenizeIntl(line)
        case .zh: return Self.tokenizeZh(line)
        case .char, .none: return line  // char: every non-space scalar becomes a token when split
        }
    }

    // MARK: 13a (mteval-v13a)

    private static let skipped = PythonText.scalars("<skipped>")
    private static let hyphenNewline: [UInt32] = [0x2D, 0x0A]

    static func tokenize13a(_ input: [UInt32]) -> [UInt32] {
        var line = input
        if line.contains(0x3C) { line = replaceAll(line, skipped, []) }
        if line.contains(0x0A) {
            line = replaceAll(line, hyphenNewline, [])
            line = replaceAll(line, [0x0A], [0x20])
        }
        if line.contains(0x26) {  // '&': the four entities, in sacreBLEU's order
            line = replaceAll(line, PythonText.scalars("&quot;"), [0x22])
            line = replaceAll(line, PythonText.scalars("&amp;"), [0x26])
            line = replaceAll(line, PythonText.scalars("&lt;"), [0x3C])
            line = replaceAll(line, PythonText.scalars("&gt;"), [0x3E])
        }
        var padded = [UInt32]()
        padded.reserveCapacity(line.count + 2)
        padded.append(0x20)
        padded.append(contentsOf: line)
        padded.append(0x20)
        return postTokenize(padded)
    }

    /// `TokenizerRegexp`: the four mteval regexes shared by 13a and zh.
    static func postTokenize(_ line: [UInt32]) -> [UInt32] {
        // 1. ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 "
        var a = [UInt32]()
        a.reserveCapacity(line.count * 2)
        for c in line {
            if isMtevalPunct(c) { a.append(0x20); a.append(c); a.append(0x20) } else { a.append(c) }
        }
        // 2. ([^0-9])([\.,]) -> "\1 \2 "
        let b = pairPass(a) { x, y in
            !isDigit(x) && isDotComma(y) ? (x, 0x20, y, 0x20) : nil
        }
        // 3. ([\.,])([^0-9]) -> " \1 \2"
        let c = pairPass(b) { x, y in
            isDotComma(x) && !isDigit(y) ? (0x20, x, 0x20, y) : nil
        }
        // 4. ([0-9])(-) -> "\1 \2 "
        return pairPass(c) { x, y in
            isDigit(x) && y == 0x2D ? (x, 0x20, 0x2D, 0x20) : nil
        }
    }

    /// One left-to-right, non-overlapping pass of a two-character pattern whose replacement is
    /// four characters (every mteval rule has that shape).
    @inline(__always)
    static func pairPass(_ input: [UInt32],
                         _ rule: (UInt32, UInt32) -> (UInt32, UInt32, UInt32, UInt32)?) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(input.count + input.count / 4 + 8)
        input.withUnsafeBufferPointer { src in
            var i = 0
            let n = src.count
            while i < n {
                if i + 1 < n, let r = rule(src[i], src[i + 1]) {
                    out.append(r.0); out.append(r.1); out.append(r.2); out.append(r.3)
                    i += 2
                } else {
                    out.append(src[i]); i += 1
                }
            }
        }
        return out
    }

    @inline(__always) static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isDotComma(_ c: UInt32) -> Bool { c == 0x2E || c == 0x2C }

    /// The ASCII-only class of 13a's first regex: `{|}~ [\]^_` space !"#$%& ()*+ :;<=>?@ /`.
    @inline(__always) static func isMtevalPunct(_ c: UInt32) -> Bool {
        switch c {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    static func replaceAll(_ s: [UInt32], _ pattern: [UInt32], _ replacement: [UInt32]) -> [UInt32] {
        let m = pattern.count
        guard m > 0, s.count >= m else { return s }
        var out = [UInt32]()
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + m <= s.count, s[i] == pattern[0], s[i..<(i + m)].elementsEqual(pattern) {
                out.append(contentsOf: replacement)
                i += m
            } else {
                out.append(s[i]); i += 1
            }
        }
        return out
    }

    // MARK: intl (mteval-v14 international)

    static func tokenizeIntl(_ line: [UInt32]) -> [UInt32] {
        let classes = line.map(UnicodeClass.init)
        // 1. (\P{N})(\p{P}) -> "\1 \2 "
        var a = [UInt32](), ca = [UnicodeClass]()
        a.reserveCapacity(line.count * 2); ca.reserveCapacity(line.count * 2)
        var i = 0
        while i < line.count {
            if i + 1 < line.count, classes[i] != .number, classes[i + 1] == .punctuation {
                a += [line[i], 0x20, line[i + 1], 0x20]
                ca += [classes[i], .other, classes[i + 1], .other]
                i += 2
            } else {
                a.append(line[i]); ca.append(classes[i]); i += 1
            }
        }
        // 2. (\p{P})(\P{N}) -> " \1 \2"
        var b = [UInt32](), cb = [UnicodeClass]()
        b.reserveCapacity(a.count + 16); cb.reserveCapacity(a.count + 16)
        i = 0
        while i < a.count {
            if i + 1 < a.count, ca[i] == .punctuation, ca[i + 1] != .number {
                b += [0x20, a[i], 0x20, a[i + 1]]
                cb += [.other, ca[i], .other, ca[i + 1]]
                i += 2
            } else {
                b.append(a[i]); cb.append(ca[i]); i += 1
            }
        }
        // 3. (\p{S}) -> " \1 "
        var c = [UInt32]()
        c.reserveCapacity(b.count + 16)
        for (k, v) in b.enumerated() {
            if cb[k] == .symbol { c += [0x20, v, 0x20] } else { c.append(v) }
        }
        return c
    }

    /// The general-category groups the intl regexes test (`\p{N}`, `\p{P}`, `\p{S}`).
    enum UnicodeClass: UInt8 {
        case number, punctuation, symbol, other

        init(_ c: UInt32) {
            if c < 0x80 {
                switch c {
                case 0x30...0x39: self = .number
                case 0x24, 0x2B, 0x3C...0x3E, 0x5E, 0x60, 0x7C, 0x7E: self = .symbol
                case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: self = .punctuation
                default: self = .other
                }
                return
            }
            switch Unicode.Scalar(c)!.properties.generalCategory {
            case .decimalNumber, .letterNumber, .otherNumber: self = .number
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation: self = .punctuation
            case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: self = .symbol
            default: self = .other
            }
        }
    }

    // MARK: zh

    static func tokenizeZh(_ input: [UInt32]) -> [UInt32] {
        var line = input
        PythonText.strip(&line)
        var spaced = [UInt32]()
        spaced.reserveCapacity(line.count * 3)
        for c in line {
            if isChineseChar(c) { spaced += [0x20, c, 0x20] } else { spaced.append(c) }
        }
        return postTokenize(spaced)
    }

    /// sacreBLEU's `_UCODE_RANGES`, including its quirk: the two Extension B / Compatibility
    /// Supplement bounds are written as 5-hex-digit `\u` escapes, which Python reads as two
    /// characters and compares as strings. That turns them into U+2001–U+2A6D and U+2F81–U+2FA1,
    /// so curly quotes and dashes count as Chinese while Extension B ideographs do not.
    @inline(__always) public static func isChineseChar(_ c: UInt32) -> Bool {
        if c < 0x2001 || c > 0xFFEF { return false }
        switch c {
        case 0x3400...0x4DB5, 0x4E00...0x9FBB, 0xF900...0xFA2D, 0xFA30...0xFA6A, 0xFA70...0xFAD9,
             0x2001...0x2A6D, 0x2F81...0x2FA1, 0xFF00...0xFFEF, 0x2E80...0x2EFF, 0x3000...0x303F,
             0x31C0...0x31EF, 0x2F00...0x2FDF, 0x2FF0...0x2FFF, 0x3100...0x312F, 0x31A0...0x31BF,
             0xFE10...0xFE1F, 0xFE30...0xFE4F, 0x2600...0x26FF, 0x2700...0x27BF, 0x3200...0x32FF,
             0x3300...0x33FF:
            return true
        default:
            return false
        }
    }
}
