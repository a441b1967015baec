import Foundation
import LLM
import XCTest

/// The one generation loop (`Session.generate`) with what translate adds: continuing a session,
/// a penalty on the generated tokens only, bans, a minimum length. Checked against a plain
/// greedy loop written out here over prefill/decode, on the tiny Llama fixture.
final class GenerationLoopTests: XCTestCase {
    func model() throws -> LanguageModel {
        try LanguageModel.load(path: ModelTestSupport.fixtures.appendingPathComponent("tiny-llama/tiny-llama-f32.gguf").path,
                               threads: 2)
    }

    let prompt: [Int32] = [1, 15, 27, 4, 33, 8]

    /// Greedy decoding spelled out: penalty on the generated tokens (and the prompt's with
    /// `penalizePrompt`), `banned` set to −∞, and before `minTokens` a token in `early` passed over
    /// for the next best.
    func reference(_ m: LanguageModel, prompt: [Int32], maxTokens: Int, penalty: Float, penalizePrompt: Bool = false,
                   banned: Set<Int32> = [], minTokens: Int = 0, early: Set<Int32> = []) -> [Int32] {
        let s = m.makeSession(capacity: 64)
        var logits = s.prefill(prompt), out: [Int32] = []
        func best() -> Int32 {
            var b = 0
            for i in logits.indices where logits[i] > logits[b] { b = i }
            return Int32(b)
        }
        while out.count < maxTokens {
            for id in Set(out + (penalizePrompt ? prompt : [])) { logits[Int(id)] = logits[Int(id)] > 0 ? logits[Int(id)] / penalty : logits[Int(id)] * penalty }
            for id in banned { logits[Int(id)] = -.infinity }
            var id = best()
            while out.count < minTokens && early.contains(id) { logits[Int(id)] = -.infinity; id = best() }
            out.append(id)
            logits = s.decode(id)
        }
        return out
    }

    func testGeneratedScopeBansAndMinimumMatchThePlainLoop() throws {
        let m = try model()
        let options = GenerationOptions(maxTokens: 10, repetitionPenalty: 1.5)
        func run(banned: Set<Int32> = [], minTokens: Int = 0, early: Set<Int32> = []) -> [Int32] {
            m.makeSession(capacity: 64).generate(
                prompt: prompt, options: options, stopIds: [], penaltyScope: .generated, minTokens: minTokens,
                endsEarly: { early.contains($0) }, restrict: { _, l in for id in banned { l[Int(id)] = -.infinity } }
            ) { _ in true }.ids
        }
        let plain = run()
        XCTAssertEqual(plain, reference(m, prompt: prompt, maxTokens: 10, penalty: 1.5))
        // The context scope penalizes the prompt's tokens too: a prompt holding the answer's first
        // token turns the answer away from it.
        let echo = prompt + [plain[0]]
        let context = m.makeSession(capacity: 64).generate(prompt: echo, options: GenerationOptions(maxTokens: 10, repetitionPenalty: 50),
                                                           stopIds: []) { _ in true }.ids
        XCTAssertEqual(context, reference(m, prompt: echo, maxTokens: 10, penalty: 50, penalizePrompt: true))
        XCTAssertNotEqual(context, reference(m, prompt: echo, maxTokens: 10, penalty: 50))
        // Banning the first pick, and passing over the first two picks as line ends.
        let banned: Set<Int32> = [plain[0]]
        let withBan = run(banned: banned)
        XCTAssertNotEqual(withBan[0], plain[0])
        XCTAssertEqual(withBan, reference(m, prompt: prompt, maxTokens: 10, penalty: 1.5, banned: banned))
        let early: Set<Int32> = [plain[0], plain[1]]
        let withMinimum = run(minTokens: 4, early: early)
        XCTAssertTrue(withMinimum.prefix(4).allSatisfy { !early.contains($0) }, "\(withMinimum)")
        XCTAssertEqual(withMinimum, reference(m, prompt: prompt, maxTokens: 10, penalty: 1.5, minTokens: 4, early: early))
    }

    func testRestrictSeesTheTokensSoFarAndStopsEndTheLoop() throws {
        let m = try model()
        var seen: [[Int32]] = []
        let r = m.makeSession(capacity: 64).generate(prompt: prompt, options: GenerationOptions(maxTokens: 5), stopIds: [],
                                                     restrict: { generated, _ in seen.append(generated) }) { _ in true }
        XCTAssertEqual(seen, (0..<5).map { Array(r.ids[..<$0]) })
        XCTAssertEqual(r.reason, .maxTokens)
        // onToken stops after the token it sees; a stop id ends before its token.
        let s = m.makeSession(capacity: 64)
        let cut = s.generate(prompt: prompt, options: GenerationOptions(maxTokens: 5), stopIds: []) { _ in false }
        XCTAssertEqual(cut.ids, [r.ids[0]])
        XCTAssertEqual(cut.reason, .callback)
        XCTAssertEqual(s.tokens, prompt, "the token that stopped the loop is not run through the model")
        let stopped = m.makeSession(capacity: 64).generate(prompt: prompt, options: GenerationOptions(maxTokens: 5),
                                                           stopIds: [r.ids[2]]) { _ in true }
        XCTAssertEqual(stopped.reason, .stopToken)
        XCTAssertEqual(stopped.ids, Array(r.ids[..<2]))
    }

    func testContinuingATruncatedSessionGivesAFreshSessionsAnswer() throws {
        let m = try model()
        let options = GenerationOptions(maxTokens: 6, repetitionPenalty: 1.3)
        let fresh = m.makeSession(capacity: 64).generate(prompt: prompt, options: options, stopIds: [],
                                                         penaltyScope: .generated) { _ in true }
        // A session holding the prompt's first half and then other tokens keeps only the half.
        let s = m.makeSession(capacity: 64)
        s.prefill(Array(prompt[..<3]) + [40, 41, 42])
        s.truncate(to: 3)
        XCTAssertEqual(s.tokens, Array(prompt[..<3]))
        let continued = s.generate(prompt: Array(prompt[3...]), options: options, stopIds: [], penaltyScope: .generated) { _ in true }
        XCTAssertEqual(continued.ids, fresh.ids)
        // At maxTokens the last token is not run: the cache ends one short of the answer.
        XCTAssertEqual(s.tokens, prompt + continued.ids.dropLast())
    }
}
