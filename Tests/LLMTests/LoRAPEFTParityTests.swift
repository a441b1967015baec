import Foundation
import Kernels
import LLM
import XCTest

/// Three AdamW steps from the same initial adapter give PEFT's losses (fixtures made by
/// Eval/lora/peft_parity.py with transformers + peft in f32), on Gemma 3 270M and Qwen2.5 0.5B, with
/// the products through the frozen weights in f32 and, where the kernel runs, in int16.
final class LoRAPEFTParityTests: XCTestCase {
    /// Relative tolerances for the three step losses, the three gradient norms and the loss after
    /// the third update, about 3× the largest gap measured on 2026-12-06 (in the comments).
    struct Tolerance { var loss: Double, gradNorm: Double, final: Double }
    static let tolerances: [String: Tolerance] = [
        // Gemma 3 270M, f32 products: losses 5.4e-6, 2.4e-6, 1.1e-5; norms up to 1.4e-4; final 3.1e-5.
        "peft-parity.json f32": Tolerance(loss: 3e-5, gradNorm: 4e-4, final: 1e-4),
        // int16 products: losses 2.5e-5, 1.8e-5, 6.2e-5; norms up to 2.5e-4; final 5.5e-4.
        "peft-parity.json int16": Tolerance(loss: 2e-4, gradNorm: 7e-4, final: 1.5e-3),
        // Qwen2.5-Coder 0.5B, f32: losses 9.9e-6, 9.1e-6, 3.5e-5; norms up to 1.4e-4; final 1.5e-5.
        "peft-parity-qwen2.5-coder-0.5b-instruct.json f32": Tolerance(loss: 1e-4, gradNorm: 4e-4, final: 5e-5),
        // int16: losses 8.7e-6, 5.7e-5, 1.8e-4; norms up to 2.1e-4; final 2.0e-4.
        "peft-parity-qwen2.5-coder-0.5b-instruct.json int16": Tolerance(loss: 5e-4, gradNorm: 6e-4, final: 6e-4),
    ]

    func testThreeStepsMatchPEFT() throws {
        try threeSteps(try ModelTestSupport.gemma(), fixture: "peft-parity.json", integer: false)
    }

    func testThreeStepsWithIntegerProductsMatchPEFT() throws {
        try XCTSkipUnless(Int16Weights.fast, "no AVX512-VNNI here: training keeps f32 products")
        try threeSteps(try ModelTestSupport.gemma(), fixture: "peft-parity.json", integer: true)
    }

    func testQwen05BThreeStepsMatchPEFT() throws {
        let model = try ModelTestSupport.cachedModel(ModelTestSupport.qwen05BFile)
        try threeSteps(model, fixture: "peft-parity-qwen2.5-coder-0.5b-instruct.json", integer: false)
        if Int16Weights.fast { try threeSteps(model, fixture: "peft-parity-qwen2.5-coder-0.5b-instruct.json", integer: true) }
    }

    func threeSteps(_ model: LanguageModel, fixture: String, integer: Bool) throws {
        let tol = try XCTUnwrap(Self.tolerances["\(fixture) \(integer ? "int16" : "f32")"])
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
            print("\(fixture) integer=\(integer) step \(i + 1): loss relative gap \(abs(Double(r.loss) - want) / want), grad norm relative gap \(abs(Double(r.gradNorm) - norms[i]) / norms[i])")
            XCTAssertEqual(Double(r.loss), want, accuracy: tol.loss * want, "step \(i + 1) loss")
            XCTAssertEqual(Double(r.gradNorm), norms[i], accuracy: tol.gradNorm * norms[i], "step \(i + 1) grad norm")
        }
        let final = try trainer.lossAndGradients(tokens: ids, lossMask: mask).loss
        let wantFinal = fx["final_loss"] as! Double
        print("\(fixture) integer=\(integer): loss after the third update, relative gap \(abs(final - wantFinal) / wantFinal)")
        XCTAssertEqual(final, wantFinal, accuracy: tol.final * wantFinal, "loss after the third update")
    }
}
