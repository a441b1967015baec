import Evaluate
import Foundation
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
        // sacreBLEU 2.6.0's scores of the same 200 pairs (Eval/metrics/make_bench_fixture.py):
        // bit-identical, as `bench metrics` reports for its 10,000.
        let data = try Data(contentsOf: FixturePaths.evaluate("bench-metrics-200.json"))
        let fixture = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(fixture["segments"] as? Int, bench.segments)
        XCTAssertEqual(fixture["seed"] as? Int, Int(bench.seed))
        XCTAssertEqual(t.bleu, try XCTUnwrap((fixture["bleu"] as? String).flatMap(Double.init)), "BLEU against sacreBLEU")
        XCTAssertEqual(t.chrf, try XCTUnwrap((fixture["chrf"] as? String).flatMap(Double.init)), "chrF2 against sacreBLEU")
    }

    func testMissingPeerIsReportedNotFatal() throws {
        let report = try MetricsBenchmark(segments: 20, repeats: 1).run(python: "/nonexistent/python3")
        XCTAssertNil(report.peer)
        XCTAssertNil(report.speedup)
        XCTAssertTrue(report.peerDescription.contains("/nonexistent/python3"))
    }
}
