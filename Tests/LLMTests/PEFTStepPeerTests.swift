import Foundation
import LLM
import XCTest

/// `bench train`'s peer: an interpreter that cannot give a timing is told apart from one that
/// lacks the packages (the next candidate is tried) and the failure says what happened.
final class PEFTStepPeerTests: XCTestCase {
    /// A stand-in interpreter: a shell script with `body`.
    func interpreter(_ body: String) throws -> String {
        let path = NSTemporaryDirectory() + "yanfu-fake-python-\(getpid())-\(UUID().uuidString)"
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func measure(_ python: String) throws -> PEFTStepPeer.Outcome {
        try PEFTStepPeer.measure(python: python, model: "/nonexistent.gguf", ids: [1, 2, 3, 4], contextTokens: 2,
                                 lora: LoRAConfig(rank: 2, alpha: 2, dropout: 0, targets: [.q]), lr: 1e-4, steps: 1, threads: 1)
    }

    func testFailuresSayWhatHappened() throws {
        let missing = try interpreter("echo \"ModuleNotFoundError: No module named 'peft'\" >&2; exit 1")
        guard case .missingPackages(let why) = try measure(missing) else { return XCTFail("missing packages not recognised") }
        XCTAssertTrue(why.hasPrefix(missing) && why.hasSuffix("No module named 'peft'"), why)

        let killed = try interpreter("kill -9 $$")
        guard case .failed(let oom) = try measure(killed) else { return XCTFail("a killed peer was not a failure") }
        XCTAssertEqual(oom, "\(killed) was killed by signal 9 (on Linux usually the out-of-memory killer: see `dmesg`)")

        let crashed = try interpreter("echo 'RuntimeError: shapes do not match' >&2; exit 3")
        guard case .failed(let error) = try measure(crashed) else { return XCTFail("a crashed peer was not a failure") }
        XCTAssertEqual(error, "\(crashed) exited with status 3: RuntimeError: shapes do not match")

        let silent = try interpreter("echo 'step done'")
        guard case .failed(let noLine) = try measure(silent) else { return XCTFail("no timing line was not a failure") }
        XCTAssertEqual(noLine, "\(silent) printed no timing line")

        let fine = try interpreter(#"echo '{"step_s": 2.5, "forward_s": 1, "backward_s": 1.25, "optimizer_s": 0.25, "peak_rss_kb": 1024, "versions": "fake"}'"#)
        guard case .measured(let t) = try measure(fine) else { return XCTFail("a timing line was not read") }
        XCTAssertEqual([t.stepSeconds, t.forwardSeconds, t.backwardSeconds, t.optimizerSeconds], [2.5, 1, 1.25, 0.25])
        XCTAssertEqual(t.peakResidentBytes, 1_048_576)
        XCTAssertEqual(t.description, "fake (\(fine), f32)")
    }
}
