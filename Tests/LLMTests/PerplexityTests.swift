import Foundation
import Kernels
import LLM
import XCTest

/// `yanfu perplexity`'s computation against transformers (f32) and llama-perplexity: first 60,000
/// bytes of 紅樓夢, ctx 512, 8 chunks (~4k tokens of prefill), on the default model and on
/// Qwen2.5-Coder 1.5B (fixtures from Eval/llm/model_perplexity.py).
final class PerplexityTests: XCTestCase {
    /// Relative tolerances: perplexity, its standard error and the first chunk's running value
    /// against transformers f32, and perplexity against llama-perplexity.
    struct Tolerance { var ppl, stderr, firstChunk, llamaCpp: Double }

    func check(_ model: LanguageModel, fixture name: String, _ tol: Tolerance) throws {
        let fixture = try ModelTestSupport.json("ppl/\(name)")
        let data = try Data(contentsOf: try ModelTestSupport.requireCorpus("hongloumeng/zh.txt"))
        var bytes = data.prefix(fixture["bytes"] as! Int)
        while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }   // a character cut at the end: drop it
        if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        let text = String(decoding: bytes, as: UTF8.self)
        let r = try model.perplexity(text: text, context: fixture["ctx"] as! Int, maxChunks: fixture["chunks"] as? Int)
        let hf = fixture["transformers_f32"] as! [String: Double]
        let lc = fixture["llama_cpp"] as! [String: Any]
        print("\(name): \(r.perplexity) ± \(r.standardError); transformers \(hf["ppl"]!), llama.cpp \(lc["ppl"]!)")
        print("\(name): relative gaps: ppl \(abs(r.perplexity / hf["ppl"]! - 1)), stderr \(abs(r.standardError / hf["ppl_stderr"]! - 1)), first chunk \(abs(r.running.first! / hf["first_chunk"]! - 1)), llama.cpp \(abs(r.perplexity / (lc["ppl"] as! Double) - 1))")
        XCTAssertEqual(r.tokensScored, fixture["tokens_scored"] as! Int)
        XCTAssertEqual(r.perplexity, hf["ppl"]!, accuracy: tol.ppl * hf["ppl"]!, "against transformers")
        XCTAssertEqual(r.perplexity, lc["ppl"] as! Double, accuracy: tol.llamaCpp * (lc["ppl"] as! Double), "against llama.cpp")
        XCTAssertEqual(r.standardError, hf["ppl_stderr"]!, accuracy: tol.stderr * hf["ppl_stderr"]!)
        XCTAssertEqual(r.running.first!, hf["first_chunk"]!, accuracy: tol.firstChunk * hf["first_chunk"]!)
    }

    /// Each model twice: with the K-quants' prompt products on int16 panels (x and the weights
    /// rounded to ±8191 per block of 32), then, where AVX-512 VNNI runs them, on int8 panels (x to
    /// ±127 per block of 32, as the runtime computes; llama.cpp rounds x to ±127 per 256).
    func check(_ model: LanguageModel, fixture name: String, int16 tol: Tolerance, int8 looseTol: Tolerance) throws {
        KernelThreads.forceNoVNNI(true)
        defer { KernelThreads.forceNoVNNI(false) }
        try check(model, fixture: name, tol)
        KernelThreads.forceNoVNNI(false)
        guard KernelThreads.vnniEnabled else { return }
        try check(model, fixture: name, looseTol)
    }

    /// Measured 2026-12-06 (int16): 173.0112 against transformers' 173.0001 (6.4e-5), stderr
    /// 2.7e-5, first chunk 1.6e-4; llama-perplexity's 175.0856 is 1.2% away (its reduced
    /// precision). 2026-12-07 (int8): 9.4e-4, 7.1e-4, 1.5e-3; 1.1% from llama.cpp.
    func testHongloumengMatchesTransformersAndLlamaCpp() throws {
        try check(ModelTestSupport.gemma(), fixture: "hongloumeng-zh-60000.json",
                  int16: Tolerance(ppl: 2e-4, stderr: 1e-4, firstChunk: 5e-4, llamaCpp: 3e-2),
                  int8: Tolerance(ppl: 2e-3, stderr: 1.5e-3, firstChunk: 3e-3, llamaCpp: 3e-2))
    }

    /// Measured 2026-12-06 (int16): 62.2584 against transformers' 62.2567 (2.8e-5), stderr 4.1e-5,
    /// first chunk 2.2e-5; llama-perplexity's 62.4693 is 0.34% away. 2026-12-07 (int8): 1.6e-3,
    /// 1.5e-3, 5.5e-4; 0.18% from llama.cpp.
    func testQwen15BHongloumengMatchesTransformersAndLlamaCpp() throws {
        try check(ModelTestSupport.cachedModel(ModelTestSupport.qwen15BFile), fixture: "qwen2.5-coder-1.5b-instruct-hongloumeng-zh-60000.json",
                  int16: Tolerance(ppl: 1e-4, stderr: 1.5e-4, firstChunk: 1e-4, llamaCpp: 1e-2),
                  int8: Tolerance(ppl: 3.5e-3, stderr: 3e-3, firstChunk: 1.2e-3, llamaCpp: 1e-2))
    }

    func testProtocolNeedsTwoWindows() throws {
        let model = try ModelTestSupport.gemma()
        XCTAssertThrowsError(try model.perplexity(tokens: [2, 5, 6, 7, 8, 9, 10], context: 4, bos: 2)) { e in
            XCTAssertTrue("\(e)".contains("at least"), "\(e)")
        }
    }
}

/// The masked scoring `eval-ppl` uses against a log-softmax of the full logits.
final class MaskedNLLTests: XCTestCase {
    func testMaskedNLLEqualsLogSoftmaxOfFullLogits() throws {
        let model = try ModelTestSupport.gemma()
        let tok = try model.tokenizer()
        let ids = try tok.encode("zh: 周伯正要收船。\nen: Uncle Zhou was about to tie up the boat.\n", addBOS: true, parseSpecial: false)
        let scored = ids.indices.map { $0 >= ids.count / 2 && $0 % 3 != 0 }
        let nll = model.makeSession(capacity: 64).negativeLogLikelihoods(ids, scored: scored)
        let logits = model.makeSession(capacity: 64).prefill(ids, logits: .from(0))
        let V = model.config.vocabSize
        var expected: [Double] = []
        for i in 1..<ids.count where scored[i] {
            let row = logits[(i - 1) * V..<i * V].map(Double.init)
            let m = row.max()!
            let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
            expected.append(lse - row[Int(ids[i])])
        }
        XCTAssertEqual(nll.count, expected.count)
        XCTAssertGreaterThan(nll.count, 5)
        print("masked NLL: largest gap \(zip(nll, expected).map { abs($0 - $1) / max(1, $1) }.max()!)")
        // Measured 3.8e-7 (relative, or absolute below 1): 1.5e-6 is 3.9×.
        for (a, b) in zip(nll, expected) { XCTAssertEqual(a, b, accuracy: 1.5e-6 * max(1, b)) }
        XCTAssertEqual(model.makeSession().negativeLogLikelihoods(ids, scored: ids.map { _ in false }), [])
    }
}
