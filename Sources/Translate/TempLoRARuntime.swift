import Evaluate
import Foundation
import LLM

/// Temp-LoRA during translation: one adapter and one AdamW state for the whole book, trained
/// for `epochs` steps on each finished chunk, the warmup clock advanced once per chunk (as the
/// paper's code does).
///
/// Cascaded: generation uses the trainer's adapter itself and waits for each training.
/// Parallel: generation uses a snapshot; the chunk just finished trains on a background thread
/// while the next chunk is translated; at the end of that chunk the loop waits for it (usually
/// already done), takes a new snapshot and queues the next training. (Sendable: the background
/// thread touches only `trainer` while the loop touches only the snapshot.)
final class TempLoRARuntime: AdapterRuntime, @unchecked Sendable {
    let settings: TranslateSettings
    let trainer: LoRATrainer
    /// The adapter generation uses: the trainer's own (cascaded) or a copy (parallel).
    private var snapshot: LoRAAdapter
    /// An adapter whose B matrices are all zero changes nothing: skip its cost.
    private var snapshotIsZero: Bool
    private let interrupt: (@Sendable (String, Int) throws -> Void)?

    private struct Job {
        var index: Int
        var units: ClosedRange<Int>
        var data: UpdateData
    }
    private var queued: Job?
    private var running: (job: Job, done: DispatchSemaphore, result: ResultBox)?

    private final class ResultBox: @unchecked Sendable {
        var result: Result<UpdateRecord, Error>?
    }

    /// `trainer`: the checkpoint's, or a fresh one.
    init(settings: TranslateSettings, trainer: LoRATrainer, interrupt: (@Sendable (String, Int) throws -> Void)?) {
        self.settings = settings
        self.interrupt = interrupt
        self.trainer = trainer
        snapshot = settings.strategy == .parallel ? trainer.adapter.copy() : trainer.adapter
        snapshotIsZero = Self.isZero(snapshot)
    }

    static func isZero(_ a: LoRAAdapter) -> Bool {
        a.modules.allSatisfy { $0.b.allSatisfy { $0 == 0 } }
    }

    var generationAdapter: LoRAAdapter? { snapshotIsZero ? nil : snapshot }

    var generationVersion: Int { snapshot.version }

    var pending: ClosedRange<Int>? { queued?.units ?? running?.job.units }

    /// The training of one chunk: `epochs` steps, then the schedule's clock. With held-out pairs,
    /// the update is undone when it raises their loss.
    private func train(_ job: Job) throws -> UpdateRecord {
        let start = Date()
        let before = job.data.heldOut.map { (loss: heldOutLoss($0), state: trainer.snapshot()) }
        var losses: [Float] = [], skipped = 0, last: TrainStepResult?
        for e in 0..<settings.epochs {
            let r = try trainer.step(tokens: job.data.tokens, lossMask: job.data.mask)
            losses.append(r.loss)
            if r.skipped { skipped += 1 }
            last = r
            try interrupt?("train-step-\(e)", job.units.upperBound)
        }
        trainer.advanceSchedule()
        trainer.releaseBuffers()
        var record = UpdateRecord(update: job.index, firstUnit: job.units.lowerBound, lastUnit: job.units.upperBound,
                                  tokens: last?.tokens ?? job.data.tokens.count, targetTokens: last?.targetTokens ?? 0,
                                  losses: losses, seconds: 0, blockingSeconds: 0)
        record.skippedSteps = skipped > 0 ? skipped : nil
        if let b = before, let h = job.data.heldOut {
            let after = heldOutLoss(h)
            record.heldOutLoss = [b.loss, after]
            if after > b.loss {
                trainer.restore(b.state)
                record.rolledBack = true
            }
        }
        record.seconds = Date().timeIntervalSince(start)
        record.blockingSeconds = record.seconds
        return record
    }

    /// Mean loss of the adapter as it is on a held-out sequence's target tokens (no training).
    private func heldOutLoss(_ h: (tokens: [Int32], mask: [Bool])) -> Float {
        KernelThreads.set(trainer.threads)
        let session = trainer.model.makeSession(capacity: h.tokens.count)
        session.adapter = Self.isZero(trainer.adapter) ? nil : trainer.adapter
        let nll = session.negativeLogLikelihoods(h.tokens, scored: h.mask)
        return nll.isEmpty ? 0 : Float(nll.reduce(0, +) / Double(nll.count))
    }

    func chunkFinished(index: Int, units: ClosedRange<Int>, data: UpdateData) throws -> [UpdateRecord] {
        let job = Job(index: index, units: units, data: data)
        if settings.strategy == .cascaded {
            let r = try train(job)
            snapshotIsZero = Self.isZero(snapshot)
            return [r]
        }
        let done = try waitForRunning()
        snapshot = trainer.adapter.copy()
        snapshotIsZero = Self.isZero(snapshot)
        queued = job
        return done
    }

    func startPending(index: Int, units: ClosedRange<Int>, data: UpdateData) throws {
        queued = Job(index: index, units: units, data: data)
        launchQueued()
    }

    /// Parallel: starts the queued training (after the checkpoint has saved the trainer).
    func launchQueued() {
        guard let job = queued else { return }
        queued = nil
        let done = DispatchSemaphore(value: 0), box = ResultBox()
        let thread = Thread { [self] in
            box.result = Result { try self.train(job) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        running = (job, done, box)
        thread.start()
    }

    private func waitForRunning() throws -> [UpdateRecord] {
        guard let r = running else { return [] }
        let start = Date()
        r.done.wait()
        running = nil
        var u = try r.result.result!.get()
        u.blockingSeconds = Date().timeIntervalSince(start)
        return [u]
    }

    func finish() throws -> [UpdateRecord] {
        launchQueued()
        return try waitForRunning()
    }

    func saveState(to directory: String) throws {
        precondition(running == nil, "the trainer is saved only while no training runs")
        try trainer.saveState(to: directory)
    }

    func saveAdapter(to directory: String, baseModelName: String) throws {
        try RunFolder.replaceFolder(directory) { try trainer.adapter.savePEFT(to: $0, baseModelName: baseModelName) }
    }
}
