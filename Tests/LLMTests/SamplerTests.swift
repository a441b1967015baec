import Foundation
import LLM
import XCTest

/// Sampling rules on hand-made logits, and text-level generation (stop strings, stop ids,
/// streaming) on the tiny Llama fixture.
final class SamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.0, 2.9]

    func testGreedyAndRepetitionPenalty() {
        var s = Sampler(GenerationOptions(temperature: 0))
        XCTAssertEqual(s.sample(logits, context: []), 1)
        // transformers' rule: positive logits divided by the penalty, so 3.0 → 1.5 falls behind 2.9.
        var p = Sampler(GenerationOptions(temperature: 0, repetitionPenalty: 2))
        XCTAssertEqual(p.sample(logits, context: [1]), 5)
        XCTAssertEqual(p.sample(logits, context: [1, 5]), 2)
    }

    func testTopKAndTopPRestrictTheCandidates() {
        var k = Sampler(GenerationOptions(temperature: 1, topK: 2, seed: 9))
        var p = Sampler(GenerationOptions(temperature: 1, topP: 0.5, seed: 9))
        for _ in 0..<200 {
            XCTAssertTrue([1, 5].contains(k.sample(logits, context: [])))
            // p(1) ≈ 0.33, p(5) ≈ 0.30: the 0.5 nucleus holds exactly those two.
            XCTAssertTrue([1, 5].contains(p.sample(logits, context: [])))
        }
    }

    func testSeededSamplingIsReproducibleAndFollowsTheDistribution() {
        let opts = GenerationOptions(temperature: 1, seed: 42)
        var a = Sampler(opts), b = Sampler(opts)
        var counts = [Int](repeating: 0, count: logits.count)
        for _ in 0..<4000 {
            let x = a.sample(logits, context: [])
            XCTAssertEqual(x, b.sample(logits, context: []))
            counts[Int(x)] += 1
        }
        let z = logits.map { exp(Double($0)) }.reduce(0, +)
        print("sampler: largest frequency gap \(logits.indices.map { abs(Double(counts[$0]) / 4000 - exp(Double(logits[$0])) / z) }.max()!)")
        for i in logits.indices {
            XCTAssertEqual(Double(counts[i]) / 4000, exp(Double(logits[i])) / z, accuracy: 0.015, "token \(i)")   // measured 4.1e-3 (seed 42): 3.7×
        }
        var c = Sampler(GenerationOptions(temperature: 1, seed: 43))
        let other = (0..<50).map { _ in c.sample(logits, context: []) }
        var d = Sampler(opts)
        XCTAssertNotEqual(other, (0..<50).map { _ in d.sample(logits, context: []) })
    }

    func testStopStringsAndStreaming() throws {
        let model = try LanguageModel.load(path: ModelTestSupport.fixtures.appendingPathComponent("tiny-llama/tiny-llama-f32.gguf").path,
                                           threads: 2)
        let full = try model.generate(prompt: "We", options: GenerationOptions(maxTokens: 24, stopIds: []))
        XCTAssertEqual(full.ids.count, 24)
        XCTAssertEqual(full.reason, .maxTokens)
        // Streamed pieces concatenate to the text.
        var streamed = ""
        let again = try model.generate(prompt: "We", options: GenerationOptions(maxTokens: 24, stopIds: [])) {
            streamed += $0
            return true
        }
        XCTAssertEqual(streamed, again.text)
        XCTAssertEqual(again.text, full.text)
        // A stop string taken from the middle of that text cuts it there, and is not streamed.
        let chars = Array(full.text)
        // 24 greedy tokens of the fixture model always give more than 6 characters; fewer would
        // leave nothing to cut, so it is a failure, not a pass.
        guard chars.count >= 6 else { return XCTFail("24 tokens gave only \(chars.count) characters: \(full.text.debugDescription)") }
        let stop = String(chars[chars.count / 2..<chars.count / 2 + 2])
        var cutStream = ""
        let cut = try model.generate(prompt: "We", options: GenerationOptions(maxTokens: 24, stopStrings: [stop], stopIds: [])) {
            cutStream += $0
            return true
        }
        XCTAssertEqual(cut.reason, .stopString)
        XCTAssertEqual(cut.text, String(full.text[..<full.text.range(of: stop)!.lowerBound]))
        XCTAssertEqual(cutStream, cut.text)
        // A stop id ends generation before that token.
        let firstId = full.ids[3]
        let early = try model.generate(prompt: "We", options: GenerationOptions(maxTokens: 24, stopIds: [firstId]))
        XCTAssertEqual(early.reason, .stopToken)
        XCTAssertFalse(early.ids.contains(firstId))
    }
}
