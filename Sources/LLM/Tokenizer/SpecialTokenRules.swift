/// llama.cpp's rules for special tokens that GGUF metadata does not spell out, recognised by their
/// text: end-of-generation tokens, fill-in-the-middle tokens, and a few type corrections. They
/// matter for ids, not only for generation: a token promoted to control is no longer split out
/// of text that is not parsed for special tokens (e.g. Gemma's `</s>`).
enum SpecialTokenRules {
    static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// Fill-in-the-middle tokens: made control tokens; pad, repo and file-separator also end generation.
    static let fimPrefix = ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]
    static let fimSuffix = ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]
    static let fimMiddle = ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]
    static let fimPad = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]
    static let fimRepo = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fimSeparator = ["<|file_sep|>"]
    /// gpt-oss's channel markup, always rendered: user-defined whatever the file says.
    static let alwaysUserDefined: Set<String> = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]

    /// Ids given in metadata (`tokenizer.ggml.eot_token_id`, `fim_pad_token_id`, …); a kind given
    /// there is not looked for by text.
    struct MetadataIds {
        var eot: Int32?
        var eom: Int32?
        var fimPad: Int32?
        var fimRepo: Int32?
        var fimSeparator: Int32?
    }

    /// Applies the rules to `types` and returns the end-of-generation tokens (EOS is the caller's).
    /// `retype` false leaves the types alone (Hugging Face tokenizers, which keep e.g. a normal
    /// `</s>` token as text, as transformers does) and only finds the end-of-generation tokens.
    static func apply(pieces: [[UInt8]], types: inout [Tokenizer.TokenType], metadata: MetadataIds = MetadataIds(),
                      retype: Bool = true) -> Set<Int32> {
        // Text → id of the short pieces that can be special (the last id for a repeated text, as llama.cpp).
        var byText: [String: Int32] = [:]
        for (i, p) in pieces.enumerated() where p.count <= 32 {
            guard let f = p.first, f == UInt8(ascii: "<") || f == UInt8(ascii: "[") || f == UInt8(ascii: "_") || f == 0xE2 else { continue }
            byText[String(decoding: p, as: UTF8.self)] = Int32(i)
        }
        func promote(_ id: Int32) {
            guard retype else { return }
            if types[Int(id)] != .control && types[Int(id)] != .unused { types[Int(id)] = .control }
        }
        /// The first listed kind found (several present at once is ambiguous in llama.cpp too: it
        /// takes whichever its hash map yields first; here the lowest id).
        func find(_ texts: [String]) -> Int32? { texts.compactMap { byText[$0] }.min() }

        var eog = Set<Int32>()
        for texts in [fimPrefix, fimSuffix, fimMiddle] {
            if let id = find(texts) { promote(id) }
        }
        for (given, texts) in [(metadata.fimPad, fimPad), (metadata.fimRepo, fimRepo), (metadata.fimSeparator, fimSeparator)] {
            if let id = given {
                eog.insert(id)
            } else if let id = find(texts) {
                promote(id)
                eog.insert(id)
            }
        }
        var endId: Int32?, sId: Int32?
        var hasReturn = false, hasCall = false, hasFlush = false, hasOtherEndMarker = false
        var byEndText: [Int32] = []
        for (text, id) in byText {
            if retype && alwaysUserDefined.contains(text) { types[Int(id)] = .userDefined }
            guard endOfGenerationTexts.contains(text) else { continue }
            byEndText.append(id)
            switch text {
            case "<|end|>": endId = id
            case "</s>": sId = id
            case "<|return|>": hasReturn = true
            case "<|call|>", "<|calls|>": hasCall = true
            case "<|flush|>": hasFlush = true
            case "<|tool_response>": hasOtherEndMarker = true
            default: break
            }
        }
        for id in byEndText {
            eog.insert(id)
            promote(id)
        }
        for id in [metadata.eot, metadata.eom].compactMap({ $0 }) { eog.insert(id) }
        // o200k_harmony and solar-open: `<|end|>` ends a message, not the generation.
        if let e = endId, (hasReturn && hasCall) || (hasCall && hasFlush) {
            eog.remove(e)
            if retype { types[Int(e)] = .userDefined }
        }
        // With another end marker present (Gemma 4), `</s>` is an ordinary token.
        if hasOtherEndMarker, let s = sId {
            eog.remove(s)
            if retype { types[Int(s)] = .normal }
        }
        return eog
    }
}
