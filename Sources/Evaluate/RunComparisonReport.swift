import Foundation

/// The report of a run comparison: Markdown, JSON and SVG plots, written into one folder.
extension RunComparison.Result {
    public static let reportFile = "report.md"
    public static let jsonFile = "compare.json"
    public static let pplChartFile = "ppl-by-chapter.svg"

    /// `dbleu-by-chapter.svg`, `dchrf-by-chapter.svg`, …
    public static func chapterChartFile(metricKey: String) -> String {
        "d\(ReportWriter.slug(metricKey))-by-chapter.svg"
    }

    /// Document-level metrics are shown as d-BLEU, d-chrF2, …
    static func documentName(_ name: String) -> String { "d-" + name }

    /// Writes report.md, compare.json and the plots into `folder` (created if needed), each file
    /// through a temporary name and a rename. Returns the paths written.
    @discardableResult
    public func write(to folder: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EvaluateError.unwritable(path: folder, reason: error.localizedDescription)
        }
        var files = [(String, String)]()
        for series in byChapter { files.append((Self.chapterChartFile(metricKey: series.metricKey), chapterChart(series))) }
        if let svg = perplexityChart() { files.append((Self.pplChartFile, svg)) }
        files.append((Self.jsonFile, json().serialized() + "\n"))
        files.append((Self.reportFile, markdown()))
        var written = [String]()
        for (name, text) in files {
            let path = (folder as NSString).appendingPathComponent(name)
            try SegmentFile.writeAtomically(text, to: path)
            written.append(path)
        }
        return written
    }

    // MARK: Plots

    public func chapterChart(_ series: RunComparison.ChapterSeries) -> String {
        let name = Self.documentName(series.name)
        return SVGChart.lineChart(title: "\(name) by chapter", xLabel: "chapter", yLabel: name,
                                  series: zip(runs, series.runs).map { run, scores in
                                      SVGChart.Series(name: run.name, points: zip(chapters, scores).map { (Double($0), $1) })
                                  })
    }

    /// Base and Temp-LoRA perplexity by chapter, one pair of lines per eval file; nil without one.
    public func perplexityChart() -> String? {
        guard !perplexity.isEmpty else { return nil }
        let series = perplexity.flatMap { e -> [SVGChart.Series] in
            let prefix = perplexity.count > 1 ? e.label + " " : ""
            return [SVGChart.Series(name: prefix + "base", points: e.chapters.map { (Double($0.number), $0.basePPL) }),
                    SVGChart.Series(name: prefix + "Temp-LoRA", points: e.chapters.map { (Double($0.number), $0.tempLoRAPPL) })]
        }
        return SVGChart.lineChart(title: "Reference perplexity by chapter", xLabel: "chapter", yLabel: "PPL", series: series)
    }

    // MARK: Markdown

    public func markdown() -> String {
        var out = MarkdownReport.heading("Run comparison", level: 1) + "\n"
        out += "Reference: " + references.map { "`\($0.path)` (\($0.kind.rawValue))" }.joined(separator: ", ")
            + ". Chapters scored: \(ChapterPairing.list(chapters)) (\(chapters.count) document\(chapters.count == 1 ? "" : "s")).\n\n"
        out += MarkdownReport.table(headers: ["Run", "Folder", "Units scored"],
                                    rows: runs.map { [$0.name, $0.path, String($0.units)] }, rightAligned: [2]) + "\n"

        out += MarkdownReport.heading("Scores")
        out += MarkdownReport.table(headers: metricHeaders(document, rename: Self.documentName),
                                    rows: metricRows(document), rightAligned: Set(1..<(1 + 2 * document.count))) + "\n"
        out += "Document level: each of the \(chapters.count) chapters is one document, its units joined by a space "
            + "(d-BLEU as in G-Transformer; chrF likewise). Cells: score [95% bootstrap interval]; p: paired bootstrap "
            + "against \(runs[0].name) (\(bootstrap.samples) resamples, seed \(bootstrap.seed)); * p < 0.05; ↓ lower is better.\n"
        if chapters.count < 10 {
            out += "With only \(chapters.count) chapters, each resample draws from \(chapters.count) documents, so the "
                + "document-level intervals and p-values are coarse; read them as a rough guide.\n"
        }
        out += "\n"
        if sentence.isEmpty {
            out += "Sentence level: not computed, only document-level scores: \(sentenceLevelUnavailable ?? "no aligned units").\n\n"
        } else {
            out += MarkdownReport.heading("Sentence-level scores", level: 3)
            out += MarkdownReport.table(headers: metricHeaders(sentence, rename: { $0 }), rows: metricRows(sentence),
                                        rightAligned: Set(1..<(1 + 2 * sentence.count))) + "\n"
            out += "\(sentenceCount) units, each aligned with one reference line.\n\n"
        }

        for series in byChapter {
            let name = Self.documentName(series.name)
            out += MarkdownReport.heading("\(name) by chapter")
            out += MarkdownReport.table(headers: ["Chapter"] + runs.map(\.name),
                                        rows: chapters.indices.map { i in [String(chapters[i])] + series.runs.map { fixed($0[i], 2) } },
                                        rightAligned: Set(1...runs.count)) + "\n"
            out += MarkdownReport.image(alt: "\(name) by chapter", path: Self.chapterChartFile(metricKey: series.metricKey)) + "\n"
        }

        if !perplexity.isEmpty { out += perplexityMarkdown() }
        out += namesMarkdown()

        out += MarkdownReport.heading("Skipped chapters")
        if skipped.isEmpty {
            out += "None: every run and reference has exactly the scored chapters.\n\n"
        } else {
            for s in skipped {
                out += "- `\(s.origin)`: \(s.chapters.count == 1 ? "chapter" : "chapters") \(ChapterPairing.list(s.chapters)) "
                    + "(\(s.reason))\n"
            }
            out += "\n"
        }

        out += MarkdownReport.heading("Signatures")
        out += MarkdownReport.codeBlock((document.map { "\(Self.documentName($0.name))|\($0.results[0].score.signature.formatted())" }
            + sentence.map { "\($0.name)|\($0.results[0].score.signature.formatted())" }).joined(separator: "\n")) + "\n"
        if let commandLine {
            out += MarkdownReport.heading("Command")
            out += MarkdownReport.codeBlock(commandLine)
        }
        return out
    }

    func metricHeaders(_ metrics: [Comparison.MetricResult], rename: (String) -> String) -> [String] {
        ["Run"] + metrics.flatMap { ["\(rename($0.name))\($0.lowerIsBetter ? " ↓" : "")", "p"] }
    }

    func metricRows(_ metrics: [Comparison.MetricResult]) -> [[String]] {
        runs.indices.map { i in
            [runs[i].name] + metrics.flatMap { m -> [String] in
                let r = m.results[i]
                return ["\(fixed(r.score.score, 2)) [\(fixed(r.lower, 2)), \(fixed(r.upper, 2))]",
                        r.pValue.map { fixed($0, 4) + ($0 < 0.05 ? "*" : "") } ?? "–"]
            }
        }
    }

    func perplexityMarkdown() -> String {
        var out = MarkdownReport.heading("Reference perplexity by chapter")
        for e in perplexity {
            if perplexity.count > 1 { out += MarkdownReport.heading("\(e.label)", level: 3) }
            let rows = e.chapters.map { c in
                [String(c.number), String(c.targetTokens), fixed(c.basePPL, 2), fixed(c.tempLoRAPPL, 2),
                 Self.percentChange(c.basePPL, c.tempLoRAPPL)]
            } + [["all", String(e.chapters.reduce(0) { $0 + $1.targetTokens }), fixed(e.basePPL, 2), fixed(e.tempLoRAPPL, 2),
                  Self.percentChange(e.basePPL, e.tempLoRAPPL)]]
            out += MarkdownReport.table(headers: ["Chapter", "Target tokens", "Base PPL", "Temp-LoRA PPL", "Change"],
                                        rows: rows, rightAligned: [1, 2, 3, 4]) + "\n"
            out += "From `\(e.path)`.\n\n"
        }
        out += MarkdownReport.image(alt: "Reference perplexity by chapter", path: Self.pplChartFile) + "\n"
        return out
    }

    static func percentChange(_ from: Double, _ to: Double) -> String {
        let change = (to - from) / from * 100
        return (change >= 0 ? "+" : "−") + fixed(abs(change), 1) + "%"
    }

    func namesMarkdown() -> String {
        var out = MarkdownReport.heading("Name consistency")
        if let terms = glossaryTerms {
            out += "Per glossary term and run: the share of units whose source contains the term and whose translation "
                + "contains the glossary's English (case-insensitive), out of how many units, then the renderings used. "
                + NameConsistency.renderingRule + "\n\n"
            let rows = terms.map { t in
                [t.source, t.target] + t.runs.map { r -> String in
                    guard let share = r.share else { return "–" }
                    let names = r.renderings.map { "\($0.name) (\($0.units))" }.joined(separator: ", ")
                    return "\(fixed(share * 100, 0))% of \(r.units)" + (names.isEmpty ? "" : "; " + names)
                }
            }
            let mean = ["mean over terms", "glossary's way / majority way"] + NameConsistency.means(terms, runs: runs.count).map { m in
                m.map { "\(fixed($0.glossary * 100, 1))% / \(fixed($0.majority * 100, 1))%" } ?? "–"
            }
            out += MarkdownReport.table(headers: ["Term", "Glossary"] + runs.map(\.name), rows: rows + [mean]) + "\n"
            out += "The majority way is the share of a term's units whose translation holds the run's most frequent rendering of it.\n\n"
        } else if let names = frequentNames {
            out += "No glossary given (--glossary): the reference's \(names.count) most frequent proper names, counted in "
                + "the reference and in each run. " + NameConsistency.frequentNameRule + "\n\n"
            out += MarkdownReport.table(headers: ["Name", "Reference"] + runs.map(\.name),
                                        rows: names.map { [$0.name, String($0.reference)] + $0.runs.map(String.init) },
                                        rightAligned: Set(1...(1 + runs.count))) + "\n"
        }
        return out
    }

    // MARK: JSON

    public func json() -> JSONValue {
        func metricsJSON(_ metrics: [Comparison.MetricResult], rename: (String) -> String) -> JSONValue {
            .array(metrics.map { m in
                .object([
                    ("name", .string(rename(m.name))), ("key", .string(m.metricKey)), ("lower_is_better", .bool(m.lowerIsBetter)),
                    ("signature", .string(m.results.first?.score.signature.formatted() ?? "")),
                    ("results", .array(m.results.map { r in
                        .object([("run", .string(r.system)), ("score", .number(r.score.score)), ("mean", .number(r.mean)),
                                 ("ci", .number(r.halfWidth)), ("lower", .number(r.lower)), ("upper", .number(r.upper)),
                                 ("p_value", r.pValue.map { .number($0) } ?? .null)])
                    })),
                ])
            })
        }
        var names: [(String, JSONValue)] = []
        if let terms = glossaryTerms {
            names = [("rule", .string(NameConsistency.renderingRule)), ("glossary", .array(terms.map { t in
                .object([("source", .string(t.source)), ("target", .string(t.target)), ("runs", .array(zip(runs, t.runs).map { run, r in
                    .object([("run", .string(run.name)), ("units", .int(r.units)), ("with_target", .int(r.withTarget)),
                             ("share", r.share.map { .number($0) } ?? .null),
                             ("majority_share", r.majorityShare.map { .number($0) } ?? .null),
                             ("renderings", .array(r.renderings.map { .object([("name", .string($0.name)), ("units", .int($0.units))]) }))])
                }))])
            }))]
        } else if let frequent = frequentNames {
            names = [("rule", .string(NameConsistency.frequentNameRule)), ("frequent", .array(frequent.map { n in
                .object([("name", .string(n.name)), ("reference", .int(n.reference)),
                         ("runs", .array(zip(runs, n.runs).map { .object([("run", .string($0.name)), ("count", .int($1))]) }))])
            }))]
        }
        return .object([
            ("command", commandLine.map { .string($0) } ?? .null),
            ("references", .array(references.map { .object([("path", .string($0.path)), ("kind", .string($0.kind.rawValue))]) })),
            ("runs", .array(runs.map { .object([("name", .string($0.name)), ("path", .string($0.path)), ("units", .int($0.units))]) })),
            ("chapters", .array(chapters.map { .int($0) })),
            ("skipped", .array(skipped.map { .object([("path", .string($0.origin)), ("chapters", .array($0.chapters.map { .int($0) })),
                                                      ("reason", .string($0.reason))]) })),
            ("bootstrap", .object([("samples", .int(bootstrap.samples)), ("seed", .string(String(bootstrap.seed)))])),
            ("document_level", .object([("documents", .int(chapters.count)),
                                        ("metrics", metricsJSON(document, rename: Self.documentName))])),
            ("sentence_level", .object([("available", .bool(!sentence.isEmpty)),
                                        ("reason", sentenceLevelUnavailable.map { .string($0) } ?? .null),
                                        ("segments", .int(sentenceCount)), ("metrics", metricsJSON(sentence, rename: { $0 }))])),
            ("by_chapter", .array(byChapter.map { s in
                .object([("metric", .string(Self.documentName(s.name))), ("key", .string(s.metricKey)),
                         ("runs", .array(zip(runs, s.runs).map { .object([("run", .string($0.name)), ("scores", .array($1.map { .number($0) }))]) }))])
            })),
            ("names", .object(names)),
            ("perplexity", .array(perplexity.map { e in
                .object([("path", .string(e.path)), ("label", .string(e.label)), ("base_ppl", .number(e.basePPL)),
                         ("temp_lora_ppl", .number(e.tempLoRAPPL)), ("chapters", .array(e.chapters.map { c in
                             .object([("number", .int(c.number)), ("base_ppl", .number(c.basePPL)),
                                      ("temp_lora_ppl", .number(c.tempLoRAPPL)), ("target_tokens", .int(c.targetTokens))])
                         }))])
            })),
        ])
    }

    /// A short terminal summary: the document-level (and sentence-level) tables and skipped chapters.
    public func textSummary() -> String {
        func table(_ headers: [String], _ rows: [[String]]) -> String {
            let all = [headers] + rows
            let widths = headers.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
            return all.map { row in
                row.enumerated().map { c, cell in
                    c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[c] - cell.count) + cell
                }.joined(separator: "  ")
            }.joined(separator: "\n") + "\n"
        }
        var out = table(metricHeaders(document, rename: Self.documentName), metricRows(document))
        out += "\(chapters.count) chapter\(chapters.count == 1 ? "" : "s") as documents (\(ChapterPairing.list(chapters))); [95% bootstrap interval]; "
            + "p against \(runs[0].name); * p < 0.05\n"
        if sentence.isEmpty {
            out += "sentence level: not computed (only document-level scores): \(sentenceLevelUnavailable ?? "")\n"
        } else {
            out += "\n" + table(metricHeaders(sentence, rename: { $0 }), metricRows(sentence))
            out += "\(sentenceCount) aligned units\n"
        }
        return out
    }
}
