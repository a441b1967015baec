import Foundation
import Kernels
import LLM
import XCTest

/// Tiny random qwen2, qwen3 and llama3-scaled models made with transformers
/// (Eval/llm/tiny_architectures.py): the Hugging Face folder and its GGUF conversion give
/// transformers' f32 logits at every position of every prompt.
final class TinyArchitectureTests: XCTestCase {
    struct Expected: Decodable {
        struct Prompt: Decodable { let ids: [Int32]; let first_row: Int }
        let architecture: String
        let vocab_size: Int
        let prompts: [Prompt]
    }

    /// Largest |Δ| over every logit, both loaders, 2026-12-06: 7.2e-7 (qwen2), 1.4e-6 (qwen3), 1.1e-6
    /// (llama3); earlier builds 9.5e-7, 1.7e-6, 1.3e-6. Tolerances 3e-6, 5e-6, 4e-6: 3–4× today's.
    static let tolerance: [String: Float] = ["qwen2": 3e-6, "qwen3": 5e-6, "llama3": 4e-6]

    func check(_ arch: String, expectedArchitecture: String) throws {
        let tolerance = try XCTUnwrap(Self.tolerance[arch], arch)
        let dir = ModelTestSupport.fixtures.appendingPathComponent("tiny-arch/\(arch)")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let raw = try Data(contentsOf: dir.appendingPathComponent("logits.f32"))
        let reference = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let V = expected.vocab_size
        XCTAssertEqual(expected.prompts.count, 3)
        XCTAssertEqual(reference.count, expected.prompts.reduce(0) { $0 + $1.ids.count } * V)
        for path in [dir.appendingPathComponent("hf").path, dir.appendingPathComponent("model.gguf").path] {
            let model = try LanguageModel.load(path: path, threads: 2)
            XCTAssertEqual(model.config.architecture, expectedArchitecture, path)
            XCTAssertEqual(model.config.vocabSize, V, path)
            var worst: Float = 0
            for p in expected.prompts {
                let logits = model.makeSession(capacity: p.ids.count).prefill(p.ids, logits: .from(0))
                XCTAssertEqual(logits.count, p.ids.count * V)
                for (i, x) in logits.enumerated() { worst = max(worst, abs(x - reference[p.first_row * V + i])) }
            }
            XCTAssertLessThan(worst, tolerance, "\(arch) \(path): largest |Δ| against transformers")
            print("\(arch) \((path as NSString).lastPathComponent): largest |Δ| \(worst)")
        }
    }

    func testQwen2MatchesTransformers() throws { try check("qwen2", expectedArchitecture: "qwen2") }
    func testQwen3MatchesTransformers() throws { try check("qwen3", expectedArchitecture: "qwen3") }
    func testLlama3ScaledRopeMatchesTransformers() throws { try check("llama3", expectedArchitecture: "llama") }

    /// The scaled RoPE is what makes llama3 agree: without the factors the logits move far off.
    func testLlama3FactorsMatter() throws {
        let dir = ModelTestSupport.fixtures.appendingPathComponent("tiny-arch/llama3/model.gguf").path
        let model = try LanguageModel.load(path: dir, threads: 1)
        let factors = try XCTUnwrap(model.config.ropeFrequencyFactors)
        XCTAssertEqual(factors.count, model.config.rotaryDims / 2)
        // The converter's factors equal ours from the HF rope_scaling.
        let ours = RopeTable.llama3FrequencyFactors(rotaryDims: 16, base: 10_000, factor: 8, lowFrequencyFactor: 1,
                                                    highFrequencyFactor: 4, originalContext: 32)
        XCTAssertEqual(ours.count, factors.count)
        print("llama3 RoPE factors: largest gap \(zip(factors, ours).map { abs($0 - $1) }.max()!)")
        for (a, b) in zip(factors, ours) { XCTAssertEqual(a, b, accuracy: 3e-6) }   // measured 7.2e-7: 4.2×
        XCTAssert(factors.contains { $0 != 1 && $0 != 8 }, "the fixture must exercise the interpolated band")
    }

    /// An architecture Yanfu does not run is refused with its name.
    func testUnknownArchitectureIsNamed() throws {
        var w = GGUFWriter()
        w.set("general.architecture", .string("mamba"))
        let path = NSTemporaryDirectory() + "yanfu-unknown-arch-\(getpid()).gguf"
        try w.write(to: path)
        XCTAssertThrowsError(try LanguageModel.load(path: path, threads: 1)) { error in
            XCTAssert("\(error)".contains("mamba"), "\(error)")
            XCTAssert("\(error)".contains("qwen2"), "\(error)")
        }
    }
}
