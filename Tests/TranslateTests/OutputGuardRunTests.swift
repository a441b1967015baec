import Evaluate
import Foundation
import LLM
import TestSupport
import Translate
import XCTest

/// The output guard in a real translate loop (Gemma 3 270M on the tiny book), with a stand-in for
/// a model that degenerates: `answerHook` rewrites chosen answers into Chinese, loops and chatter.
final class OutputGuardRunTests: XCTestCase {
    func settings(_ model: String, strategy: TempLoRAStrategy = .cascaded, lr: Float = 5e-5) -> TranslateSettings {
        var s = TranslateSettings(book: TranslateTestSupport.fixtures + "/tiny.txt", model: model, threads: 2)
        s.strategy = strategy
        s.chunkTokens = 24
        s.epochs = 1
        s.lora.rank = 4
        s.lora.alpha = 4
        s.optimizer.learningRate = lr
        s.outputGuard = true
        return s
    }

    static let chinese = "小明早上七点起床。"
    static let loop = "He got up, he got up, he got up, he got up, he got up, he got up."
    static let chatter = "Sure, here is the English translation: "

    /// Unit 1: Chinese on both tries (flagged); unit 2: a loop the retry fixes; unit 3: chatter.
    func degenerate(_ position: Int, _ attempt: Int, _ answer: String) -> String {
        switch (position, attempt) {
        case (1, _): return Self.chinese
        case (2, 0): return Self.loop
        case (3, 0): return Self.chatter + answer
        default: return answer
        }
    }

    func testFlaggedUnitsAreMarkedReportedLeftOutOfTrainingAndRetried() throws {
        let model = try TranslateTestSupport.modelPath()
        let bundle = try ModelBundle(path: model, threads: 2)
        let out = TranslateTestSupport.temporaryDirectory("guard-run")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let t = try Translator(settings: settings(model), bundle: bundle, folder: RunFolder(path: out))
        t.answerHook = degenerate
        var trained: [(ClosedRange<Int>, String)] = []
        t.trainingHook = { chunk, tokens, mask in
            trained.append((chunk, bundle.tokenizer.decode(zip(tokens, mask).filter(\.1).map(\.0))))
        }
        try t.run(resume: false, force: false)

        let records = try RunFolder(path: out).records()
        XCTAssertEqual(records.count, 8)
        XCTAssertEqual(records[1].translation, Self.chinese)
        XCTAssertEqual(records[1].flags, ["empty", "chinese"])
        XCTAssertEqual(records[1].retriedFor, ["empty", "chinese"])
        XCTAssertNil(records[1].rejectedAnswer, "the retry was no better: the first answer stays")
        XCTAssertNil(records[2].flags, "the retry, alone and without the adapter, fixed the loop")
        XCTAssertEqual(records[2].retriedFor, ["loop"])
        XCTAssertEqual(records[2].rejectedAnswer, Self.loop)
        XCTAssertNil(records[3].flags)
        XCTAssertEqual(records[3].stripped, Self.chatter.trimmingCharacters(in: .whitespaces))
        XCTAssertFalse(records[3].translation.contains("Sure"))

        // Training never sees the flagged unit nor the chatter; it sees the sound units.
        XCTAssertFalse(trained.isEmpty)
        let targets = trained.map(\.1).joined(separator: "\n")
        XCTAssertFalse(targets.contains("小明早上"), targets)
        XCTAssertFalse(targets.contains("Sure"), targets)
        XCTAssertTrue(targets.contains(records[3].translation), targets)
        let info = try RunInfo.read(folder: RunFolder(path: out))
        XCTAssertTrue(info.updates.contains { $0.heldOutLoss != nil }, "updates are checked on held-out pairs")

        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("| 1 | 4 | 2 | 1 | 25.0% | 1 |"), report)
        XCTAssertTrue(report.contains("| 1 | \(records[1].unit) (empty, chinese) |"), report)
        XCTAssertEqual(Completeness.flagged(records), [1])

        // --retry-flagged: the stand-in model now translates unit 1; only that unit changes.
        let again = try Translator(settings: settings(model), bundle: bundle, folder: RunFolder(path: out))
        var asked: [Int] = []
        again.answerHook = { position, _, answer in
            asked.append(position)
            return position == 1 ? "Xiaoming gets up at seven in the morning." : answer
        }
        let r = try again.retryFlagged()
        XCTAssertEqual(r.retried, 1)
        XCTAssertEqual(r.fixed, 1)
        XCTAssertEqual(Set(asked), [1])
        let after = try RunFolder(path: out).records()
        XCTAssertEqual(after[1].translation, "Xiaoming gets up at seven in the morning.")
        XCTAssertNil(after[1].flags)
        XCTAssertEqual(after[1].retriedFor, ["empty", "chinese"])
        XCTAssertEqual(after[1].rejectedAnswer, Self.chinese)
        // The retry used the run's final adapter: its version counts every step and undo, at least
        // that of the adapter the last unit was translated with.
        XCTAssertEqual(after[1].adapterVersion, info.updates.reduce(0) { $0 + $1.losses.count + ($1.rolledBack == true ? 1 : 0) })
        XCTAssertGreaterThanOrEqual(after[1].adapterVersion, records.last!.adapterVersion)
        XCTAssertEqual(Array(after[2...]), Array(records[2...]))
        XCTAssertTrue(try String(contentsOfFile: out + "/translation.txt", encoding: .utf8).contains("Xiaoming gets up at seven"))
        XCTAssertTrue(try String(contentsOfFile: out + "/report.md", encoding: .utf8).contains("Every unit of every chapter has English"))
    }

    /// An update that raises the held-out loss is undone: at a learning rate of 1 every update
    /// wrecks the adapter, so every one is undone and the book comes out as without Temp-LoRA
    /// (the adapter's B matrices stay zero, so generation never applies it).
    func testUpdatesThatRaiseTheHeldOutLossAreUndone() throws {
        let model = try TranslateTestSupport.modelPath()
        let bundle = try ModelBundle(path: model, threads: 2)
        let root = TranslateTestSupport.temporaryDirectory("guard-rollback")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Translator(settings: settings(model, lr: 1), bundle: bundle, folder: RunFolder(path: root + "/wild")).run(resume: false, force: false)
        try Translator(settings: settings(model, strategy: .off), bundle: bundle, folder: RunFolder(path: root + "/off")).run(resume: false, force: false)
        let info = try RunInfo.read(folder: RunFolder(path: root + "/wild"))
        // The warmup starts at a learning rate of 0: the first update changes nothing and stays.
        XCTAssertGreaterThan(info.updates.count, 1)
        for u in info.updates {
            let h = try XCTUnwrap(u.heldOutLoss)
            if u.update == 0 {
                XCTAssertEqual(h[1], h[0])
                XCTAssertNil(u.rolledBack)
            } else {
                XCTAssertGreaterThan(h[1], h[0], "update \(u.update)")
                XCTAssertEqual(u.rolledBack, true, "update \(u.update)")
            }
        }
        XCTAssertEqual(try RunFolder(path: root + "/wild").records().map(\.translation),
                       try RunFolder(path: root + "/off").records().map(\.translation))
    }
}
