import Foundation
import LLM
import XCTest

/// Next-token logits and greedy continuations of real GGUF models against transformers (f32, the
/// same GGUF dequantized): Tests/Fixtures/llm/logits/NAME.json, made by Eval/llm/model_logits.py.
final class ReferenceLogitsTests: XCTestCase {
    /// Greedy steps whose top-2 margin in transformers is below this are near-ties: an f32 port may
    /// pick the other token there, and everything after it legitimately differs.
    static let nearTie = 0.05

    /// One prefill per prompt serves both checks: the top-20 logits of the first prediction, in
    /// transformers' order and within `tolerance`, then the greedy continuation decoded token by
    /// token up to the first near-tie (at least `minimumGreedy` tokens in all).
    func check(_ model: LanguageModel, fixture name: String, tolerance: Double, minimumGreedy: Int) throws {
        let fixture = try ModelTestSupport.json("logits/\(name).json")
        let cases = fixture["cases"] as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(cases.count, 4)
        var compared = 0, worst = 0.0
        for (n, c) in cases.enumerated() {
            let ids = (c["prompt_ids"] as! [Int]).map(Int32.init)
            let topIds = c["top_ids"] as! [Int]
            let topLogits = c["top_logits"] as! [Double]
            let expected = (c["greedy_ids"] as! [Int]).map(Int32.init)
            let margins = c["greedy_margins"] as! [Double]
            let session = model.makeSession(capacity: ids.count + expected.count)
            var logits = session.prefill(ids)
            XCTAssertEqual(logits.count, model.config.vocabSize)
            XCTAssertEqual(ModelTestSupport.topK(logits, 20), topIds, "\(name) case \(n): top-20 ids")
            for (id, ref) in zip(topIds, topLogits) {
                worst = max(worst, abs(Double(logits[id]) - ref))
                XCTAssertEqual(Double(logits[id]), ref, accuracy: tolerance, "\(name) case \(n): logit of \(id)")
            }
            for step in expected.indices {
                let next = Int32(ModelTestSupport.topK(logits, 1)[0])
                XCTAssertEqual(next, expected[step], "\(name) case \(n) step \(step)")
                compared += 1
                if next != expected[step] || margins[step] < Self.nearTie { break }
                logits = session.decode(next)
            }
        }
        print("\(name): largest top-20 |Δ| \(worst), \(compared) greedy tokens compared")
        XCTAssertGreaterThanOrEqual(compared, minimumGreedy, "\(name): greedy tokens compared before a near-tie")
    }

    /// Measured 7.1e-4 (int16-rounded activations in the Q8_0/Q5_0 products); 108 greedy tokens.
    func testGemma3MatchesTransformers() throws {
        try check(ModelTestSupport.defaultModel(), fixture: "gemma3-270m", tolerance: 1.5e-3, minimumGreedy: 100)
    }

    /// Measured 3.3e-4; 34 greedy tokens (the answers end at <|im_end|>).
    func testQwen25Coder05BMatchesTransformers() throws {
        let model = try ModelTestSupport.cachedModel(ModelTestSupport.qwen05BFile)
        try check(model, fixture: "qwen2.5-coder-0.5b-instruct", tolerance: 1e-3, minimumGreedy: 30)
    }

    /// Measured 2.3e-4 (int16-rounded activations in the Q4_K/Q6_K products; 2.9e-5 with f32 ones);
    /// 24 greedy tokens before near-ties.
    func testQwen25Coder15BMatchesTransformers() throws {
        let model = try ModelTestSupport.cachedModel(ModelTestSupport.qwen15BFile)
        try check(model, fixture: "qwen2.5-coder-1.5b-instruct", tolerance: 5e-4, minimumGreedy: 20)
    }
}
