import Evaluate
import XCTest

/// V9–V12 (chrF, chrF++, TER), to the printed digits; every value is sacreBLEU 2.6.0's, printed by
/// Eval/metrics/test_vectors.py (`--check` confirms each appears here).
final class CHRFTERVectorTests: XCTestCase {
    typealias V = TestVectors

    func testV9CorpusChrF() throws {
        let s = try CHRF().corpusScore(hyps: V.h, refs: [V.r])
        XCTAssertEqual(s.formatted(), "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 50.60")
        XCTAssertEqual(s.score, 50.6034212063937)
    }

    func testV10CorpusChrFPlusPlus() throws {
        let s = try CHRF(wordOrder: 2).corpusScore(hyps: V.h, refs: [V.r])
        XCTAssertEqual(s.formatted(), "chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0 = 52.77")
        XCTAssertEqual(s.score, 52.76999569096274)
    }

    func testV11SentenceChrF() throws {
        let a = try CHRF().sentenceScore(hyp: V.h[0], refs: [V.r[0]])
        XCTAssertEqual(a.formatted(), "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 48.51")
        XCTAssertEqual(a.score, 48.50735921014752)
        let b = try CHRF(wordOrder: 2).sentenceScore(hyp: V.h[0], refs: [V.r[0]])
        XCTAssertEqual(b.formatted(), "chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0 = 53.43")
        XCTAssertEqual(b.score, 53.425090639487095)
    }

    func testV12CorpusTER() throws {
        let ter = TER()
        let s = try ter.corpusScore(hyps: V.h, refs: [V.r])
        XCTAssertEqual(s.formatted(), "TER|nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0 = 40.54")
        XCTAssertEqual(s.score, 40.54054054054054)
        let total = try ter.statistics(hyps: V.h, refs: [V.r]).total()
        XCTAssertEqual(total, [15, 37])
    }

    func testCLIChrFAndTERLine() throws {
        let h = ["The cat sat on the mat.", "He did not say a word."]
        let r = [["The cat was sitting on the mat.", "He said nothing."]]
        XCTAssertEqual(fixed(try CHRF().corpusScore(hyps: h, refs: r).score, 1), "40.9")
        XCTAssertEqual(fixed(try TER().corpusScore(hyps: h, refs: r).score, 1), "70.0")
    }

    func testEmptyReferenceTER() throws {
        XCTAssertEqual(try TER().corpusScore(hyps: ["a b"], refs: [[""]]).score, 100)
        XCTAssertEqual(try TER().corpusScore(hyps: [""], refs: [[""]]).score, 0)
    }
}
