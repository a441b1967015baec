import Foundation
import Text
import XCTest

/// Alignment quality where the truth is known: the sample book's 147 sentence pairs (written by
/// the project, Corpora/sample/story.tsv) shuffled into pseudo-chapters with merges (2-1, 1-2) and
/// drops (1-0, 0-1); and, when the shared corpora are present, 400 Tatoeba pairs with CC-CEDICT.
/// Thresholds sit a little under what was measured, so a real regression fails and noise does not.
final class AlignmentEvaluationTests: XCTestCase {
    static func fixturePairs() throws -> [(source: String, target: String)] {
        let story = Fixtures.packageRoot.appendingPathComponent("Corpora/sample/story.tsv").path
        let lines = try String(contentsOfFile: story, encoding: .utf8).split(separator: "\n").dropFirst()
        let pairs = lines.map { line -> (source: String, target: String) in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            return (String(fields[3]), String(fields[4]))
        }
        XCTAssertEqual(pairs.count, 147)
        return pairs
    }

    /// Every 73rd pair of Tatoeba's cmn.txt (400 pairs), read from the shared corpora, never committed.
    static func tatoebaPairs() throws -> [(source: String, target: String)] {
        let tsv = try TSVPairs.tatoeba(file: Fixtures.corpus("tatoeba/cmn.txt"))
        return stride(from: 0, to: tsv.pairs.count, by: 73).prefix(400).map { (tsv.pairs[$0].source, tsv.pairs[$0].target) }
    }

    /// Seeds 1–3 pooled, chapters of 40 pairs.
    static func evaluate(_ aligner: BookAligner, pairs: [(source: String, target: String)], label: String) -> AlignmentEvaluation.Scores {
        var chapters: [AlignmentEvaluation.PseudoChapter] = []
        for seed in 1...3 { chapters += AlignmentEvaluation.pseudoChapters(pairs, options: .init(chapterSize: 40, mergeRate: 0.1, dropRate: 0.05, seed: UInt64(seed))) }
        let result = aligner.align(chapters.map(\.chapter))
        let scores = AlignmentEvaluation.score(predicted: result.chapters, truth: chapters)
        print(String(format: "alignment on %@ ×3 seeds: precision %.4f recall %.4f F1 %.4f (%d true links)",
                     label, scores.precision, scores.recall, scores.f1, scores.trueLinks))
        return scores
    }

    func testPseudoChaptersAreDeterministicAndTheirTruthIsConsistent() throws {
        let pairs = try Self.fixturePairs()
        let options = AlignmentEvaluation.Options(chapterSize: 40, mergeRate: 0.2, dropRate: 0.1, seed: 7)
        let a = AlignmentEvaluation.pseudoChapters(pairs, options: options)
        let b = AlignmentEvaluation.pseudoChapters(pairs, options: options)
        XCTAssertEqual(a.map(\.chapter.source), b.map(\.chapter.source))
        XCTAssertEqual(a.count, (pairs.count + 39) / 40)
        var types = Set<BeadType>()
        for c in a {
            // The true beads tile both sides in order, and every true pairing is a real Tatoeba pair.
            XCTAssertEqual(c.truth.flatMap { Array($0.source) }, Array(c.chapter.source.indices))
            XCTAssertEqual(c.truth.flatMap { Array($0.target) }, Array(c.chapter.target.indices))
            for bead in c.truth {
                types.insert(bead.type)
                XCTAssertEqual(bead.type.source, bead.source.count)
                if bead.type == .oneOne {
                    let zh = c.chapter.source[bead.source.lowerBound], en = c.chapter.target[bead.target.lowerBound]
                    XCTAssertTrue(pairs.contains { $0.source == zh && $0.target == en })
                }
            }
        }
        XCTAssertEqual(types, [.oneOne, .oneTwo, .twoOne, .oneZero, .zeroOne])
        XCTAssertNotEqual(AlignmentEvaluation.pseudoChapters(pairs, options: .init(seed: 8)).map(\.chapter.source), a.map(\.chapter.source))
    }

    func testScoringCountsLinks() throws {
        let pairs = try Self.fixturePairs()
        let chapters = AlignmentEvaluation.pseudoChapters(Array(pairs.prefix(80)), options: .init(chapterSize: 40, seed: 3))
        // The truth itself as a prediction scores 1/1.
        let perfect = chapters.map { c in
            AlignedChapter(chapter: c.chapter, beads: c.truth.map { Bead(type: $0.type, source: $0.source, target: $0.target, cost: 0, lengthCost: 0, anchors: 0) })
        }
        let s = AlignmentEvaluation.score(predicted: perfect, truth: chapters)
        XCTAssertEqual(s.precision, 1)
        XCTAssertEqual(s.recall, 1)
        XCTAssertEqual(s.trueLinks, chapters.flatMap(\.truth).reduce(0) { $0 + $1.source.count * $1.target.count })
        // Shifting every bead by one English sentence gets almost nothing right.
        let shifted = perfect.map { c -> AlignedChapter in
            var c = c
            c.beads = c.beads.map { var b = $0; if b.type == .oneOne && b.target.upperBound < c.chapter.target.count { b.target = (b.target.lowerBound + 1)..<(b.target.upperBound + 1) }; return b }
            return c
        }
        XCTAssertLessThan(AlignmentEvaluation.score(predicted: shifted, truth: chapters).precision, 0.2)
    }

    func testPrecisionAndRecallWithDictionaryAnchors() throws {
        let dictionary = try BilingualDictionary.read(file: Fixtures.path("alignment/sample-dictionary.txt"))
        let s = Self.evaluate(BookAligner(dictionary: dictionary), pairs: try Self.fixturePairs(), label: "sample book")
        XCTAssertGreaterThanOrEqual(s.precision, 0.96)  // measured 0.9860
        XCTAssertGreaterThanOrEqual(s.recall, 0.98)  // measured 0.9953
    }

    func testPrecisionAndRecallWithNumbersOnlyAndLengthsOnly() throws {
        let pairs = try Self.fixturePairs()
        let numbers = Self.evaluate(BookAligner(), pairs: pairs, label: "sample book, numbers")
        let lengths = Self.evaluate(BookAligner(useAnchors: false), pairs: pairs, label: "sample book, lengths")
        XCTAssertGreaterThanOrEqual(numbers.precision, 0.85)  // measured 0.8775
        XCTAssertGreaterThanOrEqual(numbers.recall, 0.92)  // measured 0.9413
        XCTAssertGreaterThanOrEqual(lengths.precision, 0.79)  // measured 0.8197
        XCTAssertGreaterThanOrEqual(lengths.recall, 0.89)  // measured 0.9178
        XCTAssertGreaterThan(numbers.f1, lengths.f1, "number anchors help")
    }

    /// Tatoeba with the full CC-CEDICT (skipped without the shared corpora).
    func testPrecisionAndRecallOnTatoebaWithCEDICT() throws {
        let pairs = try Self.tatoebaPairs()
        let dictionary = try BilingualDictionary.read(file: Fixtures.corpus("cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz"))
        let s = Self.evaluate(BookAligner(dictionary: dictionary), pairs: pairs, label: "tatoeba-400 + CC-CEDICT")
        XCTAssertGreaterThanOrEqual(s.precision, 0.91)  // measured 0.9282
        XCTAssertGreaterThanOrEqual(s.recall, 0.97)  // measured 0.9860
    }

    /// Real data (skipped without the shared corpora): 紅樓夢 chapters 1–3, numbers only.
    func testHongLouMengChaptersAlignPlausibly() throws {
        let zh = try Fixtures.corpus("hongloumeng/zh.txt"), en = try Fixtures.corpus("hongloumeng/en.txt")
        let input = try AlignmentInput.read(source: zh, target: en)
        XCTAssertEqual(input.name, "hongloumeng")
        XCTAssertEqual(input.chapters.count, 30)
        let result = BookAligner().align(Array(input.chapters.prefix(3)))
        XCTAssertEqual(result.chapters.count, 3)
        print("hongloumeng 1-3: c \(result.parameters.c), scores \(result.chapters.map(\.score)), aligned \(result.chapters.map(\.alignedSentences))")
        for chapter in result.chapters {
            // Measured scores 0.389, 0.316, 0.350 and aligned shares 0.936, 0.884, 0.938.
            XCTAssertGreaterThan(chapter.score, 0.25, "chapter \(chapter.chapter.id)")
            XCTAssertGreaterThan(chapter.alignedSentences, 0.8, "chapter \(chapter.chapter.id)")
        }
        // Measured 6.43: 0.23 from 6.2, the bound 1.0 is 4.3× that.
        XCTAssertEqual(result.parameters.c, 6.2, accuracy: 1.0, "Joly writes about six English characters per Chinese one")
        // The 36,501 stones of chapter 1 are an anchor both sides share.
        XCTAssertTrue(result.chapters[0].beads.contains { bead in
            bead.anchors > 0 && bead.source.contains { input.chapters[0].source[$0].contains("三万六千五百零一") }
        })
    }
}
