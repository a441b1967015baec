extension Tokenizer {
    /// A GGUF `gpt2` vocabulary (byte-level BPE) with llama.cpp's settings for its pre-tokenizer.
    static func byteLevelBPE(_ vocab: GGUFVocabulary, preTokenizer override: String?) throws -> Tokenizer {
        var vocab = vocab
        let preKey = "tokenizer.ggml.pre"
        let supported = PreTokenizer.ggufNames.keys.sorted().joined(separator: ", ")
        guard let name = override ?? vocab.metadata[preKey]?.string else {
            throw vocab.fail(preKey, "the name of the pre-tokenizer (supported: \(supported)); this file has none")
        }
        guard let settings = PreTokenizer.ggufNames[name] else {
            throw vocab.fail(preKey, "a supported pre-tokenizer (\(supported)), found '\(name)'")
        }
        guard let mergeValues = vocab.metadata["tokenizer.ggml.merges"]?.array else {
            throw vocab.fail("tokenizer.ggml.merges", "an array of merge rules (\"left right\" strings)")
        }
        var rules: [(left: ArraySlice<UInt8>, right: ArraySlice<UInt8>)] = []
        rules.reserveCapacity(mergeValues.count)
        for (i, v) in mergeValues.enumerated() {
            guard let s = v.string else { throw vocab.fail("tokenizer.ggml.merges[\(i)]", "a string, found \(v.typeName)") }
            rules.append(splitMergeRule(Array(s.utf8)))
        }
        // llama.cpp's defaults for `gpt2` vocabularies when the keys are absent.
        let fallbackId: Int32 = vocab.count > 11 ? 11 : -1
        let bos = try vocab.id("bos_token_id", default: fallbackId), eos = try vocab.id("eos_token_id", default: fallbackId)
        let unk = try vocab.id("unknown_token_id", default: -1)
        let addBOS = vocab.bool("add_bos_token") ?? settings.addBOS
        let addEOS = vocab.bool("add_eos_token") ?? false
        let eog = vocab.applySpecialTokenRules(eos: eos)
        let bpe = ByteLevelBPE(pieces: vocab.pieces, merges: rules, preTokenizer: settings.preTokenizer,
                               ignoreMerges: settings.ignoreMerges, unicodeVersion: .v15_1)
        return Tokenizer(backend: .byteLevelBPE(bpe), pieces: vocab.pieces, types: vocab.types, bosId: bos, eosId: eos,
                         unknownId: unk, addBOS: addBOS, addEOS: addEOS, addSpacePrefix: false, eog: eog)
    }

    /// "left right" split at its first space after the first byte (llama.cpp's reading; a rule
    /// without one has empty sides and never applies).
    static func splitMergeRule(_ bytes: [UInt8]) -> (left: ArraySlice<UInt8>, right: ArraySlice<UInt8>) {
        guard bytes.count > 1, let space = bytes[1...].firstIndex(of: UInt8(ascii: " ")) else { return ([], []) }
        return (bytes[..<space], bytes[(space + 1)...])
    }
}
