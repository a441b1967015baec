import Foundation
import LLM
import XCTest

/// Token ids must equal llama.cpp's (fixture from Eval/llm/tokenizer_fixture.py) for the default
/// model, and the tokenizer's own rules are checked on a small vocabulary written here.
final class TokenizerTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable { let name: String; let text: String; let ids: [Int32]; let ids_no_parse_special: [Int32] }
        struct Corpus: Decodable { let file: String; let bytes: Int; let count: Int; let ids_fnv1a64: String }
        let model_bytes: Int
        let cases: [Case]
        let corpora: [Corpus]
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func loadFixture() throws -> Fixture {
        let url = packageRoot.appendingPathComponent("Tests/Fixtures/llm/tokenizer/gemma3-270m.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// One shared tokenizer of the default model (building it takes ~1 s).
    nonisolated(unsafe) static var cached: Tokenizer?
    static func defaultTokenizer() throws -> Tokenizer {
        if let t = cached { return t }
        let t = try Tokenizer.fromGGUF(GGUFFile(path: try ModelTestSupport.requireModel(ModelTestSupport.gemmaFile)))
        cached = t
        return t
    }

    func testFixtureIsWellFormed() throws {
        let f = try Self.loadFixture()
        XCTAssertGreaterThanOrEqual(f.cases.count, 20)
        for c in f.cases {
            XCTAssertEqual(c.ids.first, 2, c.name)  // llama.cpp adds Gemma's BOS
            XCTAssertEqual(c.ids_no_parse_special.first, 2, c.name)
        }
    }

    func testIdsMatchLlamaCpp() throws {
        let f = try Self.loadFixture()
        let tok = try Self.defaultTokenizer()
        XCTAssertEqual(f.cases.count, 26)
        for c in f.cases {
            XCTAssertEqual(try tok.encode(c.text, addBOS: true, parseSpecial: true), c.ids, "parse_special: \(c.name)")
            XCTAssertEqual(try tok.encode(c.text, addBOS: true, parseSpecial: false), c.ids_no_parse_special, "no parse_special: \(c.name)")
        }
    }

    func testCorpusExcerptsMatchLlamaCpp() throws {
        let f = try Self.loadFixture()
        let tok = try Self.defaultTokenizer()
        let corpora = try ModelTestSupport.requireCorpus(".")
        XCTAssertEqual(f.corpora.count, 4)
        for c in f.corpora {
            let data = try Data(contentsOf: corpora.appendingPathComponent(c.file)).prefix(c.bytes + 8)
            // The fixture cut the first 60,000 bytes back to whole characters.
            var text = String(decoding: data.prefix(c.bytes), as: UTF8.self)
            if text.utf8.count != c.bytes || text.hasSuffix("\u{FFFD}") { text = String(decoding: data.prefix(c.bytes - 3), as: UTF8.self) }
            XCTAssertEqual(text.utf8.count, c.bytes, c.file)
            let ids = try tok.encode(text, addBOS: true, parseSpecial: false)
            XCTAssertEqual(ids.count, c.count, c.file)
            XCTAssertEqual(fnv1a64(ids.map(String.init).joined(separator: ",")), c.ids_fnv1a64, c.file)
        }
    }

    func testDefaultModelVocabulary() throws {
        let tok = try Self.defaultTokenizer()
        XCTAssertEqual(tok.vocabSize, 262_144)
        XCTAssertEqual(tok.bosId, 2)
        XCTAssertEqual(tok.eosId, 1)
        XCTAssertTrue(tok.addBOS)
        XCTAssertFalse(tok.addSpacePrefix)
        XCTAssertEqual(tok.endOfGenerationIds, [1, 106, 212])
        XCTAssertEqual(tok.piece(26352), "▁Hello")
        XCTAssertEqual(tok.tokenType(212), .control)  // `</s>` promoted as llama.cpp does
        XCTAssertEqual(tok.tokenType(138), .userDefined)
    }

    func testDecodeRoundTripOnDefaultModel() throws {
        let f = try Self.loadFixture()
        let tok = try Self.defaultTokenizer()
        // A literal U+2581 is read as a space by SentencePiece-style tokenizers; llama.cpp too.
        for c in f.cases where !c.text.contains("▁") {
            XCTAssertEqual(tok.decode(c.ids_no_parse_special), c.text, c.name)
        }
        XCTAssertEqual(tok.decode([2, 105, 2364, 107, 2202, 106]), "user\nhi")  // control tokens render as nothing
    }

    func testStreamDecoderHoldsBackSplitCharacters() throws {
        let tok = try Self.defaultTokenizer()
        let text = "Llama 🦙 and 宝玉 👨‍👩‍👧!"
        let ids = try tok.encode(text, addBOS: true, parseSpecial: true)
        XCTAssertTrue(ids.contains(478), "🦙 should be byte tokens (F0 = id 478)")
        let stream = tok.makeStreamDecoder()
        var pieces: [String] = []
        for id in ids { pieces.append(stream.push(id)) }
        pieces.append(stream.finish())
        XCTAssertEqual(pieces.joined(), text)
        XCTAssertFalse(pieces.contains { $0.contains("\u{FFFD}") })
        // The 4 byte tokens of 🦙 emit nothing, nothing, nothing, then the whole character.
        let start = try XCTUnwrap(ids.firstIndex(of: 478))
        XCTAssertEqual(Array(pieces[start..<(start + 4)]), ["", "", "", "🦙"])
    }

    // MARK: a small vocabulary written here (no model file needed)

    /// SentencePiece-style vocabulary: specials, byte tokens, a few merges, user-defined tokens.
    static func smallVocabFile(in dir: String, addSpacePrefix: Bool) throws -> GGUFFile {
        var tokens: [String] = ["<unk>", "<s>", "</s>", "<ctl>"]
        var types: [Int32] = [2, 3, 3, 3]
        var scores: [Float] = [0, 0, 0, 0]
        for b in 0..<256 {
            tokens.append(String(format: "<0x%02X>", b)); types.append(6); scores.append(0)
        }
        // Normal pieces; merges prefer higher scores.
        for (i, p) in ["▁", "a", "b", "c", "é", "ab", "▁a", "▁ab", "bc", "▁abc"].enumerated() {
            tokens.append(p); types.append(1); scores.append(Float(-i))
        }
        for p in ["\n\n", "<tag>"] { tokens.append(p); types.append(4); scores.append(-1000) }
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("tokenizer.ggml.model", .string("llama"))
        w.set("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        w.set("tokenizer.ggml.scores", .array(scores.map { .float32($0) }))
        w.set("tokenizer.ggml.token_type", .array(types.map { .int32($0) }))
        w.set("tokenizer.ggml.bos_token_id", .uint32(1))
        w.set("tokenizer.ggml.eos_token_id", .uint32(2))
        w.set("tokenizer.ggml.unknown_token_id", .uint32(0))
        w.set("tokenizer.ggml.add_space_prefix", .bool(addSpacePrefix))
        let path = dir + "/vocab-\(addSpacePrefix).gguf"
        try w.write(to: path)
        return try GGUFFile(path: path)
    }

    func testSmallVocabularyRules() throws {
        let dir = NSTemporaryDirectory() + "yanfu-tok-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tok = try Tokenizer.fromGGUF(try Self.smallVocabFile(in: dir, addSpacePrefix: true))
        func id(_ piece: String) -> Int32 { Int32((0..<tok.vocabSize).first { tok.piece(Int32($0)) == piece }!) }
        XCTAssertEqual(tok.bosId, 1)
        XCTAssertEqual(tok.endOfGenerationIds, [2])
        // Space prefix at the start, BPE by score, byte fallback for an unknown character.
        XCTAssertEqual(try tok.encode("abc ab", addBOS: true, parseSpecial: true), [1, id("▁abc"), id("▁ab")])
        XCTAssertEqual(try tok.encode("ç", addBOS: false, parseSpecial: true), [id("▁"), id("<0xC3>"), id("<0xA7>")])
        // User-defined tokens are always split out; control text only when parsing special tokens,
        // and the space prefix comes back after each special token (user-defined ones too, as in llama.cpp).
        XCTAssertEqual(try tok.encode("a\n\nab</s>ab", addBOS: false, parseSpecial: true),
                       [id("▁a"), id("\n\n"), id("▁ab"), 2, id("▁ab")])
        let plain = try tok.encode("a</s>", addBOS: false, parseSpecial: false)
        XCTAssertFalse(plain.contains(2))
        XCTAssertEqual(tok.decode(plain), "a</s>")
        XCTAssertEqual(try tok.encode("<tag><ctl>", addBOS: false, parseSpecial: false).first, id("<tag>"))
        XCTAssertEqual(try tok.encode("", addBOS: true, parseSpecial: true), [1])
        XCTAssertEqual(try tok.encode("ab", addBOS: true, parseSpecial: true, addEOS: true), [1, id("▁ab"), 2])
        // Decoding drops control tokens and the added leading space; bytes form characters.
        XCTAssertEqual(tok.decode([1, id("▁ab"), id("<0xC3>"), id("<0xA9>"), id("\n\n"), 2]), "abé\n\n")
        XCTAssertEqual(tok.decode([999_999, -1]), "")

        // Streaming: a character split over byte tokens comes out once complete; a stray
        // continuation byte or a character cut off at the end becomes U+FFFD, nothing is lost.
        let stream = tok.makeStreamDecoder()
        XCTAssertEqual(stream.push(id("▁ab")), " ab")
        XCTAssertEqual(stream.push(id("<0xC3>")), "")
        XCTAssertEqual(stream.push(id("<0xA9>")), "é")
        XCTAssertEqual(stream.push(2), "")
        XCTAssertEqual(stream.push(id("<0xA9>")), "\u{FFFD}")
        XCTAssertEqual(stream.push(id("<0xE4>")), "")
        XCTAssertEqual(stream.push(id("<0xB8>")), "")
        XCTAssertEqual(stream.finish(), "\u{FFFD}")
        XCTAssertEqual(stream.push(id("a")), "a")

        let noPrefix = try Tokenizer.fromGGUF(try Self.smallVocabFile(in: dir, addSpacePrefix: false))
        XCTAssertEqual(try noPrefix.encode("abc ab", addBOS: false, parseSpecial: true), [id("ab"), id("c"), id("▁ab")])
    }

    func testUnsupportedOrBrokenVocabularyIsAClearError() throws {
        let dir = NSTemporaryDirectory() + "yanfu-tok-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var w = GGUFWriter()
        w.set("tokenizer.ggml.model", .string("t5"))  // gpt2 is read since byte-level BPE (BPETokenizerTests)
        try w.write(to: dir + "/t5.gguf")
        XCTAssertThrowsError(try Tokenizer.fromGGUF(GGUFFile(path: dir + "/t5.gguf"))) {
            XCTAssertTrue("\($0)".contains("tokenizer.ggml.model") && "\($0)".contains("'t5'"), "\($0)")
        }
        w.set("tokenizer.ggml.model", .string("llama"))
        w.set("tokenizer.ggml.tokens", .array([.string("<unk>"), .string("a")]))
        w.set("tokenizer.ggml.scores", .array([.float32(0)]))
        try w.write(to: dir + "/short.gguf")
        XCTAssertThrowsError(try Tokenizer.fromGGUF(GGUFFile(path: dir + "/short.gguf"))) {
            XCTAssertTrue("\($0)".contains("tokenizer.ggml.scores: 2 scores"), "\($0)")
        }
    }
}

func fnv1a64(_ s: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
