import Foundation
import Kernels
import LLM
import XCTest

/// Three AdamW steps from the same initial adapter give PEFT's losses (fixtures made by
/// Eval/lora/peft_parity.py with transformers + peft in f32), on Gemma 3 270M and Qwen2.5 0.5B, with
/// the products through the frozen weights in f32 and, where the kernels run, as integers: all in
/// int16, and as training computes them (Q4_K and Q6_K forward products in int8).
final class LoRAPEFTParityTests: XCTestCase {
    /// Relative tolerances for the three step losses, the three gradient norms and the loss after
    /// the third update, about 3× the largest gap measured (in the comments).
    struct Tolerance { var loss: Double, gradNorm: Double, final: Double }
    static let tolerances: [String: Tolerance] = [
        // Gemma 3 270M, f32 products: losses 5.4e-6, 2.4e-6, 1.1e-5; norms up to 1.4e-4; final 3.1e-5.
        "peft-parity.json f32": Tolerance(loss: 3e-5, gradNorm: 4e-4, final: 1e-4),
        // int16 products (2026-12-06): losses 2.5e-5, 1.8e-5, 6.2e-5; norms up to 2.5e-4; final 5.5e-4.
        "peft-parity.json int16": Tolerance(loss: 2e-4, gradNorm: 7e-4, final: 1.5e-3),
        // Qwen2.5-Coder 0.5B, f32: losses 9.9e-6, 9.1e-6, 3.5e-5; norms up to 1.4e-4; final 1.5e-5.
        "peft-parity-qwen2.5-coder-0.5b-instruct.json f32": Tolerance(loss: 1e-4, gradNorm: 4e-4, final: 5e-5),
        // int16: losses 8.7e-6, 5.7e-5, 1.8e-4; norms up to 2.1e-4; final 2.0e-4.
        "peft-parity-qwen2.5-coder-0.5b-instruct.json int16": Tolerance(loss: 5e-4, gradNorm: 6e-4, final: 6e-4),
        // Q4_K/Q6_K forward products in int8 (x to ±127 per block of 32, a rounding as coarse as
        // bf16's), measured 2026-12-07: Gemma losses 1.5e-3, 9.1e-4, 4.7e-3, norms up to 4.1e-3,
        // final 2.0e-2 (0.006 of a loss of 0.30 after three steps at the fixture's high rate);
        // Qwen 0.5B losses 7.3e-5, 8.7e-4, 1.1e-4, norms up to 6.7e-3, final 8.3e-3.
        "peft-parity.json int8": Tolerance(loss: 1e-2, gradNorm: 1e-2, final: 5e-2),
        "peft-parity-qwen2.5-coder-0.5b-instruct.json int8": Tolerance(loss: 3e-3, gradNorm: 2e-2, final: 2.5e-2),
    ]

    func testThreeStepsMatchPEFT() throws {
        try threeSteps(try ModelTestSupport.gemma(), fixture: "peft-parity.json", integer: false)
    }

    func testThreeStepsWithIntegerProductsMatchPEFT() throws {
        try XCTSkipUnless(Int16Weights.fast, "no AVX512-VNNI here: training keeps f32 products")
        try integerSteps(try ModelTestSupport.gemma(), fixture: "peft-parity.json")
    }

    func testQwen05BThreeStepsMatchPEFT() throws {
        let model = try ModelTestSupport.cachedModel(ModelTestSupport.qwen05BFile)
        try threeSteps(model, fixture: "peft-parity-qwen2.5-coder-0.5b-instruct.json", integer: false)
        if Int16Weights.fast { try integerSteps(model, fixture: "peft-parity-qwen2.5-coder-0.5b-instruct.json") }
    }

    /// Integer products twice: every product in int16 (as without AVX-512 VNNI's int8 kernels),
    /// then as training runs, Q4_K and Q6_K forward products in int8.
    func integerSteps(_ model: LanguageModel, fixture: String) throws {
        KernelThreads.forceNoVNNI(true)
        defer { KernelThreads.forceNoVNNI(false) }
        try threeSteps(model, fixture: fixture, integer: true, products: "int16")
        KernelThreads.forceNoVNNI(false)
        guard KernelThreads.vnniEnabled else { return }
        try threeSteps(model, fixture: fixture, integer: true, products: "int8")
    }

    func threeSteps(_ model: LanguageModel, fixture: String, integer: Bool, products: String = "f32") throws {
        let tol = try XCTUnwrap(Self.tolerances["\(fixture) \(products)"])
        let url = ModelTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/lora/" + fixture)
        let fx = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let lora = fx["lora"] as! [String: Any], adam = fx["adamw"] as! [String: Any]
        let cfg = LoRAConfig(rank: lora["rank"] as! Int, alpha: (lora["alpha"] as! NSNumber).floatValue, dropout: 0,
                             targets: try LoRATarget.parseList(lora["targets"] as! String), seed: UInt64(lora["seed"] as! Int))
        let opt = AdamWConfig(learningRate: (adam["lr"] as! NSNumber).floatValue, eps: 1e-7, weightDecay: 0, warmupSteps: 0,
                              maxGradNorm: (adam["max_grad_norm"] as! NSNumber).floatValue)
        let trainer = try LoRATrainer(model: model, adapter: try LoRAAdapter(model: model, config: cfg), optimizer: opt, threads: 2)
        XCTAssertEqual(trainer.integerProducts, Int16Weights.fast, "integer products are the default for a quantized model")
        trainer.integerProducts = integer
        let ids = (fx["ids"] as! [Int]).map(Int32.init)
        let mask = fx["loss_mask"] as! [Bool]
        let losses = fx["losses"] as! [Double], norms = fx["grad_norms"] as! [Double]
        XCTAssertEqual(losses.count, 3)
        XCTAssertEqual(norms.count, 3)
        for (i, want) in losses.enumerated() {
            let r = try trainer.step(tokens: ids, lossMask: mask)
            trainer.advanceSchedule()
            print("\(fixture) \(products) step \(i + 1): loss relative gap \(abs(Double(r.loss) - want) / want), grad norm relative gap \(abs(Double(r.gradNorm) - norms[i]) / norms[i])")
            XCTAssertEqual(Double(r.loss), want, accuracy: tol.loss * want, "step \(i + 1) loss")
            XCTAssertEqual(Double(r.gradNorm), norms[i], accuracy: tol.gradNorm * norms[i], "step \(i + 1) grad norm")
        }
        let final = try trainer.lossAndGradients(tokens: ids, lossMask: mask).loss
        let wantFinal = fx["final_loss"] as! Double
        print("\(fixture) \(products): loss after the third update, relative gap \(abs(final - wantFinal) / wantFinal)")
        XCTAssertEqual(final, wantFinal, accuracy: tol.final * wantFinal, "loss after the third update")
    }
}
