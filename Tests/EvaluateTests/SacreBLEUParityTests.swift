import Evaluate
import Foundation
import XCTest

/// Scores of random English/Chinese sets against sacreBLEU 2.6.0's, from the fixture written by
/// Eval/metrics/make_parity_fixture.py: every score bit-identical (measured: 4,458 of 4,458), every
/// corpus line exactly.
final class SacreBLEUParityTests: XCTestCase {
    struct Fixture {
        var sets: [String: (hyps: [String], refs: [[String]])] = [:]
        var cases: [[String: Any]] = []
        var bootstrap: [String: Any] = [:]
    }

    /// A case this test cannot score is a failure that names it, never a skip.
    struct FixtureError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    static func load() throws -> Fixture {
        let data = try Data(contentsOf: FixturePaths.evaluate("parity.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var f = Fixture()
        for (name, value) in try XCTUnwrap(root["sets"] as? [String: [String: Any]]) {
            f.sets[name] = (try XCTUnwrap(value["hyps"] as? [String]), try XCTUnwrap(value["refs"] as? [[String]]))
        }
        f.cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        f.bootstrap = try XCTUnwrap(root["bootstrap"] as? [String: Any])
        return f
    }

    static func metric(for c: [String: Any]) throws -> any CorpusMetric {
        switch c["metric"] as? String {
        case "bleu":
            let tok = try XCTUnwrap(BLEUTokenizer(rawValue: try XCTUnwrap(c["tokenize"] as? String)))
            let smooth = try XCTUnwrap(BLEU.Smoothing(name: try XCTUnwrap(c["smooth"] as? String),
                                                      value: c["smooth_value"] as? Double))
            return BLEU(tokenize: tok, lowercase: c["lowercase"] as? Bool ?? false, smooth: smooth,
                        effectiveOrder: c["effective_order"] as? Bool ?? false)
        case "chrf":
            return CHRF(wordOrder: try XCTUnwrap(c["word_order"] as? Int), lowercase: c["lowercase"] as? Bool ?? false,
                        whitespace: c["whitespace"] as? Bool ?? false, epsSmoothing: c["eps_smoothing"] as? Bool ?? false)
        case "ter":
            return TER(caseSensitive: c["case_sensitive"] as? Bool ?? false)
        default:
            throw FixtureError(message: "unknown metric \(c["metric"].map { "\($0)" } ?? "(none)") in parity.json: \(c)")
        }
    }

    /// Bit-identical: the same operations in the same order as sacreBLEU (measured gap 0 on every
    /// score of the fixture), so no tolerance.
    private func assertSame(_ got: Double, _ want: Double, _ what: @autoclosure () -> String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.bitPattern, want.bitPattern, "\(what()): got \(got), sacreBLEU \(want)", file: file, line: line)
    }

    func testEveryCaseMatchesSacreBLEU() throws {
        let f = try Self.load()
        XCTAssertEqual(f.cases.count, 308)
        var checked = 0, exact = 0
        for c in f.cases {
            let set = try XCTUnwrap(f.sets[try XCTUnwrap(c["set"] as? String)])
            let nrefs = try XCTUnwrap(c["nrefs"] as? Int)
            let refs = Array(set.refs.prefix(nrefs))
            let metric = try Self.metric(for: c)
            let label = c.filter { $0.key != "scores" }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            if c["level"] as? String == "corpus" {
                let s = try metric.corpusScore(hyps: set.hyps, refs: refs)
                let want = try XCTUnwrap((c["score"] as? String).flatMap(Double.init))
                assertSame(s.score, want, label)
                exact += s.score == want ? 1 : 0
                XCTAssertEqual(s.formatted(), c["formatted"] as? String, label)
                checked += 1
            } else {
                let want = try XCTUnwrap(c["scores"] as? [String]).compactMap(Double.init)
                let got = try metric.sentenceScores(hyps: set.hyps, refs: refs)
                XCTAssertEqual(got.count, want.count)
                for (i, (g, w)) in zip(got, want).enumerated() {
                    assertSame(g.score, w, "\(label) segment \(i)")
                    exact += g.score == w ? 1 : 0
                }
                checked += want.count
            }
        }
        XCTAssertEqual(checked, 4458, "scores in the fixture")
        XCTAssertEqual(exact, checked, "\(exact) of \(checked) bit-identical")
        print("sacreBLEU parity: \(exact) of \(checked) scores bit-identical")
    }
}
