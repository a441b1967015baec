/// Python `str` semantics that sacreBLEU relies on, over Unicode scalar values (UInt32).
///
/// sacreBLEU splits, strips and lowercases with Python's rules, which differ from Swift's:
/// `str.split()` also breaks on U+001C–U+001F, and `str.lower()` applies the Final_Sigma rule.
/// Working on scalar arrays (not `Character`s) keeps the hot loops cheap and grapheme-agnostic.
public enum PythonText {
    /// Python's `str.isspace()` set (`Py_UNICODE_ISSPACE`): 29 code points.
    @inline(__always)
    public static func isWhitespace(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) }
        switch c {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The scalars of `s` as UInt32 values.
    @inline(__always)
    public static func scalars(_ s: String) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars { out.append(u.value) }
        return out
    }

    /// `str.rstrip()`.
    public static func rstrip(_ s: inout [UInt32]) {
        while let last = s.last, isWhitespace(last) { s.removeLast() }
    }

    /// `str.strip()`.
    public static func strip(_ s: inout [UInt32]) {
        rstrip(&s)
        var start = 0
        while start < s.count, isWhitespace(s[start]) { start += 1 }
        if start > 0 { s.removeFirst(start) }
    }

    /// Calls `body` with the bounds of each token of `str.split()` (runs of non-whitespace).
    @inline(__always)
    public static func forEachToken(_ s: [UInt32], _ body: (Range<Int>) -> Void) {
        var i = 0
        let n = s.count
        while i < n {
            while i < n, isWhitespace(s[i]) { i += 1 }
            if i == n { break }
            let start = i
            while i < n, !isWhitespace(s[i]) { i += 1 }
            body(start..<i)
        }
    }

    /// `str.lower()`: full lowercase mappings plus the Final_Sigma context rule for U+03A3.
    public static func lower(_ s: [UInt32]) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            if c < 0x80 {
                out.append(c >= 0x41 && c <= 0x5A ? c + 32 : c)
            } else if c == 0x3A3 {
                out.append(isFinalSigma(s, at: i) ? 0x3C2 : 0x3C3)
            } else {
                let scalar = Unicode.Scalar(c)!
                for m in scalar.properties.lowercaseMapping.unicodeScalars { out.append(m.value) }
            }
        }
        return out
    }

    /// CPython's `handle_capital_sigma`: a cased letter (skipping case-ignorables) before,
    /// and none after.
    private static func isFinalSigma(_ s: [UInt32], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0, props(s[j]).isCaseIgnorable { j -= 1 }
        guard j >= 0, props(s[j]).isCased else { return false }
        j = i + 1
        while j < s.count, props(s[j]).isCaseIgnorable { j += 1 }
        return j == s.count || !props(s[j]).isCased
    }

    private static func props(_ c: UInt32) -> Unicode.Scalar.Properties { Unicode.Scalar(c)!.properties }
}
