import Foundation
import Kernels

/// The outcome of one optimizer step.
public struct TrainStepResult: Codable, Sendable {
    /// Mean cross-entropy over the target positions (nats).
    public let loss: Float
    /// Global L2 norm of the LoRA gradients before clipping.
    public let gradNorm: Float
    /// Tokens run through the model and positions carrying loss.
    public let tokens: Int
    public let targetTokens: Int
    public let seconds: Double
    /// True when the loss or a gradient was NaN/infinite: nothing was updated.
    public let skipped: Bool
    public let forwardSeconds: Double
    public let backwardSeconds: Double
    public let optimizerSeconds: Double
    /// Learning rate the update used.
    public let learningRate: Float
}

/// Trains a LoRA adapter on a frozen (quantized) base model: one `step` is a forward and backward
/// over one token sequence with a loss mask, global gradient-norm clipping and an AdamW update.
/// The optimizer state and schedule persist from step to step (a book's whole run) and can be
/// saved and restored exactly. Training reads the model's weights only (not its workspace or
/// caches), so it may run on another thread while the model generates; the kernel thread count
/// is process-wide, though (see `threads`).
public final class LoRATrainer: @unchecked Sendable {
    public let model: LanguageModel
    public let adapter: LoRAAdapter
    public let optimizer: AdamWConfig
    /// Kernel threads set at each step.
    public let threads: Int
    /// Position on the warmup schedule (advanced by `advanceSchedule`).
    public private(set) var scheduleStep = 0
    /// Calls to `step` so far, skipped ones included (numbers the dropout masks).
    public private(set) var stepsTaken = 0
    /// Updates applied (AdamW's t).
    public var updatesApplied: Int { state.t }
    private let state: AdamWState
    private let graph: TrainingGraph
    private let grads: LoRAGradients
    /// Where warnings go (skipped steps); stderr by default.
    public var warn: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("warning: " + $0 + "\n").utf8)) }

    public init(model: LanguageModel, adapter: LoRAAdapter, optimizer: AdamWConfig, threads: Int) throws {
        guard adapter.modelConfig == model.config else {
            throw LoRAError("the adapter was made for another model geometry than \(model.path)")
        }
        self.model = model
        self.adapter = adapter
        self.optimizer = optimizer
        self.threads = max(1, threads)
        state = AdamWState(sizes: adapter.modules.flatMap { [$0.a.count, $0.b.count] })
        graph = TrainingGraph(transformer: model.transformer, adapter: adapter)
        grads = LoRAGradients(adapter)
    }

    /// Advances the warmup schedule's clock by one.
    public func advanceSchedule() { scheduleStep += 1 }

    /// Bytes of activations the layers may keep between forward and backward (default: a quarter
    /// of the machine's memory). Layers beyond it are recomputed from checkpoints during the
    /// backward: up to ≈1/3 more compute, down to the memory of one layer at budget 0.
    public var activationBudgetBytes: Int {
        get { graph.activationBudgetBytes }
        set { graph.activationBudgetBytes = newValue }
    }

    /// Products through the frozen weights in int16 blocks on AVX512-VNNI (on by default where
    /// that kernel runs and the model is block-quantized), else in f32. Integer products move
    /// logits by about 1e-4 relative; f32 ones are exact to the dequantized weights.
    public var integerProducts: Bool {
        get { graph.integerProducts }
        set { graph.integerProducts = newValue }
    }

    /// The bytes one layer keeps for a sequence of `tokens` (the unit of the budget).
    public func activationBytesPerLayer(tokens: Int) -> Int {
        LayerActivations.floatCount(model.config, rows: tokens, rank: adapter.config.rank,
                                    targets: adapter.config.targets.count) * 4
    }

    /// Frees the training graph's activations and scratch until the next step (between a book's updates).
    public func releaseBuffers() { graph.releaseBuffers() }

    /// Bytes of activations and scratch the training graph has held at most so far.
    public var peakActivationBytes: Int { graph.peakBytes }

    /// The examples of a token sequence: model input, rows carrying loss and their targets.
    static func examples(tokens: [Int32], lossMask: [Bool]) throws -> (input: [Int32], rows: [Int], targets: [Int32]) {
        guard tokens.count == lossMask.count else {
            throw LoRAError("lossMask has \(lossMask.count) entries for \(tokens.count) tokens")
        }
        guard let last = (1..<max(1, tokens.count)).last(where: { lossMask[$0] }) else {
            throw LoRAError("no position carries loss (lossMask is false for every token after the first)")
        }
        let rows = (1...last).filter { lossMask[$0] }
        return (Array(tokens[..<last]), rows.map { $0 - 1 }, rows.map { tokens[$0] })
    }

    /// Mean cross-entropy and the LoRA gradients for one sequence, without updating anything
    /// (gradient checks, evaluation). Gradients are in the adapter's module order: (dA, dB) each.
    public func lossAndGradients(tokens: [Int32], lossMask: [Bool]) throws -> (loss: Double, gradients: [(a: [Float], b: [Float])]) {
        let ex = try LoRATrainer.examples(tokens: tokens, lossMask: lossMask)
        KernelThreads.set(threads)
        grads.zero(adapter)
        var timing = TrainingGraph.Timing()
        let loss = graph.run(ids: ex.input, lossRows: ex.rows, targets: ex.targets, dropoutStep: UInt64(stepsTaken),
                             grads: grads, timing: &timing)
        let g = adapter.modules.enumerated().map { i, m in
            (Array(UnsafeBufferPointer(start: grads.a[i].pointer, count: m.a.count)),
             Array(UnsafeBufferPointer(start: grads.b[i].pointer, count: m.b.count)))
        }
        return (loss, g)
    }

    /// One optimizer step: mean cross-entropy over positions whose *target* token has lossMask
    /// true (lossMask[i] refers to tokens[i] being predicted from tokens[..<i]; lossMask[0] is
    /// ignored). A NaN/infinite loss or gradient skips the update with a warning.
    public func step(tokens: [Int32], lossMask: [Bool]) throws -> TrainStepResult {
        let ex = try LoRATrainer.examples(tokens: tokens, lossMask: lossMask)
        let start = Date()
        KernelThreads.set(threads)
        grads.zero(adapter)
        var timing = TrainingGraph.Timing()
        let dropoutStep = UInt64(stepsTaken)
        stepsTaken += 1
        let loss = graph.run(ids: ex.input, lossRows: ex.rows, targets: ex.targets, dropoutStep: dropoutStep,
                             grads: grads, timing: &timing)
        let optStart = Date()
        var sumSq = 0.0
        for (i, m) in adapter.modules.enumerated() {
            for (buf, n) in [(grads.a[i], m.a.count), (grads.b[i], m.b.count)] {
                let p = buf.pointer
                var s = 0.0
                for j in 0..<n { s += Double(p[j]) * Double(p[j]) }
                sumSq += s
            }
        }
        let norm = sumSq.squareRoot()
        let lr = optimizer.learningRate(atScheduleStep: scheduleStep)
        func result(skipped: Bool) -> TrainStepResult {
            let end = Date()
            return TrainStepResult(loss: Float(loss), gradNorm: Float(norm), tokens: ex.input.count, targetTokens: ex.rows.count,
                                   seconds: end.timeIntervalSince(start), skipped: skipped, forwardSeconds: timing.forward,
                                   backwardSeconds: timing.backward, optimizerSeconds: end.timeIntervalSince(optStart),
                                   learningRate: lr)
        }
        guard loss.isFinite, norm.isFinite else {
            warn("step \(stepsTaken): \(loss.isFinite ? "gradient norm" : "loss") is \(loss.isFinite ? norm : loss); update skipped, adapter unchanged")
            return result(skipped: true)
        }
        // Global-norm clipping as torch.nn.utils.clip_grad_norm_ (coefficient clamped to 1).
        var coef: Float = 1
        if optimizer.maxGradNorm > 0 { coef = min(1, optimizer.maxGradNorm / (Float(norm) + 1e-6)) }
        state.t += 1
        for (i, m) in adapter.modules.enumerated() {
            let ga = grads.a[i].pointer, gb = grads.b[i].pointer
            if coef < 1 {
                for j in 0..<m.a.count { ga[j] *= coef }
                for j in 0..<m.b.count { gb[j] *= coef }
            }
            m.a.withUnsafeMutableBufferPointer { state.update(2 * i, params: $0.baseAddress!, grads: ga, count: $0.count, lr: lr, config: optimizer) }
            m.b.withUnsafeMutableBufferPointer { state.update(2 * i + 1, params: $0.baseAddress!, grads: gb, count: $0.count, lr: lr, config: optimizer) }
        }
        adapter.bumpVersion()
        return result(skipped: false)
    }

    // MARK: - Undoing updates

    /// The adapter's matrices, AdamW's moments and the schedule, to undo the updates after it.
    public struct Snapshot: Sendable {
        fileprivate let a: [[Float]], b: [[Float]], m: [[Float]], v: [[Float]]
        fileprivate let t: Int, scheduleStep: Int
    }

    public func snapshot() -> Snapshot {
        Snapshot(a: adapter.modules.map(\.a), b: adapter.modules.map(\.b), m: state.m, v: state.v, t: state.t,
                 scheduleStep: scheduleStep)
    }

    /// Back to `s`. The adapter's version still moves on (what was computed with the undone
    /// matrices is stale); `stepsTaken` too, so later dropout masks are not the undone steps'.
    public func restore(_ s: Snapshot) {
        for (i, m) in adapter.modules.enumerated() {
            m.a = s.a[i]
            m.b = s.b[i]
        }
        state.m = s.m
        state.v = s.v
        state.t = s.t
        scheduleStep = s.scheduleStep
        adapter.bumpVersion()
    }

    // MARK: - State files

    static let optimizerFile = "optimizer.safetensors"
    static let stateFile = "trainer_state.json"

    struct SavedState: Codable {
        var format = "yanfu-lora-trainer-1"
        var lora: LoRAConfig
        var optimizer: AdamWConfig
        var threads: Int
        var scheduleStep: Int
        var stepsTaken: Int
        var adamStep: Int
        var adapterVersion: Int
        var model: String
    }

    /// Writes the adapter (PEFT files), the AdamW moments (`optimizer.safetensors`) and the
    /// schedule/step counters (`trainer_state.json`): everything to continue bit-identically.
    public func saveState(to directory: String) throws {
        try adapter.savePEFT(to: directory, baseModelName: model.path)
        var w = SafetensorsWriter(metadata: ["format": "yanfu-adamw"])
        for (i, m) in adapter.modules.enumerated() {
            for (j, ab) in ["A", "B"].enumerated() {
                let key = LoRAAdapter.peftKey(m.layer, m.target, ab)
                // Moments are stored in the row order of the PEFT file they belong to.
                func hf(_ x: [Float]) -> [Float] {
                    guard j == 1, AdapterRowOrder.engineIsPermuted(model.config),
                          let h = AdapterRowOrder.heads(m.target, model.config) else { return x }
                    return AdapterRowOrder.ggufToHF(x, heads: h, headDim: model.config.headDim, rank: m.rank)
                }
                w.add(key + ".exp_avg", shape: [state.m[2 * i + j].count], floats: hf(state.m[2 * i + j]))
                w.add(key + ".exp_avg_sq", shape: [state.v[2 * i + j].count], floats: hf(state.v[2 * i + j]))
            }
        }
        try w.write(to: directory + "/" + LoRATrainer.optimizerFile)
        let s = SavedState(lora: adapter.config, optimizer: optimizer, threads: threads, scheduleStep: scheduleStep,
                           stepsTaken: stepsTaken, adamStep: state.t, adapterVersion: adapter.version, model: model.path)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFileAtomically(Array(try enc.encode(s)) + [10], to: directory + "/" + LoRATrainer.stateFile)
    }

    /// Restores a trainer saved by `saveState` on the same model.
    public static func loadState(from directory: String, model: LanguageModel) throws -> LoRATrainer {
        let statePath = directory + "/" + stateFile
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw ModelFileError(file: statePath, field: "file", expected: "a trainer_state.json written by saveState")
        }
        let s: SavedState
        do { s = try JSONDecoder().decode(SavedState.self, from: data) } catch {
            throw ModelFileError(file: statePath, field: "JSON", expected: "a trainer state (\(error))")
        }
        let loaded = try LoRAAdapter.loadPEFT(from: directory, model: model)
        // Keep the saved config (dropout, seed) rather than the one inferred from the files.
        let adapter = try LoRAAdapter(modelConfig: model.config, config: s.lora, modules: loaded.modules)
        adapter.version = s.adapterVersion
        let trainer = try LoRATrainer(model: model, adapter: adapter, optimizer: s.optimizer, threads: s.threads)
        trainer.scheduleStep = s.scheduleStep
        trainer.stepsTaken = s.stepsTaken
        trainer.state.t = s.adamStep
        let optPath = directory + "/" + optimizerFile
        let file = try SafetensorsFile(path: optPath)
        for (i, m) in adapter.modules.enumerated() {
            for (j, ab) in ["A", "B"].enumerated() {
                let key = LoRAAdapter.peftKey(m.layer, m.target, ab)
                let n = j == 0 ? m.a.count : m.b.count
                for (suffix, isM) in [(".exp_avg", true), (".exp_avg_sq", false)] {
                    guard let info = file.tensors[key + suffix], info.elementCount == n else {
                        throw ModelFileError(file: optPath, field: "tensor '\(key + suffix)'", expected: "present with \(n) values")
                    }
                    var vals = try file.floats(info)
                    // Moments of B follow B's rows: stored like the PEFT file (HF order).
                    if j == 1, AdapterRowOrder.engineIsPermuted(model.config), let h = AdapterRowOrder.heads(m.target, model.config) {
                        vals = AdapterRowOrder.hfToGGUF(vals, heads: h, headDim: model.config.headDim, rank: m.rank)
                    }
                    if isM { trainer.state.m[2 * i + j] = vals } else { trainer.state.v[2 * i + j] = vals }
                }
            }
        }
        return trainer
    }
}
