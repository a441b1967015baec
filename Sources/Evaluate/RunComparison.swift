/// Compares translation runs chapter by chapter against a reference: document-level metrics
/// (chapters as documents: d-BLEU, chrF), sentence-level metrics when units and reference lines are
/// aligned, each with paired bootstrap intervals and p-values against the first run (through
/// `Comparison`), per-chapter scores, name consistency, and optionally `yanfu eval-ppl` results.
public struct RunComparison: Sendable {
    public var pairing: ChapterPairing
    /// One per run, in `pairing.runs` order (the first is the baseline).
    public var names: [String]
    public var metrics: [any CorpusMetric]
    public var bootstrap: PairedBootstrap
    /// Terms to check (source, English); without it the reference's frequent names are counted.
    public var glossary: [GlossaryEntry]?
    public var perplexity: [PerplexityEval]
    /// The command that produced the comparison, for the report.
    public var commandLine: String?

    public init(pairing: ChapterPairing, names: [String], metrics: [any CorpusMetric],
                bootstrap: PairedBootstrap = PairedBootstrap(), glossary: [GlossaryEntry]? = nil,
                perplexity: [PerplexityEval] = [], commandLine: String? = nil) {
        precondition(names.count == pairing.runs.count, "one name per run")
        self.pairing = pairing
        self.names = names
        self.metrics = metrics
        self.bootstrap = bootstrap
        self.glossary = glossary
        self.perplexity = perplexity
        self.commandLine = commandLine
    }

    public struct Run: Sendable {
        public var name: String
        public var path: String
        /// Units in the scored chapters.
        public var units: Int
    }

    /// One metric's per-chapter document scores, `runs[r][i]` for run r and `chapters[i]`.
    public struct ChapterSeries: Sendable {
        public var metricKey: String
        public var name: String
        public var runs: [[Double]]
    }

    public struct Result: Sendable {
        public var runs: [Run]
        public var references: [(path: String, kind: ChapteredText.Kind)]
        public var chapters: [Int]
        public var skipped: [(origin: String, chapters: [Int], reason: String)]
        /// Why there are no sentence-level scores (nil when there are).
        public var sentenceLevelUnavailable: String?
        /// Chapters as documents.
        public var document: [Comparison.MetricResult]
        /// Units as segments; empty when not aligned.
        public var sentence: [Comparison.MetricResult]
        public var sentenceCount: Int
        public var byChapter: [ChapterSeries]
        public var glossaryTerms: [NameConsistency.Term]?
        public var frequentNames: [NameConsistency.FrequentName]?
        public var perplexity: [PerplexityEval]
        public var bootstrap: PairedBootstrap
        public var commandLine: String?
    }

    public func run() throws -> Result {
        guard !metrics.isEmpty else { throw EvaluateError.invalidArgument("compare needs at least one metric") }
        let p = pairing
        let docRefs = p.references.map(p.documentSet)
        let docRuns = p.runs.map(p.documentSet)
        let document = try Comparison(references: docRefs, systems: zip(names, docRuns).map { (name: $0, output: $1) }, metrics: metrics,
                                      bootstrap: bootstrap).run().metrics
        var sentence = [Comparison.MetricResult](), sentenceCount = 0
        if p.isSentenceAligned {
            let units = p.runs.map(p.unitSet)
            sentence = try Comparison(references: p.references.map(p.unitSet), systems: zip(names, units).map { (name: $0, output: $1) },
                                      metrics: metrics, bootstrap: bootstrap).run().metrics
            sentenceCount = units[0].segments.count
        }
        let byChapter = try metrics.map { metric in
            ChapterSeries(metricKey: metric.key, name: document.first { $0.metricKey == metric.key }?.name ?? metric.key,
                          runs: try docRuns.map { run in
                              try metric.sentenceScores(hyps: run.segments, refs: docRefs.map(\.segments)).map(\.score)
                          })
        }
        var terms: [NameConsistency.Term]?, frequent: [NameConsistency.FrequentName]?
        if let glossary {
            terms = NameConsistency.glossary(glossary, runs: p.runs.map(runUnits))
        } else {
            frequent = NameConsistency.frequentNames(reference: p.documents(p.references[0]), runs: p.runs.map(p.documents))
        }
        return Result(
            runs: zip(names, p.runs).map { Run(name: $0, path: $1.origin, units: p.units($1).count) },
            references: p.references.map { ($0.origin, $0.kind) }, chapters: p.chapters, skipped: p.skipped,
            sentenceLevelUnavailable: p.sentenceLevelUnavailable, document: document, sentence: sentence,
            sentenceCount: sentenceCount, byChapter: byChapter, glossaryTerms: terms, frequentNames: frequent,
            perplexity: perplexity, bootstrap: bootstrap, commandLine: commandLine)
    }

    /// A run's units (source and translation) in the scored chapters.
    func runUnits(_ run: ChapteredText) -> [NameConsistency.Unit] {
        pairing.chapters.flatMap { c in
            let translations = run.chapters[c]!
            let sources = run.sources?[c] ?? []
            return translations.indices.map { NameConsistency.Unit(source: $0 < sources.count ? sources[$0] : "", translation: translations[$0]) }
        }
    }

    /// Default display names: each path's last component, or the whole path where two would clash.
    public static func defaultNames(_ paths: [String]) -> [String] {
        let last = paths.map { path -> String in
            let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            return trimmed.split(separator: "/").last.map(String.init) ?? path
        }
        return last.indices.map { i in last.filter { $0 == last[i] }.count > 1 ? paths[i] : last[i] }
    }
}
