import ArgumentParser
import Evaluate
import Foundation

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare translation runs (or other system outputs) on the same reference, with confidence intervals and significance tests.",
        discussion: """
        Run folders written by `yanfu translate` are paired with the reference chapter by chapter: \
        a book with chapter headings (pairs by chapter number), a GuoFeng file (its chapters in \
        order are 1…n), another run folder or a line-aligned file. Only chapters every run and \
        the reference have are scored (a run's title, chapter 0, usually drops out), and only \
        chapters every run has finished (so a run still translating can be compared); the others \
        are listed. Each run gets d-BLEU and chrF over chapters as documents, sentence-level \
        scores when units and reference lines are aligned, 95% paired bootstrap intervals and \
        p-values against the first run (the baseline), scores per chapter, and a name-consistency \
        table (glossary terms with --glossary, else the reference's frequent names). Runs are \
        named after their folders (--name overrides, in order); positional runs come first, then \
        any --hyp.

        Example:
          yanfu compare runs/off runs/temp-lora --reference en.txt \\
              --glossary glossary.tsv --ppl runs/eval --out report/
        writes report/report.md, report/compare.json, report/dbleu-by-chapter.svg (one line per \
        run; also dchrf-by-chapter.svg) and, with --ppl, report/ppl-by-chapter.svg.

        Text files work as before: yanfu compare --ref ref.en --hyp base.en --hyp lora.en \
        --report report.md (bar charts beside it) or --out DIR.
        """
    )

    @Argument(help: "Run folders to compare; the first is the baseline.")
    var runs: [String] = []

    @Option(name: .long, help: "A system's output: a run folder, text or GuoFeng file (repeat; after the positional runs).")
    var hyp: [String] = []

    @Option(name: .long, help: "Display names for the systems, in order (default: the run folder's name).")
    var name: [String] = []

    @OptionGroup var options: MetricOptions

    @Option(help: "Number of bootstrap resamples.")
    var bootstrap = 1000

    @Option(help: "Seed of the resampling generator.")
    var seed: UInt64 = 12345

    @Option(help: "Write report.md, compare.json and SVG plots into this folder (created if needed).")
    var out: String?

    @Option(help: "Glossary TSV (source<TAB>target) for the name-consistency table (run folders only).")
    var glossary: String?

    @Option(help: "Output of `yanfu eval-ppl`: a folder holding eval.json, or the JSON file (repeatable; run folders only).")
    var ppl: [String] = []

    @Option(help: "Text files: write a Markdown report here, with SVG charts beside it.")
    var report: String?

    @Flag(help: "Print the results as JSON (the content of compare.json).")
    var json = false

    var systems: [String] { runs + hyp }

    /// Text-file mode (today's `--hyp` comparison) when some system is an existing regular file;
    /// otherwise every system must be a run folder and a missing one is reported as such.
    var comparesFiles: Bool {
        systems.contains { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    func validate() throws {
        guard !systems.isEmpty else { throw ValidationError("give at least one run folder (or --hyp)") }
        guard name.isEmpty || name.count == systems.count else {
            throw ValidationError("--name given \(name.count) times for \(systems.count) systems; give one name per system or none")
        }
        guard bootstrap >= 1 else { throw ValidationError("--bootstrap must be at least 1") }
        _ = try options.metricList()
        if comparesFiles {
            if glossary != nil || !ppl.isEmpty { throw ValidationError("--glossary and --ppl need run folders as systems") }
        } else {
            if report != nil { throw ValidationError("--report is for text files; with run folders use --out DIR") }
            if options.chapters { throw ValidationError("--chapters is for plain books; run folders are paired by chapter anyway") }
            if options.docIDs != nil { throw ValidationError("--doc-ids is for text files; run folders have their chapters") }
        }
    }

    func run() throws {
        let metrics = try options.metricList()
        try runReportingErrors {
            if comparesFiles { try compareFiles(metrics) } else { try compareRuns(metrics) }
        }
    }

    func compareRuns(_ metrics: [any CorpusMetric]) throws {
        let pairing = try options.pairRuns(systems)
        warn(pairing.warnings)
        let comparison = RunComparison(
            pairing: pairing, names: name.isEmpty ? RunComparison.defaultNames(systems) : name, metrics: metrics,
            bootstrap: PairedBootstrap(samples: bootstrap, seed: seed),
            glossary: try glossary.map { try Glossary.read(file: $0).entries }, perplexity: try ppl.map(PerplexityEval.read),
            commandLine: Self.commandLine())
        let result = try comparison.run()
        if let out {
            let written = try result.write(to: out)
            FileHandle.standardError.write(Data("wrote \(written.joined(separator: ", "))\n".utf8))
        }
        print(json ? result.json().serialized() : result.textSummary(), terminator: json ? "\n" : "")
    }

    func compareFiles(_ metrics: [any CorpusMetric]) throws {
        let loaded = try options.load(systems: systems)
        let named = loaded.systems.enumerated().map { i, output in (name: name.isEmpty ? systems[i] : name[i], output: output) }
        let result = try Comparison(references: loaded.references, systems: named, metrics: metrics,
                                    bootstrap: PairedBootstrap(samples: bootstrap, seed: seed),
                                    documentLevel: loaded.documentLevel).run()
        var written = [String]()
        if let report { written += try ReportWriter.write(result, to: report) }
        if let out {
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            } catch {
                throw EvaluateError.unwritable(path: out, reason: error.localizedDescription)
            }
            written += try ReportWriter.write(result, to: (out as NSString).appendingPathComponent("report.md"))
            let jsonPath = (out as NSString).appendingPathComponent("compare.json")
            try SegmentFile.writeAtomically(result.json().serialized() + "\n", to: jsonPath)
            written.append(jsonPath)
        }
        if !written.isEmpty { FileHandle.standardError.write(Data("wrote \(written.joined(separator: ", "))\n".utf8)) }
        print(json ? result.json().serialized() : result.textTable(), terminator: json ? "\n" : "")
    }

    /// The command as typed, quoted for a POSIX shell, for the report.
    static func commandLine() -> String {
        (["yanfu"] + CommandLine.arguments.dropFirst()).map { arg in
            arg.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) && !arg.isEmpty
                ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
