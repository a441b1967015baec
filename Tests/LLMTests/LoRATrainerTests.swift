import Foundation
import LLM
import XCTest

final class LoRATrainerTests: XCTestCase {
    func trainer(_ model: LanguageModel, dropout: Float = 0.1) throws -> LoRATrainer {
        let adapter = try LoRAAdapter(model: model, config: LoRAConfig(rank: 4, alpha: 8, dropout: dropout, seed: 9))
        return try LoRATrainer(model: model, adapter: adapter,
                               optimizer: AdamWConfig(learningRate: 1e-2, weightDecay: 0.01, warmupSteps: 2, maxGradNorm: 0.5),
                               threads: 1)
    }

    func run(_ t: LoRATrainer, steps: Int, vocab: Int) throws {
        for s in 0..<steps {
            let (ids, mask) = LoRATestSupport.sequence(16, vocab: vocab, seed: UInt64(100 + t.stepsTaken))
            let r = try t.step(tokens: ids, lossMask: mask)
            XCTAssertFalse(r.skipped, "step \(s)")
            t.advanceSchedule()
        }
    }

    /// Saving adapter + optimizer state mid-run and continuing from the files gives the
    /// bit-identical adapter of an uninterrupted run (gemma3, and llama with its q/k row order).
    func testSaveRestoreContinuesBitIdentically() throws {
        for arch in ["gemma3", "llama"] {
            let model = try LoRATestSupport.tinyModel(arch)
            let v = model.config.vocabSize
            let straight = try trainer(model)
            try run(straight, steps: 5, vocab: v)
            let first = try trainer(model)
            try run(first, steps: 2, vocab: v)
            let dir = LoRATestSupport.tempDir("lora-state")
            try first.saveState(to: dir)
            let resumed = try LoRATrainer.loadState(from: dir, model: model)
            XCTAssertEqual(resumed.scheduleStep, 2)
            XCTAssertEqual(resumed.stepsTaken, 2)
            XCTAssertTrue(resumed.adapter.isBitIdentical(to: first.adapter), arch)
            try run(resumed, steps: 3, vocab: v)
            XCTAssertTrue(resumed.adapter.isBitIdentical(to: straight.adapter), "\(arch): resumed run differs")
            // The whole run is deterministic, and training moved the adapter.
            let again = try trainer(model)
            try run(again, steps: 5, vocab: v)
            XCTAssertTrue(again.adapter.isBitIdentical(to: straight.adapter), "\(arch): not deterministic")
            XCTAssertFalse(again.adapter.isBitIdentical(to: try trainer(model).adapter), "\(arch): training changed nothing")
        }
    }

    /// A NaN or infinite loss/gradient skips the update, warns, and leaves the adapter untouched.
    /// An undone update leaves the adapter, the AdamW moments and the schedule as they were: the
    /// steps after it are those of a run that never took it (without dropout, whose masks are
    /// numbered by the steps taken).
    func testRestoreUndoesAnUpdate() throws {
        let model = try LoRATestSupport.tinyModel("llama")
        let v = model.config.vocabSize
        let straight = try trainer(model, dropout: 0)
        try run(straight, steps: 3, vocab: v)
        let undone = try trainer(model, dropout: 0)
        try run(undone, steps: 1, vocab: v)
        let before = undone.adapter.copy()
        let snapshot = undone.snapshot()
        let version = undone.adapter.version
        try run(undone, steps: 1, vocab: v)
        XCTAssertFalse(undone.adapter.isBitIdentical(to: before), "the step moved the adapter")
        undone.restore(snapshot)
        XCTAssertTrue(undone.adapter.isBitIdentical(to: before))
        XCTAssertEqual(undone.scheduleStep, 1)
        XCTAssertGreaterThan(undone.adapter.version, version + 1, "the version moves on past the undone step")
        // The next two steps see the data the straight run's steps 2 and 3 saw.
        for s in 0..<2 {
            let (ids, mask) = LoRATestSupport.sequence(16, vocab: v, seed: UInt64(101 + s))
            _ = try undone.step(tokens: ids, lossMask: mask)
            undone.advanceSchedule()
        }
        XCTAssertTrue(undone.adapter.isBitIdentical(to: straight.adapter))
    }

    /// A book's run frees the training buffers after each update: the steps after it compute the
    /// same bits as steps that kept them.
    func testReleasingBuffersChangesNothing() throws {
        let model = try LoRATestSupport.tinyModel("llama")
        let kept = try trainer(model), released = try trainer(model)
        for _ in 0..<3 {
            try run(kept, steps: 1, vocab: model.config.vocabSize)
            try run(released, steps: 1, vocab: model.config.vocabSize)
            released.releaseBuffers()
        }
        XCTAssertTrue(released.adapter.isBitIdentical(to: kept.adapter))
    }

    func testNonFiniteStepIsSkipped() throws {
        let model = try LoRATestSupport.tinyModel("gemma3")
        let t = try trainer(model, dropout: 0)
        try run(t, steps: 3, vocab: model.config.vocabSize)
        t.adapter.modules[3].b[0] = .infinity
        let before = t.adapter.copy()
        let version = t.adapter.version
        let warnings = WarningBox()
        t.warn = { warnings.append($0) }
        let (ids, mask) = LoRATestSupport.sequence(16, vocab: model.config.vocabSize)
        let r = try t.step(tokens: ids, lossMask: mask)
        XCTAssertTrue(r.skipped)
        XCTAssertTrue(t.adapter.isBitIdentical(to: before))
        XCTAssertEqual(t.adapter.version, version)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertEqual(t.updatesApplied, 3)
    }

    /// Warmup: the first update runs at lr 0 (HF constant_with_warmup), so it moves nothing but
    /// the moments; the learning rate reported follows the schedule.
    func testWarmupSchedule() throws {
        let model = try LoRATestSupport.tinyModel("llama")
        let t = try trainer(model, dropout: 0)
        let fresh = t.adapter.copy()
        let (ids, mask) = LoRATestSupport.sequence(16, vocab: model.config.vocabSize)
        let r0 = try t.step(tokens: ids, lossMask: mask)
        XCTAssertEqual(r0.learningRate, 0)
        XCTAssertTrue(t.adapter.isBitIdentical(to: fresh))
        t.advanceSchedule()
        let r1 = try t.step(tokens: ids, lossMask: mask)
        XCTAssertEqual(r1.learningRate, 5e-3)
        XCTAssertFalse(t.adapter.isBitIdentical(to: fresh))
        XCTAssertEqual(AdamWConfig(learningRate: 1, warmupSteps: 2).learningRate(atScheduleStep: 7), 1)
    }

    func testBadLossMaskIsRejected() throws {
        let model = try LoRATestSupport.tinyModel("gemma3")
        let t = try trainer(model)
        XCTAssertThrowsError(try t.step(tokens: [1, 2, 3], lossMask: [true, false, false]))
        XCTAssertThrowsError(try t.step(tokens: [1, 2, 3], lossMask: [true, true]))
        XCTAssertFalse(t.integerProducts, "an f32 model trains with exact f32 products")
    }
}

final class WarningBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }
}
