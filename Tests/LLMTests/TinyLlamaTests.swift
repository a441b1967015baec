import Foundation
import LLM
import XCTest

/// A tiny random Llama written by transformers (F32/BF16/F16 safetensors) and the same model
/// converted to GGUF by llama.cpp give transformers' logits (Tests/Fixtures/llm/tiny-llama/,
/// made by Eval/llm/tiny_llama.py). The GGUF's Q/K rows are permuted (adjacent-pair RoPE), the
/// folder's are not (rotate-half): both must agree with the same reference.
final class TinyLlamaTests: XCTestCase {
    let dir = ModelTestSupport.fixtures.appendingPathComponent("tiny-llama")

    func prompts() throws -> [[String: Any]] {
        try ModelTestSupport.json("tiny-llama/expected_logits.json")["prompts"] as! [[String: Any]]
    }

    func checkAllPositions(_ path: String, tolerance: Float) throws {
        let model = try LanguageModel.load(path: path, threads: 2)
        XCTAssertEqual(model.config.architecture, "llama")
        let prompts = try prompts()
        XCTAssertEqual(prompts.count, 3)
        var largest: Float = 0
        for (n, p) in prompts.enumerated() {
            let ids = (p["ids"] as! [Int]).map(Int32.init)
            let expected = (p["logits"] as! [[Double]])
            let session = model.makeSession(capacity: ids.count)
            // Prefill half, then decode the rest one token at a time: both paths are checked.
            let half = ids.count / 2
            var rows = session.prefill(Array(ids[..<half]), logits: .from(0))
            for id in ids[half...] { rows += session.decode(id) }
            let V = model.config.vocabSize
            XCTAssertEqual(rows.count, ids.count * V)
            var worst: Float = 0
            for t in 0..<ids.count {
                for v in 0..<V { worst = max(worst, abs(rows[t * V + v] - Float(expected[t][v]))) }
            }
            XCTAssertLessThan(worst, tolerance, "\(path) prompt \(n): max |Δlogit|")
            largest = max(largest, worst)
        }
        print("tiny llama \((path as NSString).lastPathComponent): largest |Δlogit| \(largest)")
    }

    /// Measured 2.2e-6 (GGUF) and 2.3e-6 (folder) largest |Δlogit| over every position: 1e-5 is 4.4×.
    func testGGUFMatchesTransformers() throws {
        try checkAllPositions(dir.appendingPathComponent("tiny-llama-f32.gguf").path, tolerance: 1e-5)
    }

    func testHFFolderMatchesTransformers() throws {
        try checkAllPositions(dir.appendingPathComponent("hf").path, tolerance: 1e-5)
    }

    func testHalfPrecisionFolders() throws {
        // The reference upcasts the stored half-precision weights exactly and computes in f32, as
        // Yanfu does: the same agreement as the f32 folder is expected. Measured 1.5e-6 (BF16) and
        // 1.5e-6 (F16) at the last position: 5e-6 is 3.4×.
        for (folder, key, tolerance) in [("hf-bf16", "last_logits_bf16", 5e-6), ("hf-f16", "last_logits_f16", 5e-6)] {
            let model = try LanguageModel.load(path: dir.appendingPathComponent(folder).path, threads: 2)
            let prompts = try prompts()
            XCTAssertEqual(prompts.count, 3)
            var largest = 0.0
            for p in prompts {
                let ids = (p["ids"] as! [Int]).map(Int32.init)
                let expected = p[key] as! [Double]
                let logits = model.makeSession(capacity: ids.count).prefill(ids)
                XCTAssertEqual(logits.count, expected.count, folder)
                let worst = zip(logits, expected).map { abs(Double($0) - $1) }.max()!
                XCTAssertLessThan(worst, tolerance, "\(folder): max |Δlogit| at the last position")
                largest = max(largest, worst)
            }
            print("tiny llama \(folder): largest |Δlogit| at the last position \(largest)")
        }
    }

    func testGGUFAndFolderGreedyAgree() throws {
        let a = try LanguageModel.load(path: dir.appendingPathComponent("tiny-llama-f32.gguf").path, threads: 2)
        let b = try LanguageModel.load(path: dir.appendingPathComponent("hf").path, threads: 2)
        let opts = GenerationOptions(maxTokens: 12, stopIds: [])
        let ra = try a.generate(prompt: "We will go", options: opts)
        let rb = try b.generate(prompt: "We will go", options: opts)
        XCTAssertEqual(ra.promptIds, rb.promptIds)
        XCTAssertEqual(ra.ids, rb.ids)
        XCTAssertEqual(ra.ids.count, 12)
    }
}
