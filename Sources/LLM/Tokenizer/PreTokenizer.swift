/// The regex split byte-level BPE vocabularies run before merging, written out by hand: the
/// words are exactly the matches of
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// (Qwen2), or the same with `\p{N}{1,3}` (Llama 3), taken left to right, each alternative tried
/// in order, as llama.cpp and Hugging Face tokenizers do. The case-insensitive contractions are
/// ASCII-only, as in llama.cpp's adaptation (`'[sS]|'[tT]|…`).
public enum PreTokenizer: String, CaseIterable, Sendable {
    /// Digits one at a time (Qwen2, Qwen2.5, DeepSeek-R1 distills of Qwen).
    case qwen2
    /// Digits in groups of up to three (Llama 3).
    case llama3

    /// GGUF `tokenizer.ggml.pre` values Yanfu reads, with llama.cpp's settings for each:
    /// `ignoreMerges` (a word that is itself a token is not merged) and the default of `add_bos`.
    public static let ggufNames: [String: (preTokenizer: PreTokenizer, ignoreMerges: Bool, addBOS: Bool)] = [
        "qwen2": (.qwen2, false, false),
        "deepseek-r1-qwen": (.qwen2, false, false),
        "llama-bpe": (.llama3, true, true),
        "llama3": (.llama3, true, true),
        "llama-v3": (.llama3, true, true),
    ]

    /// The `Split` regex of a Hugging Face `tokenizer.json` that this pre-tokenizer implements.
    public var huggingFaceRegex: String {
        switch self {
        case .qwen2:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .llama3:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        }
    }

    /// Reusable buffers for `split` (one per encode call).
    struct Scratch {
        var scalars: [UInt32] = []
        var classes: [CharacterClass] = []
        var offsets: [Int32] = []
    }

    /// Calls `word` with the byte range of each word of `text` (valid UTF-8), in order, with
    /// `\p{L}`, `\p{N}` as of `unicode`.
    func split(_ text: UnsafeBufferPointer<UInt8>, unicode: CharacterClass.UnicodeVersion, scratch: inout Scratch,
               _ word: (Range<Int>) -> Void) {
        Self.decode(text, unicode: unicode, into: &scratch)
        let maxDigits = self == .qwen2 ? 1 : 3
        scratch.scalars.withUnsafeBufferPointer { cp in
            scratch.classes.withUnsafeBufferPointer { cls in
                scratch.offsets.withUnsafeBufferPointer { off in
                    let n = cp.count
                    var pos = 0
                    @inline(__always) func emit(_ end: Int) {
                        word(Int(off[pos])..<Int(off[end]))
                        pos = end
                    }
                    @inline(__always) func isNewline(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D }
                    @inline(__always) func lower(_ c: UInt32) -> UInt32 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
                    while pos < n {
                        let c = cp[pos]
                        let k = cls[pos]
                        // 's 't 're 've 'm 'll 'd, any case
                        if c == 0x27, pos + 1 < n {
                            let c1 = lower(cp[pos + 1])
                            if c1 == 0x73 || c1 == 0x74 || c1 == 0x6D || c1 == 0x64 {  // s t m d
                                emit(pos + 2)
                                continue
                            }
                            if pos + 2 < n {
                                let c2 = lower(cp[pos + 2])
                                if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) {  // re ve ll
                                    emit(pos + 3)
                                    continue
                                }
                            }
                        }
                        // [^\r\n\p{L}\p{N}]?\p{L}+
                        if !isNewline(c) && k != .number && (k == .letter || (pos + 1 < n && cls[pos + 1] == .letter)) {
                            var end = pos + 1
                            while end < n && cls[end] == .letter { end += 1 }
                            emit(end)
                            continue
                        }
                        // \p{N} or \p{N}{1,3}
                        if k == .number {
                            var end = pos + 1
                            while end < n && end - pos < maxDigits && cls[end] == .number { end += 1 }
                            emit(end)
                            continue
                        }
                        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
                        let first = c == 0x20 ? pos + 1 : pos
                        if first < n && cls[first] == .other {
                            var end = first + 1
                            while end < n && cls[end] == .other { end += 1 }
                            while end < n && isNewline(cp[end]) { end += 1 }
                            emit(end)
                            continue
                        }
                        // Whitespace: \s*[\r\n]+ (through the run's last newline), then \s+(?!\S)
                        // (all but the last when a non-space follows), then \s+.
                        var end = pos
                        var afterNewline = -1
                        while end < n && cls[end] == .whitespace {
                            if isNewline(cp[end]) { afterNewline = end + 1 }
                            end += 1
                        }
                        if afterNewline > 0 {
                            emit(afterNewline)
                        } else if end - pos > 1 && end < n {
                            emit(end - 1)
                        } else if end > pos {
                            emit(end)
                        } else {
                            emit(pos + 1)  // unreachable: every class is matched above
                        }
                    }
                }
            }
        }
    }

    /// Scalars, their classes and byte offsets (plus the end offset) of valid UTF-8.
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, unicode: CharacterClass.UnicodeVersion, into s: inout Scratch) {
        s.scalars.removeAll(keepingCapacity: true)
        s.classes.removeAll(keepingCapacity: true)
        s.offsets.removeAll(keepingCapacity: true)
        s.scalars.reserveCapacity(text.count)
        s.classes.reserveCapacity(text.count)
        s.offsets.reserveCapacity(text.count + 1)
        let n = text.count
        var i = 0
        while i < n {
            let b0 = UInt32(text[i])
            var c: UInt32
            var len: Int
            if b0 < 0x80 {
                c = b0; len = 1
            } else if b0 < 0xE0 {
                c = (b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F); len = 2
            } else if b0 < 0xF0 {
                c = (b0 & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F); len = 3
            } else {
                c = (b0 & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6 | UInt32(text[i + 3] & 0x3F); len = 4
            }
            s.scalars.append(c)
            s.classes.append(CharacterClass.of(c, unicode))
            s.offsets.append(Int32(i))
            i += len
        }
        s.offsets.append(Int32(n))
    }
}
