import Evaluate
import XCTest

/// V1–V8 and V13–V17, to the printed digits; every value is sacreBLEU 2.6.0's, printed by
/// Eval/metrics/test_vectors.py (`--check` confirms each appears here).
final class BLEUVectorTests: XCTestCase {
    typealias V = TestVectors

    private func check(_ s: Score, _ line: String, _ full: Double? = nil,
                       file: StaticString = #filePath, lineNo: UInt = #line) {
        XCTAssertEqual(s.formatted(), line, file: file, line: lineNo)
        // Bit-identical to sacreBLEU's score (measured gap 0 on every vector), so no tolerance.
        if let full { XCTAssertEqual(s.score, full, file: file, line: lineNo) }
    }

    func testV1Default13a() throws {
        let s = try BLEU().corpusScore(hyps: V.h, refs: [V.r])
        check(s, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 38.50 71.4/52.3/33.3/17.6 (BP = 1.000 ratio = 1.000 hyp_len = 49 ref_len = 49)", 38.49679289215302)
        XCTAssertEqual(s.bleu?.counts, [35, 23, 13, 6])
        XCTAssertEqual(s.bleu?.totals, [49, 44, 39, 34])
        XCTAssertEqual(s.signature.formatted(short: true), "#:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0")
        XCTAssertEqual(s.formatted(withSignature: false), "BLEU = 38.50 71.4/52.3/33.3/17.6 (BP = 1.000 ratio = 1.000 hyp_len = 49 ref_len = 49)")
    }

    func testV2Intl() throws {
        let s = try BLEU(tokenize: .intl).corpusScore(hyps: V.h, refs: [V.r])
        check(s, "BLEU|nrefs:1|case:mixed|eff:no|tok:intl|smooth:exp|version:2.6.0 = 36.70 68.6/50.0/31.7/16.7 (BP = 1.000 ratio = 1.041 hyp_len = 51 ref_len = 49)", 36.69602554507793)
    }

    func testV2bZhOnEnglish() throws {
        let s = try BLEU(tokenize: .zh).corpusScore(hyps: V.h, refs: [V.r])
        XCTAssertEqual(s.score, 38.49679289215302)
        XCTAssertEqual(s.signature.formatted(), "nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:2.6.0")
    }

    func testV3Char() throws {
        let s = try BLEU(tokenize: .char).corpusScore(hyps: V.h, refs: [V.r])
        check(s, "BLEU|nrefs:1|case:mixed|eff:no|tok:char|smooth:exp|version:2.6.0 = 55.68 85.1/66.9/56.5/48.4 (BP = 0.886 ratio = 0.892 hyp_len = 141 ref_len = 158)", 55.68450158578008)
    }

    func testV4None() throws {
        let s = try BLEU(tokenize: .none).corpusScore(hyps: V.h, refs: [V.r])
        check(s, "BLEU|nrefs:1|case:mixed|eff:no|tok:none|smooth:exp|version:2.6.0 = 19.84 61.1/38.7/15.4/4.8 (BP = 0.973 ratio = 0.973 hyp_len = 36 ref_len = 37)", 19.84440284059333)
    }

    func testV5Lowercase() throws {
        let s = try BLEU(lowercase: true).corpusScore(hyps: V.h, refs: [V.r])
        check(s, "BLEU|nrefs:1|case:lc|eff:no|tok:13a|smooth:exp|version:2.6.0 = 44.39 75.5/56.8/38.5/23.5 (BP = 1.000 ratio = 1.000 hyp_len = 49 ref_len = 49)", 44.38974748918383)
    }

    func testV6SentenceBLEU() throws {
        let bleu = BLEU(effectiveOrder: true)
        let s = try bleu.sentenceScore(hyp: V.h[0], refs: [V.r[0]])
        check(s, "BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 42.38 85.7/66.7/40.0/25.0 (BP = 0.867 ratio = 0.875 hyp_len = 7 ref_len = 8)", 42.38365628278778)
        let others = [27.77619034011791, 42.50281413416977, 33.82657819986719, 49.76093899250716]
        let all = try bleu.sentenceScores(hyps: V.h, refs: [V.r])
        for (i, want) in others.enumerated() {
            XCTAssertEqual(all[i + 1].score, want)
        }
    }

    func testV7ShortHypothesis() throws {
        let eff = try BLEU(effectiveOrder: true).sentenceScore(hyp: "Yes.", refs: ["Yes, sir."])
        check(eff, "BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 26.01 100.0/50.0/0.0/0.0 (BP = 0.368 ratio = 0.500 hyp_len = 2 ref_len = 4)", 26.013004751144457)
        XCTAssertEqual(eff.bleu?.counts, [2, 0, 0, 0])
        XCTAssertEqual(eff.bleu?.totals, [2, 1, 0, 0])
        let noEff = try BLEU().sentenceScore(hyp: "Yes.", refs: ["Yes, sir."])
        check(noEff, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 0.00 100.0/50.0/0.0/0.0 (BP = 0.368 ratio = 0.500 hyp_len = 2 ref_len = 4)", 0)
    }

    func testV8Smoothing() throws {
        let hyps = ["the quick brown fox", "jumps over dog"]
        let refs = [["the quick brown dog", "jumped over the dog"]]
        let exp = try BLEU().corpusScore(hyps: hyps, refs: refs)
        check(exp, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 40.50 71.4/40.0/33.3/50.0 (BP = 0.867 ratio = 0.875 hyp_len = 7 ref_len = 8)", 40.49515890265695)
        XCTAssertEqual(exp.bleu?.counts, [5, 2, 1, 0])
        XCTAssertEqual(exp.bleu?.totals, [7, 5, 3, 1])
        let none = try BLEU(smooth: .none).corpusScore(hyps: hyps, refs: refs)
        check(none, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:none|version:2.6.0 = 0.00 71.4/40.0/33.3/0.0 (BP = 0.867 ratio = 0.875 hyp_len = 7 ref_len = 8)", 0)
        let floor = try BLEU(smooth: .floor(0.1)).corpusScore(hyps: hyps, refs: refs)
        check(floor, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0 = 27.08 71.4/40.0/33.3/10.0 (BP = 0.867 ratio = 0.875 hyp_len = 7 ref_len = 8)", 27.080744914631484)
        let addK = try BLEU(smooth: .addK(1)).corpusScore(hyps: hyps, refs: refs)
        check(addK, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[1.00]|version:2.6.0 = 47.39 71.4/50.0/50.0/50.0 (BP = 0.867 ratio = 0.875 hyp_len = 7 ref_len = 8)", 47.38636829164979)
        XCTAssertEqual(addK.bleu?.counts, [5, 3, 2, 1])
        XCTAssertEqual(addK.bleu?.totals, [7, 6, 4, 2])
    }

    func testV13DocumentBLEU() throws {
        let s = try BLEU().corpusScore(
            hyps: [V.h[0..<3].joined(separator: " "), V.h[3...].joined(separator: " ")],
            refs: [[V.r[0..<3].joined(separator: " "), V.r[3...].joined(separator: " ")]])
        check(s, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 45.16 73.5/55.3/40.0/25.6 (BP = 1.000 ratio = 1.000 hyp_len = 49 ref_len = 49)", 45.15871057299044)
    }

    func testV14TwoReferences() throws {
        let s = try BLEU().corpusScore(hyps: V.h, refs: [V.r, V.r2])
        check(s, "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 68.36 91.8/77.3/61.5/50.0 (BP = 1.000 ratio = 1.021 hyp_len = 49 ref_len = 48)", 68.35807564145313)
    }

    func testV15ChineseTarget() throws {
        let hyps = ["他慢慢地走了出去。"], refs = [["他缓缓地走了出去。"]]
        let zh = try BLEU(tokenize: .zh).corpusScore(hyps: hyps, refs: refs)
        check(zh, "BLEU|nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:2.6.0 = 61.05 77.8/62.5/57.1/50.0 (BP = 1.000 ratio = 1.000 hyp_len = 9 ref_len = 9)", 61.04735835807847)
        let t13a = try BLEU().corpusScore(hyps: hyps, refs: refs)
        check(t13a, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 1 ref_len = 1)", 0)
    }

    func testV16EmptyHypothesis() throws {
        let s = try BLEU().corpusScore(hyps: ["", "hello"], refs: [["a b c", "goodbye"]])
        check(s, "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 0.00 0.0/0.0/0.0/0.0 (BP = 0.050 ratio = 0.250 hyp_len = 1 ref_len = 4)")
    }

    func testV17CurlyQuotes() throws {
        let hyps = ["\"Master,\" she said softly."], refs = [["“Master,” she said softly."]]
        let a = try BLEU().corpusScore(hyps: hyps, refs: refs)
        XCTAssertEqual(a.formatted(withSignature: false), "BLEU = 36.56 62.5/42.9/33.3/20.0 (BP = 1.000 ratio = 1.143 hyp_len = 8 ref_len = 7)")
        let b = try BLEU(tokenize: .intl).corpusScore(hyps: hyps, refs: refs)
        XCTAssertEqual(b.formatted(withSignature: false), "BLEU = 41.11 75.0/57.1/33.3/20.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)")
    }

    func testCLIWidthOneLine() throws {
        let s = try BLEU().corpusScore(
            hyps: ["The cat sat on the mat.", "He did not say a word."],
            refs: [["The cat was sitting on the mat.", "He said nothing."]])
        XCTAssertEqual(s.formatted(width: 1), "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 26.3 57.1/33.3/20.0/12.5 (BP = 1.000 ratio = 1.167 hyp_len = 14 ref_len = 12)")
        XCTAssertEqual(fixed(s.score, 2), "26.27")
    }

    func testMismatchedStreamsAreRejected() {
        XCTAssertThrowsError(try BLEU().corpusScore(hyps: ["a", "b"], refs: [["a"]])) { error in
            XCTAssertTrue("\(error)".contains("2 segments"), "\(error)")
            XCTAssertTrue("\(error)".contains("has 1"), "\(error)")
        }
    }
}
