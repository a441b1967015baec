import Foundation

/// Scores several systems against the same references with every metric, paired bootstrap
/// confidence intervals and p-values against the first system (the baseline). Systems are
/// `SegmentSet`s, so text files, GuoFeng files and run folders all work the same way.
public struct Comparison: Sendable {
    public var references: [SegmentSet]
    public var systems: [(name: String, output: SegmentSet)]
    public var metrics: [any CorpusMetric]
    public var bootstrap: PairedBootstrap
    public var documentLevel: Bool

    public init(references: [SegmentSet], systems: [(name: String, output: SegmentSet)], metrics: [any CorpusMetric],
                bootstrap: PairedBootstrap = PairedBootstrap(), documentLevel: Bool = false) {
        self.references = references
        self.systems = systems
        self.metrics = metrics
        self.bootstrap = bootstrap
        self.documentLevel = documentLevel
    }

    public struct MetricResult: Sendable {
        public var metricKey: String
        public var name: String
        public var lowerIsBetter: Bool
        /// One per system, baseline first.
        public var results: [PairedBootstrap.Result]
    }

    public struct Result: Sendable {
        public var systemNames: [String]
        public var segmentCount: Int
        public var documentLevel: Bool
        public var metrics: [MetricResult]
        /// The first metric chapter by chapter for each system, when the inputs have chapters.
        public var byChapter: [(system: String, scores: [(document: String, score: Double)])] = []
    }

    public func run() throws -> Result {
        guard systems.count >= 1 else { throw EvaluateError.invalidArgument("compare needs at least one system (--hyp)") }
        let aligned = try systems.map {
            try ScoringInput.align(hypotheses: $0.output, references: references, documentLevel: documentLevel)
        }
        var out = [MetricResult]()
        for metric in metrics {
            let stats = try zip(systems, aligned).map {
                (name: $0.name, statistics: try metric.statistics(hyps: $1.hypotheses, refs: $1.references))
            }
            let results = bootstrap.run(metric: metric, systems: stats, referenceCount: references.count)
            out.append(MetricResult(metricKey: metric.key, name: results.first?.score.name ?? metric.key,
                                    lowerIsBetter: metric.lowerIsBetter, results: results))
        }
        var result = Result(systemNames: systems.map(\.name), segmentCount: aligned.first?.hypotheses.count ?? 0,
                            documentLevel: documentLevel, metrics: out)
        result.byChapter = chapterSeries()
        return result
    }
}

extension Comparison {
    /// Per-chapter scores of the first metric; empty when some input has no chapters (or only one).
    func chapterSeries() -> [(system: String, scores: [(document: String, score: Double)])] {
        guard let metric = metrics.first else { return [] }
        let series = systems.map { system in
            (system.name, (try? perDocumentScores(metric, hypotheses: system.output, references: references)) ?? [])
        }
        guard series.allSatisfy({ $0.1.count > 1 }) else { return [] }
        return series.map { ($0.0, $0.1.map { ($0.document, $0.score.score) }) }
    }
}

extension Comparison.Result {
    /// `56.72 (μ = 56.18 ± 5.36)` and the p-value column, per metric.
    func cells(width: Int = 2) -> [[String]] {
        systemNames.indices.map { i in
            [systemNames[i]] + metrics.flatMap { m -> [String] in
                let r = m.results[i]
                return ["\(fixed(r.score.score, width)) (μ = \(fixed(r.mean, width)) ± \(fixed(r.halfWidth, width)))",
                        r.pValue.map { fixed($0, 4) + (($0 < 0.05) ? "*" : "") } ?? "–"]
            }
        }
    }

    var headers: [String] {
        ["System"] + metrics.flatMap { ["\($0.name)\($0.lowerIsBetter ? " ↓" : "")", "p"] }
    }

    /// A fixed-width text table for the terminal, then the signatures.
    public func textTable() -> String {
        let rows = [headers] + cells()
        let widths = headers.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = rows.map { row in
            row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n\n"
        out += footnote + "\n"
        for m in metrics { out += "\(m.name)|\(m.results[0].score.signature.formatted())\n" }
        return out
    }

    var footnote: String {
        let level = documentLevel ? "documents (chapters)" : "segments"
        return "\(segmentCount) \(level); paired bootstrap resampling against \(systemNames.first ?? "baseline"); "
            + "μ ± half-width of the 95% interval; * p < 0.05; ↓ lower is better"
    }

    /// The Markdown report; `charts` maps metric names to SVG paths relative to the report.
    /// The `charts` key of the per-chapter chart.
    public static let chapterChartKey = "by-chapter"

    public func markdown(title: String = "Translation comparison", charts: [String: String] = [:]) -> String {
        var out = MarkdownReport.heading(title, level: 1) + "\n"
        out += MarkdownReport.table(headers: headers, rows: cells(), rightAligned: Set(1..<headers.count)) + "\n"
        out += footnote + ".\n\n"
        out += MarkdownReport.heading("Signatures")
        out += MarkdownReport.codeBlock(metrics.map { "\($0.name)|\($0.results[0].score.signature.formatted())" }
            .joined(separator: "\n")) + "\n"
        for m in metrics {
            if let path = charts[m.name] { out += MarkdownReport.image(alt: "\(m.name) by system", path: path) + "\n" }
        }
        if let first = metrics.first, !byChapter.isEmpty {
            out += MarkdownReport.heading("\(first.name) by chapter")
            let documents = byChapter[0].scores.map(\.document)
            let rows = documents.indices.map { i in [documents[i]] + byChapter.map { fixed($0.scores[i].score, 2) } }
            out += MarkdownReport.table(headers: ["Chapter"] + byChapter.map(\.system), rows: rows,
                                        rightAligned: Set(1...byChapter.count)) + "\n"
            if let path = charts[Self.chapterChartKey] { out += MarkdownReport.image(alt: "\(first.name) by chapter", path: path) + "\n" }
        }
        out += "Scores reproduce sacreBLEU \(sacreBLEUVersion); resampling uses a seeded xoshiro256** generator, "
            + "so intervals and p-values agree with sacreBLEU's statistically, not digit for digit.\n"
        return out
    }

    /// One bar chart per metric, with the 95% intervals as error bars.
    public func charts() -> [(metric: String, svg: String)] {
        metrics.map { m in
            (m.name, SVGChart.barChart(
                title: "\(m.name) by system (95% CI)", yLabel: m.name + (m.lowerIsBetter ? " (lower is better)" : ""),
                bars: zip(systemNames, m.results).map {
                    SVGChart.Bar(label: $0, value: $1.score.score, lower: $1.lower, upper: $1.upper)
                }))
        }
    }

    /// A line chart of the per-chapter series (x = chapter position), if there is one.
    public func chapterChart() -> String? {
        guard let first = metrics.first, !byChapter.isEmpty else { return nil }
        return SVGChart.lineChart(
            title: "\(first.name) by chapter", xLabel: "chapter", yLabel: first.name,
            series: byChapter.map { s in
                SVGChart.Series(name: s.system, points: s.scores.enumerated().map { (Double($0.offset + 1), $0.element.score) })
            })
    }

    public func json() -> JSONValue {
        .object([
            ("segments", .int(segmentCount)),
            ("document_level", .bool(documentLevel)),
            ("systems", .array(systemNames.map { .string($0) })),
            ("by_chapter", .array(byChapter.map { s in
                .object([("system", .string(s.system)), ("scores", .array(s.scores.map {
                    .object([("document", .string($0.document)), ("score", .number($0.score))])
                }))])
            })),
            ("metrics", .array(metrics.map { m in
                .object([
                    ("name", .string(m.name)),
                    ("signature", .string(m.results.first?.score.signature.formatted() ?? "")),
                    ("results", .array(m.results.map { r in
                        .object([
                            ("system", .string(r.system)), ("score", .number(r.score.score)),
                            ("mean", .number(r.mean)), ("ci", .number(r.halfWidth)),
                            ("lower", .number(r.lower)), ("upper", .number(r.upper)),
                            ("p_value", r.pValue.map { .number($0) } ?? .null),
                        ])
                    })),
                ])
            })),
        ])
    }
}
