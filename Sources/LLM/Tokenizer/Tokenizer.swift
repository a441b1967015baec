import Foundation

/// A model's tokenizer, giving the same ids as llama.cpp for a GGUF vocabulary: SentencePiece
/// (`tokenizer.ggml.model = llama`, libsentencepiece underneath) or byte-level BPE (`gpt2`: Qwen2,
/// Llama 3, …), also read from a Hugging Face folder's `tokenizer.model` or `tokenizer.json`.
/// Loading: `fromGGUF`, `fromHuggingFaceFolder`, `init(sentencePieceModelAt:)`, `load(modelPath:)`.
public final class Tokenizer: @unchecked Sendable {
    /// Token types as in GGUF's `tokenizer.ggml.token_type` and SentencePiece's piece types.
    public enum TokenType: UInt8, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// How text between special tokens becomes ids.
    enum Backend {
        /// `prependSpace`: encode puts the space prefix in itself (GGUF: the proto has no dummy prefix).
        case sentencePiece(SentencePieceProcessor, prependSpace: Bool)
        case byteLevelBPE(ByteLevelBPE)
    }

    public let vocabSize: Int
    public let bosId: Int32
    public let eosId: Int32
    public let unknownId: Int32
    /// Whether the model expects BOS before a text (encode's `addBOS` is the caller's choice).
    public let addBOS: Bool
    public let addEOS: Bool
    /// A space is put before text at the start and after each special token (and removed on
    /// decode). SentencePiece only; byte-level BPE keeps spaces as they are.
    public let addSpacePrefix: Bool
    /// Tokens that end generation (EOS, end-of-turn, …; llama.cpp's rule).
    public let endOfGenerationIds: Set<Int32>

    let backend: Backend
    /// Text between special tokens is put in Unicode NFC first (a tokenizer.json normalizer).
    private let normalizeNFC: Bool
    private let splitter: SpecialTokenSplitter
    /// Piece texts as stored in the vocabulary, flat, with offsets (vocabSize + 1 entries).
    private let pieceBytes: [UInt8]
    private let pieceOffsets: [Int32]
    private let types: [TokenType]

    init(backend: Backend, pieces: [[UInt8]], types: [TokenType], bosId: Int32, eosId: Int32, unknownId: Int32,
         addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool, eog: Set<Int32>, normalizeNFC: Bool = false) {
        self.backend = backend
        self.normalizeNFC = normalizeNFC
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
        endOfGenerationIds = eog
        var special: [(bytes: [UInt8], id: Int32, onlyWhenParsingSpecial: Bool)] = []
        for (i, t) in types.enumerated() where t == .control || t == .userDefined || t == .unknown {
            special.append((pieces[i], Int32(i), t != .userDefined))
        }
        splitter = SpecialTokenSplitter(tokens: special)
    }

    /// The pre-tokenizer of a byte-level BPE vocabulary; nil for SentencePiece.
    public var preTokenizer: PreTokenizer? {
        if case .byteLevelBPE(let bpe) = backend { return bpe.preTokenizer }
        return nil
    }

    /// "SentencePiece" or "byte-level BPE (qwen2)", for messages.
    public var kindDescription: String {
        switch backend {
        case .sentencePiece: return "SentencePiece"
        case .byteLevelBPE(let bpe): return "byte-level BPE (\(bpe.preTokenizer.rawValue))"
        }
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
            let fragments = splitter.split(raw, parseSpecial: parseSpecial)
            switch backend {
            case .sentencePiece(let sp, let prependSpace):
                try Self.encodeSentencePiece(fragments, raw, sp, prependSpace: prependSpace, into: &out)
            case .byteLevelBPE(let bpe):
                out.reserveCapacity(out.count + raw.count / 2)
                var scratch = ByteLevelBPE.Scratch()
                for fragment in fragments {
                    switch fragment {
                    case .token(let id):
                        out.append(id)
                    case .text(let range) where normalizeNFC:
                        var nfc = Array(String(decoding: raw[range], as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
                        nfc.withUnsafeMutableBufferPointer { bpe.encode(UnsafeBufferPointer($0), scratch: &scratch, into: &out) }
                    case .text(let range):
                        bpe.encode(UnsafeBufferPointer(rebasing: raw[range]), scratch: &scratch, into: &out)
                    }
                }
            }
        }
        if addEOS && eosId >= 0 { out.append(eosId) }
        return out
    }

    private static func encodeSentencePiece(_ fragments: [SpecialTokenSplitter.Fragment], _ raw: UnsafeBufferPointer<UInt8>,
                                            _ sp: SentencePieceProcessor, prependSpace: Bool, into out: inout [Int32]) throws {
        var previousWasSpecial = true
        var withSpace: [UInt8] = []
        for fragment in fragments {
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

    // MARK: vocabulary and decoding

    /// The vocabulary entry of `id` as stored (`▁` for spaces in SentencePiece, `Ġ` in byte-level
    /// BPE); "" when out of range.
    public func piece(_ id: Int32) -> String {
        guard id >= 0, Int(id) < vocabSize else { return "" }
        return String(decoding: pieceBytes[Int(pieceOffsets[Int(id)])..<Int(pieceOffsets[Int(id) + 1])], as: UTF8.self)
    }

    public func tokenType(_ id: Int32) -> TokenType? {
        guard id >= 0, Int(id) < vocabSize else { return nil }
        return types[Int(id)]
    }

    /// The bytes `id` stands for in text (llama.cpp's token_to_piece without special rendering):
    /// SentencePiece's `▁` becomes a space and byte-level BPE's characters their bytes, byte tokens
    /// their byte; control, unknown and unused tokens render as nothing.
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
            if case .byteLevelBPE = backend {
                ByteUnicodeMap.appendDecoded(pieceBytes[start..<end], into: &out)
                return
            }
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
