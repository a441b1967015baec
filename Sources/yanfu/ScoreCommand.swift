import ArgumentParser
import Evaluate
import Foundation
import Text

/// Metric options shared by `score` and `compare`.
struct MetricOptions: ParsableArguments {
    @Option(name: [.customLong("ref"), .customLong("reference")],
            help: "Reference: a text file, GuoFeng file, book with chapter headings or run folder; repeat for several references.")
    var ref: [String] = []

    @Option(help: "Metrics to compute, comma-separated: bleu, chrf, chrf++, ter.")
    var metrics = "bleu,chrf"

    @Option(help: "BLEU tokenizer: 13a, intl, zh, char, none (use zh or char for Chinese targets).")
    var tokenize = "13a"

    @Flag(help: "Lowercase hypotheses and references (BLEU and chrF).")
    var lowercase = false

    @Option(help: "BLEU smoothing: exp, floor, add-k, none.")
    var smooth = "exp"

    @Option(help: "Value for floor (default 0.1) or add-k (default 1) smoothing.")
    var smoothValue: Double?

    @Flag(help: "Score documents (chapters): each chapter's segments joined by a space (d-BLEU).")
    var documentLevel = false

    @Flag(help: "Treat hypotheses and references as books: pair their chapters by heading number and score chapters as documents (implies --document-level).")
    var chapters = false

    @Option(name: .customLong("doc-ids"), help: "Document-id file: line i names the document of segment i (for plain text inputs).")
    var docIDs: String?

    @Option(help: "The encoding of books and GuoFeng files (e.g. UTF-16LE, windows-1252); detected when omitted. Line-aligned text files are UTF-8, as sacreBLEU reads them.")
    var encoding: String?

    @Flag(help: "Replace invalid bytes in books and GuoFeng files with U+FFFD (counted in the warnings) instead of failing.")
    var lossy = false

    var decoding: DecodeOptions { DecodeOptions(encoding: encoding, lossy: lossy) }

    func bleu(effectiveOrder: Bool = false) throws -> BLEU {
        guard let tok = BLEUTokenizer(rawValue: tokenize) else {
            throw ValidationError("--tokenize: unknown tokenizer '\(tokenize)'; expected 13a, intl, zh, char or none")
        }
        guard let smoothing = BLEU.Smoothing(name: smooth, value: smoothValue) else {
            throw ValidationError("--smooth: unknown method '\(smooth)'; expected exp, floor, add-k or none")
        }
        return BLEU(tokenize: tok, lowercase: lowercase, smooth: smoothing, effectiveOrder: effectiveOrder)
    }

    func metricList(effectiveOrder: Bool = false) throws -> [any CorpusMetric] {
        let b = try bleu(effectiveOrder: effectiveOrder)
        do {
            return try MetricName.parseList(metrics).map { $0.metric(bleu: b, lowercase: lowercase) }
        } catch let error as EvaluateError {
            throw ValidationError(error.description)
        }
    }

    /// Reads a side, attaching the document-id file when one is given.
    func read(_ path: String) throws -> SegmentSet {
        let set = try SegmentSet.read(path)
        if let docIDs, set.documentIDs == nil, documentLevel { return try set.withDocumentIDs(fromFile: docIDs) }
        return set
    }

    /// Reads the systems and references (as chapter-paired books with --chapters).
    func load(systems: [String]) throws -> (systems: [SegmentSet], references: [SegmentSet], documentLevel: Bool) {
        guard !ref.isEmpty else { throw ValidationError("give at least one reference with --ref") }
        if chapters {
            let docs = try ChapterDocuments.read(systems: systems, references: ref, decoding: decoding)
            warn(docs.warnings)
            return (docs.systems, docs.references, true)
        }
        if systems.allSatisfy(RunFolderReader.isRunFolder) {
            // Run folders pair with references chapter by chapter (a run's title chapter 0 has no
            // counterpart in a GuoFeng file or a book, and is left out with a warning).
            let pairing = try pairRuns(systems)
            if documentLevel {
                warn(pairing.warnings)
                return (pairing.runs.map(pairing.documentSet), pairing.references.map(pairing.documentSet), true)
            }
            if let reason = pairing.sentenceLevelUnavailable {
                throw EvaluateError.invalidArgument("segment-level scores need units aligned with reference lines, but "
                    + reason + "; score chapters as documents with --document-level")
            }
            warn(pairing.warnings)
            return (pairing.runs.map(pairing.unitSet), pairing.references.map(pairing.unitSet), false)
        }
        return (try systems.map(read), try ref.map(read), documentLevel)
    }

    /// Run folders and the references, chapters paired.
    func pairRuns(_ systems: [String]) throws -> ChapterPairing {
        guard !ref.isEmpty else { throw ValidationError("give at least one reference with --ref") }
        let runs = try systems.map(ChapteredText.run)
        return try ChapterPairing(runs: runs, references: try ref.map { try ChapteredText.reference($0, runs: runs, decoding: decoding) })
    }
}

/// Prints each line as a warning on stderr.
func warn(_ lines: [String]) {
    for w in lines { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
}

/// Runs `body`, turning Evaluate/Text errors into a message on stderr and exit code 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a translation with BLEU, chrF, chrF++ and TER, exactly as sacreBLEU 2.6.0 does.",
        discussion: """
        Inputs are line-aligned UTF-8 text files (one segment per line; an empty line is an empty \
        segment), GuoFeng files (<BOOK>/<CHAPTER> markers are dropped and chapters become documents) \
        or run folders written by `yanfu translate` (their segments.jsonl). Each metric prints one \
        line in sacreBLEU's format, signature included, so the numbers can be published and \
        compared with sacreBLEU's.

        Example:
          yanfu score --hyp out.en --ref ref.en --metrics bleu,chrf++,ter
        prints lines such as
          BLEU|nrefs:1|…|version:2.6.0 = 38.50 71.4/52.3/33.3/17.6 (BP = 1.000 …)
          chrF2++|nrefs:1|…|version:2.6.0 = 52.77

        For Chinese targets use --tokenize zh (13a leaves unspaced Chinese as one token). \
        --document-level gives d-BLEU: chapters of a GuoFeng file or run folder, or the documents \
        named by --doc-ids. --chapters reads plain books (e.g. a translated novel and its published \
        translation), finds their chapter headings and scores the chapters they share.
        """
    )

    @Option(help: "The translation to score: a text file, a GuoFeng file or a run folder.")
    var hyp: String

    @OptionGroup var options: MetricOptions

    @Flag(help: "Score every segment on its own (BLEU with effective order), one line per segment.")
    var sentenceLevel = false

    @Option(help: "Decimals in text output (sacreBLEU's Score.format uses 2, its CLI 1).")
    var width = 2

    @Flag(help: "Print a JSON array of objects (name, score at full precision, signature, verbose_score, …).")
    var json = false

    func validate() throws {
        if sentenceLevel && (options.documentLevel || options.chapters) {
            throw ValidationError("--sentence-level cannot be combined with --document-level or --chapters")
        }
        guard (0...10).contains(width) else { throw ValidationError("--width must be between 0 and 10") }
        _ = try options.metricList()
    }

    func run() throws {
        let metrics = try options.metricList(effectiveOrder: sentenceLevel)
        try runReportingErrors {
            let loaded = try options.load(systems: [hyp])
            let input = try ScoringInput.align(hypotheses: loaded.systems[0], references: loaded.references,
                                               documentLevel: loaded.documentLevel)
            var objects = [JSONValue]()
            var lines = [String]()
            for metric in metrics {
                if sentenceLevel {
                    let scores = try metric.sentenceScores(hyps: input.hypotheses, refs: input.references)
                    for s in scores {
                        lines.append(s.formatted(width: width))
                        objects.append(s.jsonObject())
                    }
                } else {
                    let s = try metric.corpusScore(hyps: input.hypotheses, refs: input.references)
                    lines.append(s.formatted(width: width))
                    objects.append(s.jsonObject())
                }
            }
            print(json ? JSONValue.array(objects).serialized() : lines.joined(separator: "\n"))
        }
    }
}
