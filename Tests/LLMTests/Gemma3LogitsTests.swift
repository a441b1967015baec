import Foundation
import LLM
import XCTest

/// Next-token logits and greedy continuations of the default model against transformers (f32,
/// the same GGUF dequantized): Tests/Fixtures/llm/logits/gemma3-270m.json, made by
/// Eval/llm/gemma3_logits.py.
final class Gemma3LogitsTests: XCTestCase {
    /// Greedy steps whose top-2 margin in transformers is below this are near-ties: an f32 port may
    /// pick the other token there, and everything after it legitimately differs.
    static let nearTie = 0.05

    /// One prefill per prompt serves both checks: the top-20 logits of the first prediction, then
    /// the greedy continuation decoded token by token.
    func testTopLogitsAndGreedyContinuationsMatchTransformers() throws {
        let model = try ModelTestSupport.defaultModel()
        let fixture = try ModelTestSupport.json("logits/gemma3-270m.json")
        let cases = fixture["cases"] as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(cases.count, 4)
        for (n, c) in cases.enumerated() {
            let ids = (c["prompt_ids"] as! [Int]).map(Int32.init)
            let topIds = c["top_ids"] as! [Int]
            let topLogits = c["top_logits"] as! [Double]
            let expected = (c["greedy_ids"] as! [Int]).map(Int32.init)
            let margins = c["greedy_margins"] as! [Double]
            let session = model.makeSession(capacity: ids.count + expected.count)
            var logits = session.prefill(ids)
            XCTAssertEqual(logits.count, model.config.vocabSize)
            XCTAssertEqual(ModelTestSupport.topK(logits, 20), topIds, "case \(n): top-20 ids")
            for (id, ref) in zip(topIds, topLogits) {
                XCTAssertEqual(Double(logits[id]), ref, accuracy: 1e-2, "case \(n): logit of \(id)")
            }
            var compared = 0
            for step in expected.indices {
                let next = Int32(ModelTestSupport.topK(logits, 1)[0])
                XCTAssertEqual(next, expected[step], "case \(n) step \(step)")
                compared += 1
                if next != expected[step] || margins[step] < Self.nearTie { break }
                logits = session.decode(next)
            }
            XCTAssertGreaterThanOrEqual(compared, 1)
        }
    }
}
