extension Tokenizer {
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
        var eog = SpecialTokenRules.apply(pieces: pieces, types: &types)
        if sp.eosId >= 0 { eog.insert(sp.eosId) }
        self.init(backend: .sentencePiece(sp, prependSpace: false), pieces: pieces, types: types, bosId: sp.bosId,
                  eosId: sp.eosId, unknownId: sp.unkId, addBOS: addBOS, addEOS: addEOS,
                  addSpacePrefix: sp.addDummyPrefix, eog: eog)
    }

    /// A GGUF `llama` vocabulary, rebuilt as a SentencePiece model proto.
    static func sentencePiece(_ vocab: GGUFVocabulary) throws -> Tokenizer {
        var vocab = vocab
        let md = vocab.metadata
        let n = vocab.count
        var scores = [Float](repeating: 0, count: n)
        if let a = md["tokenizer.ggml.scores"]?.array {
            guard a.count == n else { throw vocab.fail("tokenizer.ggml.scores", "\(n) scores (one per token), found \(a.count)") }
            for (i, v) in a.enumerated() {
                guard let d = v.double else { throw vocab.fail("tokenizer.ggml.scores[\(i)]", "a number, found \(v.typeName)") }
                scores[i] = Float(d)
            }
        }
        // llama.cpp's SentencePiece defaults when the keys are absent.
        let bos = try vocab.id("bos_token_id", default: 1), eos = try vocab.id("eos_token_id", default: 2)
        let unk = try vocab.id("unknown_token_id", default: vocab.types.firstIndex(of: .unknown).map(Int32.init) ?? 0)
        let pad = try vocab.id("padding_token_id", default: -1)
        let addBOS = vocab.bool("add_bos_token") ?? true
        let addEOS = vocab.bool("add_eos_token") ?? false
        let addSpacePrefix = vocab.bool("add_space_prefix") ?? true

        // llama.cpp's end-of-generation promotion first: the promoted tokens must be control
        // pieces for SentencePiece too, or it would match e.g. Gemma's user-defined `</s>` in text.
        let eog = vocab.applySpecialTokenRules(eos: eos)
        let types = vocab.types

        var proto = ModelProtoBuilder()
        proto.unkId = unk; proto.bosId = bos; proto.eosId = eos; proto.padId = pad
        proto.byteFallback = types.contains(.byte)
        proto.pieces.reserveCapacity(n)
        var seen = Set<[UInt8]>(minimumCapacity: n)
        for i in 0..<n {
            var text = vocab.pieces[i]
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
        let sp = try SentencePieceProcessor(serializedProto: proto.serialized(), source: vocab.file.path, field: "tokenizer.ggml.tokens")
        return Tokenizer(backend: .sentencePiece(sp, prependSpace: addSpacePrefix), pieces: vocab.pieces, types: types,
                         bosId: bos, eosId: eos, unknownId: unk, addBOS: addBOS, addEOS: addEOS,
                         addSpacePrefix: addSpacePrefix, eog: eog)
    }
}
