import Foundation
import LLM
import XCTest

final class LoRAFileTests: XCTestCase {
    /// PEFT and GGUF files round-trip exactly, for gemma3, qwen2 and llama (whose q/k B rows are
    /// stored in HF order in PEFT files and permuted in GGUF files; qwen2's are never permuted).
    func testRoundTrips() throws {
        for arch in ["gemma3", "llama", "qwen2"] {
            let model = try LoRATestSupport.tinyModel(arch)
            let a = try LoRAAdapter(model: model, config: LoRAConfig(rank: 3, alpha: 6, dropout: 0, targets: [.q, .k, .down], layers: 1...1))
            LoRATestSupport.randomize(a)
            let dir = LoRATestSupport.tempDir("peft")
            try a.savePEFT(to: dir, baseModelName: "tiny")
            let p = try LoRAAdapter.loadPEFT(from: dir, model: model)
            XCTAssertTrue(p.isBitIdentical(to: a), arch)
            XCTAssertEqual(p.config.targets, [.q, .k, .down])
            XCTAssertEqual(p.config.layers, 1...1)
            XCTAssertEqual(p.config.alpha, 6)
            let g = dir + "/a.gguf"
            try a.saveGGUF(to: g)
            let q = try LoRAAdapter.loadGGUF(from: g, model: model)
            XCTAssertTrue(q.isBitIdentical(to: a), arch)
            // Key layout and row order in the files themselves.
            let st = try SafetensorsFile(path: dir + "/adapter_model.safetensors")
            let key = "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight"
            XCTAssertEqual(st.tensors[key]?.shape, [model.config.qDim, 3])
            let peftB = try st.floats(st.tensors[key]!)
            let gf = try GGUFFile(path: g)
            XCTAssertEqual(gf.metadata["general.type"]?.string, "adapter")
            XCTAssertEqual(gf.metadata["adapter.lora.alpha"]?.double, 6)
            let ggufB = try gf.floats(gf.tensor(named: "blk.1.attn_q.weight.lora_b")!)
            let hd = model.config.headDim
            if arch == "llama" {
                // GGUF row 2j = HF row j; GGUF row 2j+1 = HF row j + hd/2 (engine order = GGUF).
                XCTAssertEqual(Array(ggufB[(2 * 1) * 3..<(2 * 1 + 1) * 3]), Array(peftB[1 * 3..<2 * 3]))
                XCTAssertEqual(Array(ggufB[(2 * 1 + 1) * 3..<(2 * 1 + 2) * 3]), Array(peftB[(1 + hd / 2) * 3..<(2 + hd / 2) * 3]))
                XCTAssertNotEqual(ggufB, peftB)
            } else {
                XCTAssertEqual(ggufB, peftB)
            }
        }
    }

    func testBadFilesAreRejectedWithTheirName() throws {
        let model = try LoRATestSupport.tinyModel("gemma3")
        let dir = LoRATestSupport.tempDir("peft-bad")
        XCTAssertThrowsError(try LoRAAdapter.loadPEFT(from: dir, model: model)) { e in
            XCTAssertTrue("\(e)".contains("adapter_config.json"), "\(e)")
        }
        let a = try LoRAAdapter(model: model, config: LoRAConfig(rank: 2, targets: [.v]))
        try a.savePEFT(to: dir, baseModelName: "x")
        let other = try LoRATestSupport.tinyModel("gemma3", layers: 1)
        XCTAssertThrowsError(try LoRAAdapter.loadPEFT(from: dir, model: other)) { e in
            XCTAssertTrue("\(e)".contains("adapter_model.safetensors"), "\(e)")
        }
    }
}

extension LoRAFileTests {
    /// A PEFT adapter trained on the HF tiny Llama (rotate-half q/k rows) gives transformers'
    /// loss when loaded onto the GGUF conversion (permuted q/k rows): checks the B-row permutation.
    /// Fixture: Eval/lora/peft_tiny_llama.py.
    func testPEFTAdapterOnPermutedLlamaGGUF() throws {
        let fixtures = ModelTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures")
        let model = try LanguageModel.load(path: fixtures.appendingPathComponent("llm/tiny-llama/tiny-llama-f32.gguf").path, threads: 1)
        let dir = fixtures.appendingPathComponent("lora/tiny-llama-peft").path
        let fx = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json"))) as! [String: Any]
        let ids = (fx["ids"] as! [Int]).map(Int32.init)
        let first = fx["first_target"] as! Int
        let mask = ids.indices.map { $0 >= first }
        let adapter = try LoRAAdapter.loadPEFT(from: dir, model: model)
        XCTAssertEqual(adapter.config.rank, 4)
        XCTAssertEqual(adapter.config.targets, LoRATarget.allCases)
        let trained = try LoRATrainer(model: model, adapter: adapter, optimizer: AdamWConfig(), threads: 1)
        let want = fx["loss_with_adapter"] as! Double
        let loss = try trained.lossAndGradients(tokens: ids, lossMask: mask).loss
        print("tiny llama PEFT adapter: loss relative gap \(abs(loss - want) / want)")
        XCTAssertEqual(loss, want, accuracy: 5e-8 * want)   // measured 1.2e-8 relative: 4.3×
        let fresh = try LoRATrainer(model: model, adapter: try LoRAAdapter(model: model, config: LoRAConfig(rank: 4)),
                                    optimizer: AdamWConfig(), threads: 1)
        let base = fx["loss_base"] as! Double
        let baseLoss = try fresh.lossAndGradients(tokens: ids, lossMask: mask).loss
        print("tiny llama base: loss relative gap \(abs(baseLoss - base) / base)")
        XCTAssertEqual(baseLoss, base, accuracy: 5e-8 * base)   // measured 9.2e-9 relative: 5.4×
        // Inference path too: teacher-forced NLL with the adapter.
        let nll = model.makeSession(adapter: adapter).negativeLogLikelihoods(ids, scoredFrom: first - 1)
        let meanNLL = nll.reduce(0, +) / Double(nll.count)
        print("tiny llama PEFT adapter: inference NLL relative gap \(abs(meanNLL - want) / want)")
        XCTAssertEqual(meanNLL, want, accuracy: 5e-8 * want)   // measured 1.4e-8 relative: 3.5×
        // Decoding one token at a time (the matrix-vector path of the delta) gives the logits of
        // a whole-prompt prefill (the SGEMM path).
        let whole = model.makeSession(adapter: adapter).prefill(ids)
        let stepwise = model.makeSession(adapter: adapter)
        stepwise.prefill(Array(ids.dropLast(3)), logits: .none)
        var last: [Float] = []
        for id in ids.suffix(3) { last = stepwise.decode(id) }
        XCTAssertEqual(last.count, whole.count)
        let decodeGap = zip(last, whole).map { abs($0 - $1) }.max()!
        print("tiny llama PEFT adapter: decode vs prefill largest |Δlogit| \(decodeGap)")
        XCTAssertLessThan(decodeGap, 3e-6)   // measured 7.2e-7: 4.2×
        // Round trip through GGUF keeps it exact.
        let g = LoRATestSupport.tempDir("tiny-gguf") + "/a.gguf"
        try adapter.saveGGUF(to: g)
        XCTAssertTrue(try LoRAAdapter.loadGGUF(from: g, model: model).isBitIdentical(to: adapter))
    }
}
