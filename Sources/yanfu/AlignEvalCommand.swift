import ArgumentParser
import Foundation
import Text

struct AlignEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align-eval",
        abstract: "Measure the sentence aligner's precision and recall on sentence pairs whose alignment is known.",
        discussion: """
        Shuffles the pairs of a TSV file (Tatoeba's cmn.txt: english<TAB>chinese<TAB>attribution) \
        into pseudo-chapters, merges random adjacent sentences on one side (2-1, 1-2 beads) and drops \
        some (1-0, 0-1), aligns the chapters exactly as `yanfu align` does, and reports the precision \
        and recall of the predicted links (Chinese sentence i ↔ English sentence j).

        Example:
          yanfu align-eval tatoeba/cmn.txt --dictionary cedict_1_0_ts_utf-8_mdbg.txt.gz --json
        """
    )

    @Argument(help: "TSV file of sentence pairs.")
    var pairs: String

    @Option(help: "0-based column of the Chinese sentence.")
    var sourceColumn = 1

    @Option(help: "0-based column of the English sentence.")
    var targetColumn = 0

    @Option(help: "Sentence pairs per pseudo-chapter.")
    var chapterSize = 40

    @Option(help: "Probability that a pair is merged with the next on one side.")
    var merge = 0.1

    @Option(help: "Probability that a pair loses one side.")
    var drop = 0.05

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "A CC-CEDICT file (plain UTF-8 or gzip) for word anchors.")
    var dictionary: String?

    @Flag(help: "Use lengths only: no number or dictionary anchors.")
    var noAnchors = false

    @Option(help: "Cost (nats) removed per shared anchor, up to 3 a bead.")
    var anchorBonus = 4.0

    @Option(help: "Length cost (nats) charged to a 1-0 or 0-1 bead on top of its prior.")
    var deletionCost = 0.0

    @Option(help: "Alignment passes (each after the first re-estimates c, s² and the priors).")
    var passes = 2

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard chapterSize > 0 else { throw ValidationError("--chapter-size must be positive") }
        guard sourceColumn >= 0, targetColumn >= 0, sourceColumn != targetColumn else {
            throw ValidationError("--source-column and --target-column must be different columns, counted from 0")
        }
        guard (0...1).contains(merge), (0...1).contains(drop), merge + drop <= 1 else {
            throw ValidationError("--merge and --drop must be probabilities adding up to at most 1")
        }
    }

    func run() throws {
        do {
            let tsv = try TSVPairs.read(file: pairs, sourceColumn: sourceColumn, targetColumn: targetColumn)
            let dict = try dictionary.map { try BilingualDictionary.read(file: $0) }
            let options = AlignmentEvaluation.Options(chapterSize: chapterSize, mergeRate: merge, dropRate: drop, seed: seed)
            let start = Date()
            let (scores, result) = AlignmentEvaluation.run(tsv.pairs.map { ($0.source, $0.target) }, options: options,
                                                           aligner: BookAligner(dictionary: dict, useAnchors: !noAnchors, anchorBonus: anchorBonus,
                                                                                  passes: passes, deletionLengthCost: deletionCost))
            let seconds = Date().timeIntervalSince(start)
            if json {
                struct Output: Encodable {
                    var pairs: Int; var options: String; var anchors: String
                    var scores: AlignmentEvaluation.Scores; var c: Double; var s2: Double; var seconds: Double
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let output = Output(pairs: tsv.pairs.count,
                                    options: "chapter-size \(chapterSize), merge \(merge), drop \(drop), seed \(seed)",
                                    anchors: noAnchors ? "none" : dictionary == nil ? "numbers" : "numbers+dictionary",
                                    scores: scores, c: result.parameters.c, s2: result.parameters.s2, seconds: seconds)
                print(String(decoding: try encoder.encode(output), as: UTF8.self))
            } else {
                print("pairs \(tsv.pairs.count), chapter size \(chapterSize), merge \(merge), drop \(drop), seed \(seed), anchors: "
                      + (noAnchors ? "none" : dictionary == nil ? "numbers" : "numbers+dictionary"))
                print(String(format: "precision %.4f  recall %.4f  F1 %.4f  (%d correct of %d predicted, %d true links)",
                             scores.precision, scores.recall, scores.f1, scores.correctLinks, scores.predictedLinks, scores.trueLinks))
                print("true beads:      " + BeadType.allCases.map { "\($0.rawValue) \(scores.trueBeads[$0.rawValue] ?? 0)" }.joined(separator: ", "))
                print("predicted beads: " + BeadType.allCases.map { "\($0.rawValue) \(scores.predictedBeads[$0.rawValue] ?? 0)" }.joined(separator: ", "))
                print(String(format: "fitted c %.3f, s² %.3f; aligned in %.2f s", result.parameters.c, result.parameters.s2, seconds))
            }
        } catch let error as TextError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
