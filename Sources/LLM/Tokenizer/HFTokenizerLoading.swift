import Foundation

extension Tokenizer {
    /// The tokenizer of a Hugging Face model folder: `tokenizer.json` when it holds a byte-level BPE
    /// (Qwen2, Llama 3, …), else `tokenizer.model` (SentencePiece), adding BOS/EOS as
    /// `tokenizer_config.json` says.
    public static func fromHuggingFaceFolder(_ path: String) throws -> Tokenizer {
        let dir = URL(fileURLWithPath: path)
        let jsonPath = dir.appendingPathComponent("tokenizer.json").path
        let spmPath = dir.appendingPathComponent("tokenizer.model").path
        let config = HFTokenizerConfig(folder: path)
        let fm = FileManager.default
        if fm.fileExists(atPath: jsonPath) {
            let json = try HFTokenizerJSON(path: jsonPath)
            // A SentencePiece-style tokenizer.json (Llama 2, Gemma) next to its tokenizer.model.
            if !json.isByteLevel && fm.fileExists(atPath: spmPath) {
                return try Tokenizer(sentencePieceModelAt: spmPath, addBOS: config.addBOS ?? true, addEOS: config.addEOS ?? false)
            }
            return try json.makeTokenizer(config: config)
        }
        if fm.fileExists(atPath: spmPath) {
            return try Tokenizer(sentencePieceModelAt: spmPath, addBOS: config.addBOS ?? true, addEOS: config.addEOS ?? false)
        }
        throw ModelFileError(file: path, field: "tokenizer",
                             expected: "tokenizer.json (byte-level BPE) or tokenizer.model (SentencePiece) in the folder")
    }
}

/// What `tokenizer_config.json` says about special tokens (absent values are nil).
struct HFTokenizerConfig {
    var addBOS: Bool?
    var addEOS: Bool?
    var bosToken: String?
    var eosToken: String?

    init(folder: String) {
        let url = URL(fileURLWithPath: folder).appendingPathComponent("tokenizer_config.json")
        guard let data = try? Data(contentsOf: url),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        addBOS = obj["add_bos_token"] as? Bool
        addEOS = obj["add_eos_token"] as? Bool
        bosToken = Self.tokenText(obj["bos_token"])
        eosToken = Self.tokenText(obj["eos_token"])
    }

    /// A token given as a string or as an AddedToken object `{"content": …}`.
    private static func tokenText(_ v: Any?) -> String? {
        if let s = v as? String { return s }
        return (v as? [String: Any])?["content"] as? String
    }
}

/// A Hugging Face `tokenizer.json` holding a byte-level BPE model: `model` (type BPE, `vocab`,
/// `merges` as "a b" strings or [a, b] pairs), `added_tokens`, `normalizer` (none or NFC) and a
/// `pre_tokenizer` that is a `Split` on one of the supported regexes followed by `ByteLevel`.
struct HFTokenizerJSON {
    let path: String
    private let root: [String: Any]

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(file: path, field: "file", expected: "a readable tokenizer.json")
        }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelFileError(file: path, field: "file", expected: "a JSON object")
        }
        root = obj
    }

    private func fail(_ field: String, _ expected: String) -> ModelFileError {
        ModelFileError(file: path, field: field, expected: expected)
    }

    private var model: [String: Any]? { root["model"] as? [String: Any] }

    /// Whether this is a byte-level BPE (its pre-tokenizer or decoder is ByteLevel).
    var isByteLevel: Bool {
        guard (model?["type"] as? String) == "BPE" else { return false }
        func mentionsByteLevel(_ v: Any?) -> Bool {
            guard let o = v as? [String: Any] else { return false }
            if (o["type"] as? String) == "ByteLevel" { return true }
            let parts = (o["pretokenizers"] as? [Any]) ?? (o["decoders"] as? [Any]) ?? []
            return parts.contains { mentionsByteLevel($0) }
        }
        return mentionsByteLevel(root["pre_tokenizer"]) || mentionsByteLevel(root["decoder"])
    }

    func makeTokenizer(config: HFTokenizerConfig) throws -> Tokenizer {
        guard let model else { throw fail("model", "a tokenizer model object") }
        guard (model["type"] as? String) == "BPE" else {
            throw fail("model.type", "BPE (byte-level), found '\(model["type"] ?? "nothing")'")
        }
        if let b = model["byte_fallback"] as? Bool, b { throw fail("model.byte_fallback", "false (a byte-level BPE needs no byte fallback)") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let s = model[key] as? String, !s.isEmpty { throw fail("model.\(key)", "empty, found '\(s)'") }
        }
        let preTokenizer = try self.preTokenizer()
        let nfc = try normalizerIsNFC()

        // Pieces by id: the vocabulary, then added tokens (special → control, others user-defined).
        guard let vocab = model["vocab"] as? [String: Any] else { throw fail("model.vocab", "an object of token → id") }
        var byId: [Int: (text: String, type: Tokenizer.TokenType)] = [:]
        for (text, v) in vocab {
            guard let id = (v as? NSNumber)?.intValue, id >= 0 else { throw fail("model.vocab[\"\(text)\"]", "a non-negative id") }
            byId[id] = (text, .normal)
        }
        for (i, v) in ((root["added_tokens"] as? [Any]) ?? []).enumerated() {
            guard let t = v as? [String: Any], let id = (t["id"] as? NSNumber)?.intValue, id >= 0,
                  let content = t["content"] as? String, !content.isEmpty else {
                throw fail("added_tokens[\(i)]", "an object with a non-negative id and non-empty content")
            }
            for flag in ["lstrip", "rstrip", "single_word"] where (t[flag] as? Bool) == true {
                throw fail("added_tokens[\(i)].\(flag)", "false ('\(content)' asks for \(flag), which Yanfu does not implement)")
            }
            byId[id] = (content, (t["special"] as? Bool) == true ? .control : .userDefined)
        }
        let count = (byId.keys.max() ?? -1) + 1
        guard count > 0 else { throw fail("model.vocab", "at least one token") }
        var pieces = [[UInt8]](repeating: [], count: count)
        var types = [Tokenizer.TokenType](repeating: .unused, count: count)  // gaps in the ids
        for (id, e) in byId {
            pieces[id] = Array(e.text.utf8)
            types[id] = e.type
        }

        guard let mergeValues = model["merges"] as? [Any] else { throw fail("model.merges", "an array of merge rules") }
        var rules: [(left: ArraySlice<UInt8>, right: ArraySlice<UInt8>)] = []
        rules.reserveCapacity(mergeValues.count)
        for (i, v) in mergeValues.enumerated() {
            if let s = v as? String {
                rules.append(Tokenizer.splitMergeRule(Array(s.utf8)))
            } else if let pair = v as? [Any], pair.count == 2, let a = pair[0] as? String, let b = pair[1] as? String {
                rules.append((ArraySlice(a.utf8), ArraySlice(b.utf8)))
            } else {
                throw fail("model.merges[\(i)]", "\"left right\" or [\"left\", \"right\"]")
            }
        }

        func id(of text: String?) -> Int32 {
            guard let text else { return -1 }
            let bytes = Array(text.utf8)
            return pieces.lastIndex(of: bytes).map(Int32.init) ?? -1
        }
        let bos = id(of: config.bosToken), eos = id(of: config.eosToken)
        let addBOS = config.addBOS ?? (bos >= 0 && postProcessorStarts(with: config.bosToken))
        var eog = SpecialTokenRules.apply(pieces: pieces, types: &types, retype: false)
        if eos >= 0 { eog.insert(eos) }
        let bpe = ByteLevelBPE(pieces: pieces, merges: rules, preTokenizer: preTokenizer,
                               ignoreMerges: (model["ignore_merges"] as? Bool) ?? false, unicodeVersion: .v16_0)
        return Tokenizer(backend: .byteLevelBPE(bpe), pieces: pieces, types: types, bosId: bos, eosId: eos,
                         unknownId: -1, addBOS: addBOS, addEOS: config.addEOS ?? false, addSpacePrefix: false, eog: eog,
                         normalizeNFC: nfc)
    }

    /// The supported pre-tokenizer the `Split` regex names; anything else is refused.
    private func preTokenizer() throws -> PreTokenizer {
        let supported = PreTokenizer.allCases.map { "\($0.rawValue): \($0.huggingFaceRegex)" }.joined(separator: "; ")
        guard let pre = root["pre_tokenizer"] as? [String: Any] else {
            throw fail("pre_tokenizer", "a Sequence of Split (a supported regex) and ByteLevel")
        }
        let steps = (pre["type"] as? String) == "Sequence" ? (pre["pretokenizers"] as? [[String: Any]]) ?? [] : [pre]
        guard steps.count == 2, (steps[0]["type"] as? String) == "Split", (steps[1]["type"] as? String) == "ByteLevel" else {
            let names = steps.map { ($0["type"] as? String) ?? "?" }.joined(separator: ", ")
            throw fail("pre_tokenizer", "Split (a supported regex) then ByteLevel, found [\(names)]")
        }
        let split = steps[0], byteLevel = steps[1]
        guard let regex = (split["pattern"] as? [String: Any])?["Regex"] as? String else {
            throw fail("pre_tokenizer.Split.pattern", "a Regex")
        }
        guard let kind = PreTokenizer.allCases.first(where: { $0.huggingFaceRegex == regex }) else {
            throw fail("pre_tokenizer.Split.pattern.Regex", "one of the supported regexes (\(supported)), found \(regex)")
        }
        guard (split["behavior"] as? String) == "Isolated", (split["invert"] as? Bool) != true else {
            throw fail("pre_tokenizer.Split", "behavior Isolated, invert false")
        }
        guard (byteLevel["use_regex"] as? Bool) == false, (byteLevel["add_prefix_space"] as? Bool) != true else {
            throw fail("pre_tokenizer.ByteLevel", "use_regex false and add_prefix_space false")
        }
        return kind
    }

    /// No normalizer, or NFC (Qwen2); others are refused.
    private func normalizerIsNFC() throws -> Bool {
        guard let n = root["normalizer"] as? [String: Any] else { return false }  // null or absent
        switch n["type"] as? String {
        case "NFC": return true
        case "Sequence" where ((n["normalizers"] as? [Any]) ?? []).isEmpty: return false
        default: throw fail("normalizer", "none or NFC, found \(n["type"] ?? "?")")
        }
    }

    /// Whether the post-processor (TemplateProcessing) puts `token` first in a single sequence.
    private func postProcessorStarts(with token: String?) -> Bool {
        guard let token, let p = root["post_processor"] as? [String: Any] else { return false }
        let candidates = (p["type"] as? String) == "Sequence" ? (p["processors"] as? [[String: Any]]) ?? [] : [p]
        for c in candidates where (c["type"] as? String) == "TemplateProcessing" {
            if let first = (c["single"] as? [[String: Any]])?.first,
               let special = first["SpecialToken"] as? [String: Any], (special["id"] as? String) == token {
                return true
            }
        }
        return false
    }
}
