import CICU

/// Splits a paragraph into sentences: ICU's sentence breaks, corrected where ICU gets fiction wrong
/// (abbreviations like "Dr.", quotations of several sentences, stray closing punctuation, ellipses).
/// Not thread-safe: use one splitter per thread.
public final class SentenceSplitter {
    /// A sentence's text and its byte range in the string given to `split`.
    public struct Span: Sendable, Equatable {
        public var text: String
        public var range: Range<Int>
    }

    public let language: Book.Language
    /// Quotations longer than this (in characters) may be split inside.
    public var maximumQuotation = 150
    private let breaker: OpaquePointer

    public init(language: Book.Language = .chinese) throws {
        self.language = language
        var handle: OpaquePointer?
        try ICU.call("sentence break iterator") { err, cap in
            yicu_breaker_open(Int32(YICU_BREAK_SENTENCE), language == .chinese ? "zh" : "en", &handle, err, cap)
        }
        breaker = handle!
    }

    deinit { yicu_breaker_close(breaker) }

    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "prof", "capt", "col", "gen", "lt", "rev", "hon",
        "messrs", "vs", "e.g", "i.e", "cf", "sgt", "gov", "mme", "mlle", "esq", "bros", "ft", "ave",
    ]
    static let openQuotes: Set<Unicode.Scalar> = ["“", "「", "『", "《"]
    static let closeQuotes: Set<Unicode.Scalar> = ["”", "」", "』", "》"]
    static let closers: Set<Unicode.Scalar> = ["”", "’", "」", "』", "》", "）", ")", "\"", "'", "】", "〕"]

    /// ICU's raw boundaries (byte offsets, 0 and the end included).
    public func icuBoundaries(_ text: String) -> [Int] {
        var text = text
        return text.withUTF8 { buffer -> [Int] in
            var offsets: UnsafeMutablePointer<Int32>?
            var count: Int32 = 0
            var err = [CChar](repeating: 0, count: 128)
            let status = yicu_breaker_utf8(breaker, buffer.baseAddress, Int32(buffer.count), &offsets, &count, &err, err.count)
            guard status == Int32(YICU_OK), let offsets else { return [0, buffer.count] }
            defer { yicu_free(offsets) }
            return (0..<Int(count)).map { Int(offsets[$0]) }
        }
    }

    public func split(_ text: String) -> [Span] {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return [] }
        // offsets[i] = byte offset of scalar i; offsets[count] = end.
        var offsets = [Int](repeating: 0, count: scalars.count + 1)
        var o = 0
        for (i, s) in scalars.enumerated() { offsets[i] = o; o += UTF8.width(s) }
        offsets[scalars.count] = o
        var scalarIndex: [Int: Int] = [:]
        for (i, off) in offsets.enumerated() { scalarIndex[off] = i }

        let cuts = icuBoundaries(text).compactMap { scalarIndex[$0] }
        var segments: [Range<Int>] = []  // scalar index ranges
        for (a, b) in zip(cuts, cuts.dropFirst()) where a < b { segments.append(a..<b) }

        var merged: [Range<Int>] = []
        for var segment in segments {
            guard var previous = merged.last else { merged.append(segment); continue }
            // Closing punctuation separated from its sentence belongs to it.
            var k = segment.lowerBound
            while k < segment.upperBound, Script.isSpace(scalars[k]) { k += 1 }
            var j = k
            while j < segment.upperBound, Self.closers.contains(scalars[j]) { j += 1 }
            // ASCII quotes are ambiguous: move them only when glued to the sentence before.
            let ambiguous = scalars[k..<j].contains { $0 == "\"" || $0 == "'" }
            if j > k, !ambiguous || (k == segment.lowerBound && (j == segment.upperBound || Script.isSpace(scalars[j]))) {
                previous = previous.lowerBound..<j
                segment = j..<segment.upperBound
                merged[merged.count - 1] = previous
                if segment.isEmpty { continue }
            }
            if shouldJoin(previous, segment, scalars) {
                merged[merged.count - 1] = previous.lowerBound..<segment.upperBound
            } else {
                merged.append(segment)
            }
        }
        return merged.compactMap { r -> Span? in
            var a = r.lowerBound, b = r.upperBound
            while a < b, Script.isSpace(scalars[a]) { a += 1 }
            while b > a, Script.isSpace(scalars[b - 1]) { b -= 1 }
            guard a < b else { return nil }
            return Span(text: String(String.UnicodeScalarView(scalars[a..<b])), range: offsets[a]..<offsets[b])
        }
    }

    private func shouldJoin(_ previous: Range<Int>, _ next: Range<Int>, _ s: [Unicode.Scalar]) -> Bool {
        // A piece with no letters or ideographs is punctuation left over from the last sentence.
        if !s[next].contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) { return true }
        var end = previous.upperBound
        while end > previous.lowerBound, Script.isSpace(s[end - 1]) { end -= 1 }
        guard end > previous.lowerBound else { return true }
        var firstNext = next.lowerBound
        while firstNext < next.upperBound, Script.isSpace(s[firstNext]) || Self.openQuotes.contains(s[firstNext]) { firstNext += 1 }
        let nextStartsLower = firstNext < next.upperBound && s[firstNext].properties.isLowercase
        // Inside an open quotation: keep its sentences together, up to a length.
        var depth = 0
        for c in s[previous] {
            if Self.openQuotes.contains(c) { depth += 1 } else if Self.closeQuotes.contains(c), depth > 0 { depth -= 1 }
        }
        if depth > 0 && previous.count + next.count <= maximumQuotation { return true }
        if s[end - 1] == "." {
            // "Dr. Watson", "J. Smith": the period belongs to an abbreviation or an initial.
            var w = end - 1
            while w > previous.lowerBound, s[w - 1].properties.isAlphabetic || s[w - 1] == "." { w -= 1 }
            let word = String(String.UnicodeScalarView(s[w..<(end - 1)])).lowercased()
            if Self.abbreviations.contains(word) { return true }
            if word.unicodeScalars.count == 1, s[w].properties.isUppercase, firstNext < next.upperBound, s[firstNext].properties.isUppercase { return true }
            // "Wait... what?" : an ellipsis followed by lower case continues the sentence.
            if end - previous.lowerBound >= 3, s[end - 2] == ".", s[end - 3] == ".", nextStartsLower { return true }
        }
        if s[end - 1] == "…" && nextStartsLower { return true }
        return false
    }
}
