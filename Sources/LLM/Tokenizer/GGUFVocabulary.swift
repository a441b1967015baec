/// The `tokenizer.ggml.*` fields both tokenizer kinds read from a GGUF file, checked as they are read.
struct GGUFVocabulary {
    let file: GGUFFile
    let pieces: [[UInt8]]
    var types: [Tokenizer.TokenType]

    var metadata: [String: GGUFValue] { file.metadata }
    var count: Int { pieces.count }

    func fail(_ key: String, _ expected: String) -> ModelFileError {
        ModelFileError(file: file.path, field: key, expected: expected)
    }

    init(_ file: GGUFFile) throws {
        self.file = file
        let md = file.metadata
        func fail(_ key: String, _ expected: String) -> ModelFileError {
            ModelFileError(file: file.path, field: key, expected: expected)
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
        self.pieces = pieces
        var types = [Tokenizer.TokenType](repeating: .normal, count: n)
        if let a = md["tokenizer.ggml.token_type"]?.array {
            guard a.count == n else { throw fail("tokenizer.ggml.token_type", "\(n) types (one per token), found \(a.count)") }
            for (i, v) in a.enumerated() {
                guard let t = v.int, let type = Tokenizer.TokenType(rawValue: UInt8(clamping: max(t, 0))) else {
                    throw fail("tokenizer.ggml.token_type[\(i)]", "a type 1–6, found \(v.int.map(String.init) ?? v.typeName)")
                }
                types[i] = type
            }
        }
        self.types = types
    }

    /// `tokenizer.ggml.<key>` as a token id (-1 allowed: none), or `default` when absent.
    func id(_ key: String, default d: Int32) throws -> Int32 {
        guard let v = metadata["tokenizer.ggml." + key] else { return d }
        guard let i = v.int, i >= -1, i < count else {
            throw fail("tokenizer.ggml." + key, "a token id below \(count), found \(v.int.map(String.init) ?? v.typeName)")
        }
        return Int32(i)
    }

    /// An optional id key; out-of-range values are ignored, as llama.cpp does for these.
    func optionalId(_ key: String) -> Int32? {
        guard let i = metadata["tokenizer.ggml." + key]?.int, i >= 0, i < count else { return nil }
        return Int32(i)
    }

    func bool(_ key: String) -> Bool? { metadata["tokenizer.ggml." + key]?.bool }

    /// The special-token rules with the ids the metadata gives; returns the end-of-generation set
    /// including EOS.
    mutating func applySpecialTokenRules(eos: Int32) -> Set<Int32> {
        let given = SpecialTokenRules.MetadataIds(
            eot: optionalId("eot_token_id"), eom: optionalId("eom_token_id"), fimPad: optionalId("fim_pad_token_id"),
            fimRepo: optionalId("fim_rep_token_id"), fimSeparator: optionalId("fim_sep_token_id"))
        var eog = SpecialTokenRules.apply(pieces: pieces, types: &types, metadata: given)
        if eos >= 0 { eog.insert(eos) }
        return eog
    }
}

extension Tokenizer {
    /// The tokenizer stored in a GGUF file: `tokenizer.ggml.model` = `llama` (SentencePiece) or
    /// `gpt2` (byte-level BPE, with `tokenizer.ggml.pre` naming the pre-tokenizer).
    /// `preTokenizer` replaces the file's `tokenizer.ggml.pre` value (as if the file said it), for
    /// a file converted with a wrong value, and for tests that read one vocabulary both ways.
    public static func fromGGUF(_ file: GGUFFile, preTokenizer: String? = nil) throws -> Tokenizer {
        let model = file.metadata["tokenizer.ggml.model"]?.string
        switch model {
        case "llama":
            return try sentencePiece(GGUFVocabulary(file))
        case "gpt2":
            return try byteLevelBPE(GGUFVocabulary(file), preTokenizer: preTokenizer)
        case let other?:
            throw ModelFileError(file: file.path, field: "tokenizer.ggml.model",
                                 expected: "'llama' (SentencePiece) or 'gpt2' (byte-level BPE); '\(other)' tokenizers are not supported")
        case nil:
            throw ModelFileError(file: file.path, field: "tokenizer.ggml.model", expected: "a tokenizer (this GGUF has no tokenizer.ggml.model)")
        }
    }
}
