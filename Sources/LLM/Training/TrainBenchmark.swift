import Foundation

/// Times Temp-LoRA training steps on one sequence: `context` masked tokens then `target` tokens
/// with loss (the paper's L_T / Δ split), a fresh adapter and AdamW.
public struct TrainBenchmark: Sendable {
    public struct Report: Codable, Sendable {
        public var steps: [TrainStepResult]
        /// Medians over the steps.
        public var stepSeconds: Double, forwardSeconds: Double, backwardSeconds: Double, optimizerSeconds: Double
        public var tokens: Int, targetTokens: Int, threads: Int, rank: Int, alpha: Float, targets: [String]
        public var trainableParameters: Int
        public var activationBytes: Int
        public var peakResidentBytes: Int?
        /// Integer products through the frozen weights (int8 forward for Q4_K/Q6_K, else int16; or f32).
        public var integerProducts: Bool
    }

    public var contextTokens = 512, targetTokens = 512, steps = 3, threads = 2
    public var lora = LoRAConfig()
    public var optimizer = AdamWConfig()
    /// Force f32 products through the frozen weights (default: the trainer's choice).
    public var f32Products = false

    public init() {}

    /// The benchmark's sequence: BOS then token ids from `text` (repeated if short), or a fixed
    /// pseudo-random sequence without text.
    public func sequence(model: LanguageModel, text: String?) throws -> [Int32] {
        let n = contextTokens + targetTokens
        var ids: [Int32] = []
        let tok = try model.tokenizer()
        if let text, !text.isEmpty {
            let all = try tok.encode(text, addBOS: false, parseSpecial: false)
            if all.isEmpty { throw LoRAError("the benchmark text has no tokens") }
            while ids.count < n - 1 { ids += all.prefix(n - 1 - ids.count) }
        } else {
            var r = LoRARandom(1234)
            ids = (0..<(n - 1)).map { _ in Int32(1000 + Int(r.next() % 200_000) % max(1, model.config.vocabSize - 1000)) }
        }
        return [tok.bosId] + ids
    }

    public func run(model: LanguageModel, text: String?) throws -> Report {
        let n = contextTokens + targetTokens
        let ids = try sequence(model: model, text: text)
        let mask = (0..<n).map { $0 >= contextTokens }
        let adapter = try LoRAAdapter(model: model, config: lora)
        let trainer = try LoRATrainer(model: model, adapter: adapter, optimizer: optimizer, threads: threads)
        if f32Products { trainer.integerProducts = false }
        var results: [TrainStepResult] = []
        for _ in 0..<max(1, steps) {
            results.append(try trainer.step(tokens: ids, lossMask: mask))
            trainer.advanceSchedule()
        }
        func median(_ f: (TrainStepResult) -> Double) -> Double {
            let v = results.map(f).sorted()
            return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        }
        return Report(steps: results, stepSeconds: median(\.seconds), forwardSeconds: median(\.forwardSeconds),
                      backwardSeconds: median(\.backwardSeconds), optimizerSeconds: median(\.optimizerSeconds),
                      tokens: n, targetTokens: results.first?.targetTokens ?? 0, threads: threads, rank: lora.rank,
                      alpha: lora.alpha, targets: lora.targets.map(\.rawValue), trainableParameters: adapter.parameterCount,
                      activationBytes: trainer.peakActivationBytes, peakResidentBytes: MemoryUsage.peakResidentBytes,
                      integerProducts: trainer.integerProducts)
    }
}
