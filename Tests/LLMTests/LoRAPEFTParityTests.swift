import Foundation
import Kernels
import LLM
import XCTest

/// Three AdamW steps from the same initial adapter give PEFT's losses (fixtures made by
/// Eval/lora/peft_parity.py with transformers + peft in f32), on Gemma 3 270M and Qwen2.5 0.5B, with
/// the products through the frozen weights in f32 and, where the kernel runs, in int16.
final class LoRAPEFTParityTests: XCTestCase {
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
            XCTAssertEqual(Double(r.loss), want, accuracy: 1e-3 * want, "step \(i + 1) loss")
            XCTAssertEqual(Double(r.gradNorm), norms[i], accuracy: 1e-2 * norms[i], "step \(i + 1) grad norm")
        }
        let final = try trainer.lossAndGradients(tokens: ids, lossMask: mask).loss
        let wantFinal = fx["final_loss"] as! Double
        print("\(fixture) integer=\(integer): loss after the third update, relative gap \(abs(final - wantFinal) / wantFinal)")
        XCTAssertEqual(final, wantFinal, accuracy: 3e-3 * wantFinal, "loss after the third update")
    }
}
