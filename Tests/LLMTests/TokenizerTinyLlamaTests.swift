import Foundation
import LLM
import XCTest

/// The tiny Llama fixture's tokenizer, read both from its `tokenizer.model` and from the GGUF that
/// llama.cpp's converter made of it, against SentencePiece's and llama-tokenize's ids.
final class TokenizerTinyLlamaTests: XCTestCase {
    struct Expected: Decodable {
        struct Prompt: Decodable { let text: String; let ids: [Int32] }
        struct Tok: Decodable { let text: String; let llama_cpp_ids: [Int32]; let sentencepiece_ids: [Int32] }
        let prompts: [Prompt]
        let tokenize: [Tok]
    }

    func testTinyLlamaIds() throws {
        let root = SafetensorsTests.tinyLlama
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/expected_logits.json")))
        let fromModel = try Tokenizer(sentencePieceModelAt: root + "/hf/tokenizer.model")
        let fromGGUF = try Tokenizer.fromGGUF(GGUFFile(path: root + "/tiny-llama-f32.gguf"))
        XCTAssertEqual(fromModel.vocabSize, 400)
        XCTAssertEqual(fromGGUF.vocabSize, 400)
        for t in [fromModel, fromGGUF] {
            XCTAssertEqual(t.bosId, 1)
            XCTAssertEqual(t.eosId, 2)
            XCTAssertTrue(t.addSpacePrefix)
        }
        for p in expected.prompts {
            XCTAssertEqual(try fromModel.encode(p.text, addBOS: true, parseSpecial: false), p.ids, p.text)
            XCTAssertEqual(try fromGGUF.encode(p.text, addBOS: true, parseSpecial: true), p.ids, p.text)
        }
        for t in expected.tokenize {
            XCTAssertEqual(try fromGGUF.encode(t.text, addBOS: true, parseSpecial: true), t.llama_cpp_ids, "llama.cpp: \(t.text)")
            XCTAssertEqual(try fromModel.encode(t.text, addBOS: true, parseSpecial: true), t.llama_cpp_ids, "file, special: \(t.text)")
            XCTAssertEqual(try fromGGUF.encode(t.text, addBOS: true, parseSpecial: false), t.sentencepiece_ids, "gguf, plain: \(t.text)")
            XCTAssertEqual(try fromModel.encode(t.text, addBOS: true, parseSpecial: false), t.sentencepiece_ids, "file, plain: \(t.text)")
            if !t.text.contains("<s>") {
                XCTAssertEqual(fromGGUF.decode(t.llama_cpp_ids), t.text)
                XCTAssertEqual(fromModel.decode(t.llama_cpp_ids), t.text)
            }
        }
    }
}
