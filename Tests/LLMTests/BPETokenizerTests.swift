import Foundation
import LLM
import XCTest

/// Byte-level BPE ids must equal llama.cpp's for both Qwen GGUFs and for the same vocabulary read
/// with Llama 3's and DeepSeek-R1-Qwen's pre-tokenizers, and transformers' for a small
/// tokenizer.json (fixtures from Eval/llm/bpe_tokenizer_fixture.py).
final class BPETokenizerTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable { let name: String; let text: String; let ids: [Int32]; let ids_no_parse_special: [Int32] }
        struct Corpus: Decodable { let file: String; let bytes: Int; let count: Int; let ids_fnv1a64: String }
        let model: String?
        let pre_override: String?
        /// Token id → new text (a normal token) in the variant vocabularies.
        let token_overrides: [String: String]?
        let cases: [Case]
        let corpora: [Corpus]?
    }

    static let fixtureDirectory = ModelTestSupport.fixtures.appendingPathComponent("tokenizer")
    static let corpora = ModelTestSupport.packageRoot.appendingPathComponent("../shared/corpora")

    static func fixture(_ name: String) throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtureDirectory.appendingPathComponent(name)))
    }

    /// Tokenizers by model file and pre-tokenizer override, built once per test process.
    nonisolated(unsafe) static var cache: [String: Tokenizer] = [:]
    static func tokenizer(_ modelFile: String, pre: String? = nil, overrides: [String: String]? = nil) throws -> Tokenizer {
        let key = modelFile + "|" + (pre ?? "") + "|" + (overrides ?? [:]).keys.sorted().joined(separator: ",")
        if let t = cache[key] { return t }
        var file = try GGUFFile(path: try ModelTestSupport.requireModel(modelFile))
        if let overrides { file = try Self.withTokens(overrides, from: file) }
        let t = try Tokenizer.fromGGUF(file, preTokenizer: pre)
        cache[key] = t
        return t
    }

    /// A vocabulary-only copy of `file` (written to a temporary file) whose tokens `overrides`
    /// replaces (as normal tokens), as the fixture script built the file llama-tokenize read.
    static func withTokens(_ overrides: [String: String], from file: GGUFFile) throws -> GGUFFile {
        var w = GGUFWriter()
        for key in file.metadataKeys {
            guard var value = file.metadata[key] else { continue }
            if key == "tokenizer.ggml.tokens" || key == "tokenizer.ggml.token_type", case .array(var items) = value {
                for (id, text) in overrides {
                    let i = try XCTUnwrap(Int(id))
                    items[i] = key == "tokenizer.ggml.tokens" ? .string(text) : .int32(1)
                }
                value = .array(items)
            }
            w.set(key, value)
        }
        let path = NSTemporaryDirectory() + "yanfu-vocab-\(UUID().uuidString).gguf"
        try w.write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try GGUFFile(path: path)
    }

    // MARK: ids against llama.cpp

    private func checkCases(_ fixtureName: String, model: String, pre: String? = nil) throws {
        let f = try Self.fixture(fixtureName)
        XCTAssertEqual(f.model, model)
        XCTAssertEqual(f.pre_override, pre)
        XCTAssertGreaterThanOrEqual(f.cases.count, 50)
        XCTAssertEqual(f.token_overrides != nil, pre != nil)
        let tok = try Self.tokenizer(model, pre: pre, overrides: f.token_overrides)
        for c in f.cases {
            // As llama-tokenize: BOS only when the vocabulary asks for it (Qwen does not).
            XCTAssertEqual(try tok.encode(c.text, addBOS: tok.addBOS, parseSpecial: true), c.ids, "parse_special: \(c.name)")
            XCTAssertEqual(try tok.encode(c.text, addBOS: tok.addBOS, parseSpecial: false), c.ids_no_parse_special, "no parse_special: \(c.name)")
        }
    }

    func testQwen05IdsMatchLlamaCpp() throws {
        try checkCases("qwen2.5-coder-0.5b.json", model: ModelTestSupport.qwen05BFile)
    }

    func testQwen15IdsMatchLlamaCpp() throws {
        try checkCases("qwen2.5-coder-1.5b.json", model: ModelTestSupport.qwen15BFile)
    }

    /// Qwen's vocabulary read as Llama 3's (digits in threes, ignore_merges), as llama.cpp reads a
    /// copy of the file with `tokenizer.ggml.pre = llama-bpe` and five whole-word tokens.
    func testLlamaBPEPreTokenizerMatchesLlamaCpp() throws {
        try checkCases("qwen2.5-coder-0.5b-llama-bpe.json", model: ModelTestSupport.qwen05BFile, pre: "llama-bpe")
        let f = try Self.fixture("qwen2.5-coder-0.5b-llama-bpe.json")
        let tok = try Self.tokenizer(ModelTestSupport.qwen05BFile, pre: "llama-bpe", overrides: f.token_overrides)
        XCTAssertEqual(tok.preTokenizer, .llama3)
        // The fixture can tell: ignore_merges takes the whole-word tokens. (Qwen has no
        // multi-digit tokens, so digits in threes only show in the tokenizer.json test.)
        let names = try XCTUnwrap(f.cases.first { $0.name == "wade_giles_names" })
        XCTAssertTrue(names.ids.contains(151_700), "\(names.ids)")
    }

    /// The same vocabulary and whole-word tokens with Qwen2's regex and no ignore_merges.
    func testDeepSeekR1QwenPreTokenizerMatchesLlamaCpp() throws {
        try checkCases("qwen2.5-coder-0.5b-deepseek-r1-qwen.json", model: ModelTestSupport.qwen05BFile, pre: "deepseek-r1-qwen")
        let f = try Self.fixture("qwen2.5-coder-0.5b-deepseek-r1-qwen.json")
        let names = try XCTUnwrap(f.cases.first { $0.name == "wade_giles_names" })
        XCTAssertFalse(names.ids.contains(151_700), "\(names.ids)")
    }

    private func checkCorpora(_ fixtureName: String, model: String, pre: String? = nil) throws {
        let f = try Self.fixture(fixtureName)
        _ = try ModelTestSupport.requireCorpus(".")
        let corpora = try XCTUnwrap(f.corpora)
        XCTAssertEqual(Set(corpora.map(\.file)), ["hongloumeng/zh.txt", "hongloumeng/en.txt", "sanguo/zh.txt"])
        let tok = try Self.tokenizer(model, pre: pre, overrides: f.token_overrides)
        for c in corpora {
            let data = try Data(contentsOf: Self.corpora.appendingPathComponent(c.file))
            XCTAssertEqual(data.count, c.bytes, "\(c.file) is not the file the fixture was made from")
            let ids = try tok.encode(String(decoding: data, as: UTF8.self), addBOS: tok.addBOS, parseSpecial: false)
            XCTAssertEqual(ids.count, c.count, c.file)
            XCTAssertEqual(fnv1a64(ids.map(String.init).joined(separator: ",")), c.ids_fnv1a64, c.file)
        }
    }

    func testQwen05WholeCorporaMatchLlamaCpp() throws {
        try checkCorpora("qwen2.5-coder-0.5b.json", model: ModelTestSupport.qwen05BFile)
    }

    func testQwen15WholeCorporaMatchLlamaCpp() throws {
        try checkCorpora("qwen2.5-coder-1.5b.json", model: ModelTestSupport.qwen15BFile)
    }

    func testLlamaBPEWholeCorporaMatchLlamaCpp() throws {
        try checkCorpora("qwen2.5-coder-0.5b-llama-bpe.json", model: ModelTestSupport.qwen05BFile, pre: "llama-bpe")
    }

    func testDeepSeekR1QwenWholeCorporaMatchLlamaCpp() throws {
        try checkCorpora("qwen2.5-coder-0.5b-deepseek-r1-qwen.json", model: ModelTestSupport.qwen05BFile, pre: "deepseek-r1-qwen")
    }

    // MARK: vocabulary, decoding, streaming

    func testQwenVocabulary() throws {
        let tok = try Self.tokenizer(ModelTestSupport.qwen05BFile)
        XCTAssertEqual(tok.vocabSize, 151_936)
        XCTAssertEqual(tok.preTokenizer, .qwen2)
        XCTAssertEqual(tok.bosId, 151_643)
        XCTAssertEqual(tok.eosId, 151_645)
        XCTAssertFalse(tok.addBOS)
        XCTAssertFalse(tok.addSpacePrefix)
        // llama.cpp's end-of-generation set: <|endoftext|>, <|im_end|>, the FIM pad, repo and file
        // separator, and a plain-text `</s>` token, which llama.cpp thereby makes a control token.
        XCTAssertEqual(tok.endOfGenerationIds.map { tok.piece($0) }.sorted(),
                       ["</s>", "<|endoftext|>", "<|file_sep|>", "<|fim_pad|>", "<|im_end|>", "<|repo_name|>"])
        let s = try XCTUnwrap(tok.endOfGenerationIds.first { tok.piece($0) == "</s>" })
        XCTAssertEqual(tok.tokenType(s), .control)
        XCTAssertEqual(tok.piece(151_644), "<|im_start|>")
        XCTAssertEqual(tok.tokenType(151_644), .control)
        XCTAssertEqual(tok.tokenType(151_657), .userDefined)  // <tool_call>
        XCTAssertEqual(tok.tokenType(151_665), .unused)
        XCTAssertEqual(tok.tokenType(151_936), nil)
        let hello = try tok.encode(" Hello", addBOS: false, parseSpecial: true)
        XCTAssertEqual(hello.count, 1)
        XCTAssertEqual(tok.piece(hello[0]), "ĠHello")  // stored with GPT-2's characters
        XCTAssertEqual(tok.decode(hello), " Hello")  // no space is stripped
    }

    func testDecodeRoundTrip() throws {
        let f = try Self.fixture("qwen2.5-coder-0.5b.json")
        let tok = try Self.tokenizer(ModelTestSupport.qwen05BFile)
        XCTAssertEqual(f.cases.count, 56)
        for c in f.cases {
            // Control tokens render as nothing, so only the plain-text ids give the text back.
            XCTAssertEqual(tok.decode(c.ids_no_parse_special), c.text, c.name)
            XCTAssertEqual(tok.decode(try tok.encode(c.text, addBOS: false, parseSpecial: false)), c.text, c.name)
        }
        XCTAssertEqual(tok.decode(try tok.encode("<|im_start|>user\n你好<|im_end|>", addBOS: false, parseSpecial: true)), "user\n你好")
    }

    func testStreamDecoderHoldsBackCharactersSplitAcrossTokens() throws {
        let tok = try Self.tokenizer(ModelTestSupport.qwen05BFile)
        let text = "滿紙荒唐言，一把辛酸淚！都云作者痴，誰解其中味？𠀀𪚥龘靐 👨‍👩‍👧 寶玉笑道：「妹妹」"
        let ids = try tok.encode(text, addBOS: false, parseSpecial: false)
        let stream = tok.makeStreamDecoder()
        var pieces: [String] = []
        for id in ids { pieces.append(stream.push(id)) }
        pieces.append(stream.finish())
        XCTAssertEqual(pieces.joined(), text)
        XCTAssertFalse(pieces.contains { $0.contains("\u{FFFD}") })
        // Some token ends inside a character (rare characters are several byte tokens): its push
        // emits nothing, and the character comes out whole with a later token.
        let heldBack = zip(ids, pieces).filter { id, piece in piece.isEmpty && !tok.decode([id]).isEmpty }
        XCTAssertFalse(heldBack.isEmpty, "no token of the text ends inside a character")
        for (id, _) in heldBack { XCTAssertTrue(tok.decode([id]).contains("\u{FFFD}"), "\(id)") }
    }

    // MARK: errors

    /// A `gpt2` vocabulary with `pre` (or none), written here.
    private func smallBPEFile(pre: String?, in dir: String) throws -> GGUFFile {
        var w = GGUFWriter()
        w.set("general.architecture", .string("qwen2"))
        w.set("tokenizer.ggml.model", .string("gpt2"))
        if let pre { w.set("tokenizer.ggml.pre", .string(pre)) }
        w.set("tokenizer.ggml.tokens", .array(["a", "b", "ab", "<|end|>"].map { .string($0) }))
        w.set("tokenizer.ggml.token_type", .array([1, 1, 1, 3].map { .int32($0) }))
        w.set("tokenizer.ggml.merges", .array([.string("a b")]))
        let path = dir + "/bpe-\(pre ?? "none").gguf"
        try w.write(to: path)
        return try GGUFFile(path: path)
    }

    func testUnsupportedPreTokenizerIsAClearError() throws {
        let dir = NSTemporaryDirectory() + "yanfu-bpe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let supported = ["qwen2", "llama-bpe", "deepseek-r1-qwen"]
        let gpt4o = try smallBPEFile(pre: "gpt-4o", in: dir)
        XCTAssertThrowsError(try Tokenizer.fromGGUF(gpt4o)) {
            let message = "\($0)"
            for part in [gpt4o.path, "tokenizer.ggml.pre", "'gpt-4o'"] + supported { XCTAssertTrue(message.contains(part), message) }
        }
        XCTAssertThrowsError(try Tokenizer.fromGGUF(try smallBPEFile(pre: nil, in: dir))) {
            XCTAssertTrue("\($0)".contains("tokenizer.ggml.pre") && "\($0)".contains("has none"), "\($0)")
        }
        // The override is read as the file's value would be.
        let good = try smallBPEFile(pre: "qwen2", in: dir)
        XCTAssertThrowsError(try Tokenizer.fromGGUF(good, preTokenizer: "starcoder")) { XCTAssertTrue("\($0)".contains("'starcoder'"), "\($0)") }
        let tok = try Tokenizer.fromGGUF(good)
        XCTAssertEqual(try tok.encode("ab", addBOS: false, parseSpecial: false), [2])
        XCTAssertEqual(tok.endOfGenerationIds, [3])
        XCTAssertEqual(try Tokenizer.fromGGUF(good, preTokenizer: "llama-bpe").preTokenizer, .llama3)
    }

    // MARK: Hugging Face tokenizer.json

    private func checkHuggingFace(_ folder: String) throws {
        let dir = Self.fixtureDirectory.appendingPathComponent(folder)
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: dir.appendingPathComponent("ids.json")))
        XCTAssertGreaterThanOrEqual(f.cases.count, 50)
        let tok = try Tokenizer.fromHuggingFaceFolder(dir.path)
        XCTAssertFalse(tok.addBOS)
        XCTAssertEqual(tok.piece(tok.eosId), "<|im_end|>")
        for c in f.cases {
            XCTAssertEqual(try tok.encode(c.text, addBOS: false, parseSpecial: true), c.ids, "\(folder) parse_special: \(c.name)")
            XCTAssertEqual(try tok.encode(c.text, addBOS: false, parseSpecial: false), c.ids_no_parse_special, "\(folder) no parse_special: \(c.name)")
            // The normalizer is NFC: the text comes back composed.
            XCTAssertEqual(tok.decode(c.ids_no_parse_special), c.text.precomposedStringWithCanonicalMapping, "\(folder) decode: \(c.name)")
        }
    }

    /// Qwen2's regex, merges as [left, right] pairs.
    func testTokenizerJSONMatchesTransformers() throws {
        try checkHuggingFace("hf-bpe")
        let tok = try Tokenizer.fromHuggingFaceFolder(Self.fixtureDirectory.appendingPathComponent("hf-bpe").path)
        XCTAssertEqual(tok.preTokenizer, .qwen2)
        // A plain `</s>` entry stays a normal token (transformers' reading), though it ends generation.
        let s = try XCTUnwrap((0..<Int32(tok.vocabSize)).first { tok.piece($0) == "</s>" })
        XCTAssertEqual(tok.tokenType(s), .normal)
        XCTAssertTrue(tok.endOfGenerationIds.contains(s))
    }

    /// Llama 3's regex with ignore_merges, merges as "left right" strings.
    func testLlama3TokenizerJSONMatchesTransformers() throws {
        try checkHuggingFace("hf-bpe-llama3")
        XCTAssertEqual(try Tokenizer.fromHuggingFaceFolder(Self.fixtureDirectory.appendingPathComponent("hf-bpe-llama3").path).preTokenizer, .llama3)
    }

    func testUnsupportedTokenizerJSONIsAClearError() throws {
        let dir = NSTemporaryDirectory() + "yanfu-hf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = Self.fixtureDirectory.appendingPathComponent("hf-bpe/tokenizer.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
        var pre = try XCTUnwrap(json["pre_tokenizer"] as? [String: Any])
        var steps = try XCTUnwrap(pre["pretokenizers"] as? [[String: Any]])
        let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        steps[0]["pattern"] = ["Regex": gpt2]
        pre["pretokenizers"] = steps
        json["pre_tokenizer"] = pre
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
        XCTAssertThrowsError(try Tokenizer.fromHuggingFaceFolder(dir)) {
            let message = "\($0)"
            for part in [dir + "/tokenizer.json", "pre_tokenizer.Split.pattern.Regex", gpt2, "qwen2", "llama3"] {
                XCTAssertTrue(message.contains(part), message)
            }
        }
        try FileManager.default.removeItem(atPath: dir + "/tokenizer.json")
        XCTAssertThrowsError(try Tokenizer.fromHuggingFaceFolder(dir)) {
            XCTAssertTrue("\($0)".contains("tokenizer.json") && "\($0)".contains("tokenizer.model"), "\($0)")
        }
    }
}
