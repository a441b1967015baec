/// Turns tokens into text as they are generated: bytes of a character split across tokens
/// (SentencePiece byte-fallback tokens, or byte-level BPE tokens that end inside a character) are
/// held back until the character is complete. Unlike `decode`, no leading space is removed (a
/// continuation's first space is real text).
public final class TokenStreamDecoder {
    private let tokenizer: Tokenizer
    private var pending: [UInt8] = []

    init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// The newly completed text after `id` (possibly "").
    public func push(_ id: Int32) -> String {
        tokenizer.textBytes(id, into: &pending)
        let cut = completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[0..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Whatever is still held back (an incomplete character becomes U+FFFD).
    public func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of `b` without a trailing, still-incomplete UTF-8 sequence.
    private func completePrefixLength(_ b: [UInt8]) -> Int {
        let n = b.count
        // Look back at most 3 bytes for the lead byte of the last sequence.
        var i = n - 1
        while i >= 0 && i >= n - 4 {
            let c = b[i]
            if c & 0xC0 != 0x80 {  // a lead (or ASCII) byte
                let need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
                return n - i < need && c >= 0xC0 && c < 0xF8 ? i : n
            }
            i -= 1
        }
        return n  // only continuation bytes: invalid, emit (as U+FFFD)
    }
}
