import Evaluate
import XCTest

/// The benchmark's inputs and bookkeeping (never its timings).
final class MetricsBenchmarkTests: XCTestCase {
    func testCorpusIsDeterministicAndScoresAreTheMetricsOwn() throws {
        let bench = MetricsBenchmark(segments: 200, repeats: 1)
        let (h, r) = bench.corpus()
        XCTAssertEqual(h.count, 200)
        XCTAssertEqual(bench.corpus().hypotheses, h)
        XCTAssertNotEqual(h, r)
        let t = try bench.measureYanfu(hypotheses: h, references: r)
        XCTAssertEqual(t.bleu, try BLEU().corpusScore(hyps: h, refs: [r]).score)
        XCTAssertEqual(t.chrf, try CHRF().corpusScore(hyps: h, refs: [r]).score)
        XCTAssertGreaterThan(t.bleu, 10)
        XCTAssertLessThan(t.bleu, 90)
    }

    func testMissingPeerIsReportedNotFatal() throws {
        let report = try MetricsBenchmark(segments: 20, repeats: 1).run(python: "/nonexistent/python3")
        XCTAssertNil(report.peer)
        XCTAssertNil(report.speedup)
        XCTAssertTrue(report.peerDescription.contains("/nonexistent/python3"))
    }
}
