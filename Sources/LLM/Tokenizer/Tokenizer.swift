/// A SentencePiece-family tokenizer (libsentencepiece underneath) that gives the same ids as
/// llama.cpp for a GGUF `llama` vocabulary, or as SentencePiece for a `tokenizer.model`.
public final class Tokenizer: @unchecked Sendable {
    /// Token types as in GGUF's `tokenizer.ggml.token_type` and SentencePiece's piece types.
    public enum TokenType: UInt8, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public let vocabSize: Int
    public let bosId: Int32
    public let eosId: Int32
    public let unknownId: Int32
    /// Whether the model expects BOS before a text (encode's `addBOS` is the caller's choice).
    public let addBOS: Bool
    public let addEOS: Bool
    /// A space is put before text at the start and after each special token (and removed on decode).
    public let addSpacePrefix: Bool
    /// Tokens that end generation (EOS, end-of-turn, …; llama.cpp's rule).
    public let endOfGenerationIds: Set<Int32>

    private let sp: SentencePieceProcessor
    private let splitter: SpecialTokenSplitter
    /// Whether encode must prepend the space itself (GGUF: the proto has no dummy prefix).
    private let prependSpace: Bool
    /// Piece texts as stored in the vocabulary, flat, with offsets (vocabSize + 1 entries).
    private let pieceBytes: [UInt8]
    private let pieceOffsets: [Int32]
    private let types: [TokenType]

    private init(sp: SentencePieceProcessor, pieces: [[UInt8]], types: [TokenType], bosId: Int32, eosId: Int32,
                 unknownId: Int32, addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool, prependSpace: Bool, eog: Set<Int32>) {
        self.sp = sp
        vocabSize = pieces.count
        var flat: [UInt8] = []
        var offsets: [Int32] = [0]
        flat.reserveCapacity(pieces.count * 8)
        offsets.reserveCapacity(pieces.count + 1)
        for p in pieces {
            flat.append(contentsOf: p)
            offsets.append(Int32(flat.count))
        }
        pieceBytes = flat
        pieceOffsets = offsets
        self.types = types
        self.bosId = bosId
        self.eosId = eosId
        self.unknownId = unknownId
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        self.prependSpace = prependSpace
        endOfGenerationIds = eog
        var special: [(bytes: [UInt8], id: Int32, onlyWhenParsingSpecial: Bool)] = []
        for (i, t) in types.enumerated() where t == .control || t == .userDefined || t == .unknown {
            special.append((pieces[i], Int32(i), t != .userDefined))
        }
        splitter = SpecialTokenSplitter(tokens: special)
    }

    // MARK: loading

    /// The tokenizer of a SentencePiece `tokenizer.model` (e.g. in a Hugging Face folder).
    public convenience init(sentencePieceModelAt path: String, addBOS: Bool = true, addEOS: Bool = false) throws {
        let sp = try SentencePieceProcessor(modelFile: path)
        let n = sp.vocabSize
        var pieces: [[UInt8]] = []
        var types: [TokenType] = []
        for id in 0..<Int32(n) {
            pieces.append(sp.pieceBytes(id))
            types.append(TokenType(rawValue: UInt8(truncatingIfNeeded: sp.pieceType(id))) ?? .normal)
        }
        var eog = Self.endOfGenerationIds(pieces: pieces, types: &types)
        if sp.eosId >= 0 { eog.insert(sp.eosId) }
        self.init(sp: sp, pieces: pieces, types: types, bosId: sp.bosId, eosId: sp.eosId, unknownId: sp.unkId,
                  addBOS: addBOS, addEOS: addEOS, addSpacePrefix: sp.addDummyPrefix, prependSpace: false, eog: eog)
    }

    /// The tokenizer stored in a GGUF file (`tokenizer.ggml.model` = `llama`).
    public static func fromGGUF(_ file: GGUFFile) throws -> Tokenizer {
        let md = file.metadata
        func fail(_ key: String, _ expected: String) -> ModelFileError {
            ModelFileError(file: file.path, field: key, expected: expected)
        }
        let model = md["tokenizer.ggml.model"]?.string
        guard model == "llama" else {
            throw fail("tokenizer.ggml.model", model.map { "a SentencePiece ('llama') vocabulary; '\($0)' tokenizers are not supported yet" }
                                                  ?? "a tokenizer (this GGUF has no tokenizer.ggml.model)")
        }
        guard let tokenValues = md["tokenizer.ggml.tokens"]?.array, !tokenValues.isEmpty else {
            throw fail("tokenizer.ggml.tokens", "a non-empty array of strings")
        }
        let n = tokenValues.count
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(n)
        for (i, v) in tokenValues.enumerated() {
            guard let s = v.string else { throw fail("tokenizer.ggml.tokens[\(i)]", "a string, found \(v.typeName)") }
            pieces.append(Array(s.utf8))
        }
        var scores = [Float](repeating: 0, count: n)
        if let a = md["tokenizer.ggml.scores"]?.array {
            guard a.count == n else { throw fail("tokenizer.ggml.scores", "\(n) scores (one per token), found \(a.count)") }
            for (i, v) in a.enumerated() {
                guard let d = v.double else { throw fail("tokenizer.ggml.scores[\(i)]", "a number, found \(v.typeName)") }
                scores[i] = Float(d)
            }
        }
        var types = [TokenType](repeating: .normal, count: n)
        if let a = md["tokenizer.ggml.token_type"]?.array {
            guard a.count == n else { throw fail("tokenizer.ggml.token_type", "\(n) types (one per token), found \(a.count)") }
            for (i, v) in a.enumerated() {
                guard let t = v.int, let type = TokenType(rawValue: UInt8(clamping: max(t, 0))) else {
                    throw fail("tokenizer.ggml.token_type[\(i)]", "a type 1–6, found \(v.int.map(String.init) ?? v.typeName)")
                }
                types[i] = type
            }
        }
        func id(_ key: String, default d: Int32) throws -> Int32 {
            guard let v = md["tokenizer.ggml." + key] else { return d }
            guard let i = v.int, i >= -1, i < n else { throw fail("tokenizer.ggml." + key, "a token id below \(n), found \(v.int.map(String.init) ?? v.typeName)") }
            return Int32(i)
        }
        // llama.cpp's SentencePiece defaults when the keys are absent.
        let bos = try id("bos_token_id", default: 1), eos = try id("eos_token_id", default: 2)
        let unk = try id("unknown_token_id", default: types.firstIndex(of: .unknown).map(Int32.init) ?? 0)
        let pad = try id("padding_token_id", default: -1)
        let addBOS = md["tokenizer.ggml.add_bos_token"]?.bool ?? true
        let addEOS = md["tokenizer.ggml.add_eos_token"]?.bool ?? false
        let addSpacePrefix = md["tokenizer.ggml.add_space_prefix"]?.bool ?? true

        // llama.cpp's end-of-generation promotion first: the promoted tokens must be control
        // pieces for SentencePiece too, or it would match e.g. Gemma's user-defined `</s>` in text.
        var eog = endOfGenerationIds(pieces: pieces, types: &types)
        if eos >= 0 { eog.insert(eos) }
        if let eot = md["tokenizer.ggml.eot_token_id"]?.int, eot >= 0, eot < n { eog.insert(Int32(eot)) }

        var proto = ModelProtoBuilder()
        proto.unkId = unk; proto.bosId = bos; proto.eosId = eos; proto.padId = pad
        proto.byteFallback = types.contains(.byte)
        proto.pieces.reserveCapacity(n)
        var seen = Set<[UInt8]>(minimumCapacity: n)
        for i in 0..<n {
            var text = pieces[i]
            var type: ModelProtoBuilder.PieceType
            switch types[i] {
            case .normal: type = .normal
            case .unknown, .control: type = .control
            case .userDefined: type = .userDefined
            case .unused: type = .unused
            case .byte: type = .byte
            }
            if i == unk { type = .unknown }  // SentencePiece needs exactly one unknown piece
            // User-defined pieces are split out of the raw text before SentencePiece runs, so they
            // keep their raw text here (SentencePiece, which escapes spaces first, never matches
            // e.g. a run of ASCII spaces). Renaming space runs to U+2581 runs, as research §3.4 does
            // for SentencePiece alone, would wrongly match a literal "▁▁" in the input.
            // SentencePiece rejects empty and duplicate pieces; such tokens can't come out of
            // SentencePiece anyway, so give them a unique unreachable name.
            if text.isEmpty || seen.contains(text) {
                text = Array("<yanfu-unreachable-\(i)>".utf8)
                type = .unused
            }
            seen.insert(text)
            proto.pieces.append(.init(text: text, score: scores[i], type: type))
        }
        let sp = try SentencePieceProcessor(serializedProto: proto.serialized(), source: file.path, field: "tokenizer.ggml.tokens")
        return Tokenizer(sp: sp, pieces: pieces, types: types, bosId: bos, eosId: eos, unknownId: unk,
                         addBOS: addBOS, addEOS: addEOS, addSpacePrefix: addSpacePrefix, prependSpace: addSpacePrefix, eog: eog)
    }

    /// llama.cpp marks tokens with these texts as end-of-generation and makes them control tokens
    /// (so e.g. Gemma's `</s>` is not split out of text when special tokens are not parsed).
    private static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    private static func endOfGenerationIds(pieces: [[UInt8]], types: inout [TokenType]) -> Set<Int32> {
        var eog = Set<Int32>()
        var sId: Int32?
        var hasOtherEndMarker = false
        for (i, p) in pieces.enumerated() where p.count <= 32 && (p.first == UInt8(ascii: "<") || p.first == UInt8(ascii: "[") || p.first == UInt8(ascii: "_")) {
            let text = String(decoding: p, as: UTF8.self)
            guard endOfGenerationTexts.contains(text) else { continue }
            eog.insert(Int32(i))
            if text == "</s>" { sId = Int32(i) }
            if text == "<|tool_response>" { hasOtherEndMarker = true }
        }
        // llama.cpp: with another end marker present, `</s>` is an ordinary token.
        if hasOtherEndMarker, let s = sId { eog.remove(s) }
        for id in eog where types[Int(id)] != .control && types[Int(id)] != .unused { types[Int(id)] = .control }
        return eog
    }

    // MARK: encoding

    /// Token ids of `text`. `parseSpecial`: control-token text in `text` (e.g. `<start_of_turn>`)
    /// becomes that token, as in llama-tokenize and prompts; false (as llama-perplexity) treats it as
    /// plain text. User-defined tokens are always recognised. `addEOS` appends EOS.
    public func encode(_ text: String, addBOS: Bool, parseSpecial: Bool, addEOS: Bool = false) throws -> [Int32] {
        var out: [Int32] = []
        if addBOS && bosId >= 0 { out.append(bosId) }
        var utf8 = Array(text.utf8)
        try utf8.withUnsafeMutableBufferPointer { buf in
            let raw = UnsafeBufferPointer(buf)
            var previousWasSpecial = true
            var withSpace: [UInt8] = []
            for fragment in splitter.split(raw, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    out.append(id)
                    previousWasSpecial = true
                case .text(let range):
                    let slice = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[range])
                    if prependSpace && previousWasSpecial {
                        withSpace.removeAll(keepingCapacity: true)
                        withSpace.append(UInt8(ascii: " "))
                        withSpace.append(contentsOf: slice)
                        try withSpace.withUnsafeBytes { try sp.encode($0, into: &out) }
                    } else {
                        try sp.encode(slice, into: &out)
                    }
                    previousWasSpecial = false
                }
            }
        }
        if addEOS && eosId >= 0 { out.append(eosId) }
        return out
    }

    // MARK: vocabulary and decoding

    /// The vocabulary entry of `id` as stored (`▁` for spaces); "" when out of range.
    public func piece(_ id: Int32) -> String {
        guard id >= 0, Int(id) < vocabSize else { return "" }
        return String(decoding: pieceBytes[Int(pieceOffsets[Int(id)])..<Int(pieceOffsets[Int(id) + 1])], as: UTF8.self)
    }

    public func tokenType(_ id: Int32) -> TokenType? {
        guard id >= 0, Int(id) < vocabSize else { return nil }
        return types[Int(id)]
    }

    /// The bytes `id` stands for in text (llama.cpp's token_to_piece without special rendering):
    /// `▁` becomes a space, byte tokens their byte; control, unknown and unused tokens render as nothing.
    func textBytes(_ id: Int32, into out: inout [UInt8]) {
        guard id >= 0, Int(id) < vocabSize else { return }
        let start = Int(pieceOffsets[Int(id)]), end = Int(pieceOffsets[Int(id) + 1])
        switch types[Int(id)] {
        case .control, .unknown, .unused:
            return
        case .byte:
            // "<0xAB>"
            if end - start == 6, let b = UInt8(String(decoding: pieceBytes[(start + 3)..<(start + 5)], as: UTF8.self), radix: 16) {
                out.append(b)
                return
            }
            out.append(contentsOf: pieceBytes[start..<end])
        case .userDefined:
            out.append(contentsOf: pieceBytes[start..<end])
        case .normal:
            var i = start
            while i < end {
                if i + 2 < end && pieceBytes[i] == 0xE2 && pieceBytes[i + 1] == 0x96 && pieceBytes[i + 2] == 0x81 {
                    out.append(UInt8(ascii: " "))
                    i += 3
                } else {
                    out.append(pieceBytes[i])
                    i += 1
                }
            }
        }
    }

    /// The text of `ids` (control tokens omitted; the space prefix removed when the model adds one,
    /// as SentencePiece and transformers do, so `decode(encode(t)) == t`; invalid UTF-8 becomes U+FFFD).
    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        for id in ids { textBytes(id, into: &bytes) }
        if addSpacePrefix, bytes.first == UInt8(ascii: " ") { bytes.removeFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A decoder for generated tokens that only ever emits complete UTF-8 characters.
    public func makeStreamDecoder() -> TokenStreamDecoder { TokenStreamDecoder(tokenizer: self) }
}

/// Turns tokens into text as they are generated: bytes of a character split across tokens
/// (byte-fallback tokens) are held back until the character is complete. Unlike `decode`, no
/// leading space is removed (a continuation's first space is real text).
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
