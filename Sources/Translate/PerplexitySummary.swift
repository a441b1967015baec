import Evaluate
import Foundation

/// Reference perplexities from `eval-ppl`'s chunk records: corpus PPL = exp(ΣNLL / Σtokens) for
/// the base model and with Temp-LoRA, overall, per chapter and per half of the chapters; and the
/// official code's figure, the token-weighted mean of per-sentence PPL (Σ exp(NLL_s/n_s)·n_s / Σ n_s),
/// which is always at least the corpus PPL and is labelled as such.
public struct PerplexitySummary: Sendable {
    public struct Totals: Sendable, Equatable {
        public var tokens = 0
        public var baseNLL = 0.0
        public var tempLoRANLL = 0.0
        public var baseSentenceMean = 0.0
        public var tempLoRASentenceMean = 0.0
        public var sentences = 0

        public init() {}

        /// The totals of some scored sentences (one chunk's, for instance).
        public init(_ sentences: [SentenceScore]) {
            for s in sentences { add(s) }
        }

        mutating func add(_ s: SentenceScore) {
            guard s.tokens > 0 else { return }
            tokens += s.tokens
            sentences += 1
            baseNLL += s.baseNLL
            tempLoRANLL += s.tempLoRANLL
            baseSentenceMean += exp(s.baseNLL / Double(s.tokens)) * Double(s.tokens)
            tempLoRASentenceMean += exp(s.tempLoRANLL / Double(s.tokens)) * Double(s.tokens)
        }

        public var basePPL: Double { tokens > 0 ? exp(baseNLL / Double(tokens)) : .nan }
        public var tempLoRAPPL: Double { tokens > 0 ? exp(tempLoRANLL / Double(tokens)) : .nan }
        /// Temp-LoRA relative to base: −0.13 means 13% lower perplexity.
        public var relativeChange: Double { tempLoRAPPL / basePPL - 1 }
        public var baseSentenceMeanPPL: Double { tokens > 0 ? baseSentenceMean / Double(tokens) : .nan }
        public var tempLoRASentenceMeanPPL: Double { tokens > 0 ? tempLoRASentenceMean / Double(tokens) : .nan }
    }

    public var overall = Totals()
    /// In corpus order.
    public var chapters: [(number: Int, totals: Totals)] = []
    /// The chapters scored so far split into a first and a second half (by position).
    public var firstHalf = Totals()
    public var secondHalf = Totals()
    public var chunks: Int
    public var trainingSeconds: Double

    public init(chunks records: [ChunkScore], corpus: ReferenceCorpus) {
        chunks = records.count
        trainingSeconds = records.reduce(0) { $0 + $1.seconds }
        var byChapter: [Int: Totals] = [:], order: [Int] = []
        for r in records {
            for s in r.sentences {
                overall.add(s)
                if byChapter[s.chapter] == nil { order.append(s.chapter) }
                byChapter[s.chapter, default: Totals()].add(s)
            }
        }
        chapters = order.map { ($0, byChapter[$0]!) }
        let half = (order.count + 1) / 2
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for r in records {
            for s in r.sentences {
                if position[s.chapter]! < half { firstHalf.add(s) } else { secondHalf.add(s) }
            }
        }
    }

    /// `eval.json` and `--json`.
    public func file(settings: EvalPPLSettings, complete: Bool) -> PerplexityFile {
        func round(_ v: Double) -> Double? { v.isFinite ? (v * 10000).rounded() / 10000 : nil }
        func totals(_ t: Totals) -> PerplexityFile.Totals {
            PerplexityFile.Totals(basePPL: round(t.basePPL), tempLoRAPPL: round(t.tempLoRAPPL), relativeChange: round(t.relativeChange),
                                  targetTokens: t.tokens, sentences: t.sentences, sentenceMeanBasePPL: round(t.baseSentenceMeanPPL),
                                  sentenceMeanTempLoRAPPL: round(t.tempLoRASentenceMeanPPL))
        }
        let s = settings
        return PerplexityFile(
            overall: totals(overall), chapters: chapters.map { PerplexityFile.Chapter(number: $0.number, totals: totals($0.totals)) },
            firstHalf: totals(firstHalf), secondHalf: totals(secondHalf), chunks: chunks, complete: complete,
            seconds: (trainingSeconds * 10).rounded() / 10,
            settings: PerplexityFile.Settings(model: s.model, source: s.source, reference: s.reference, chunkTokens: s.chunkTokens,
                                              contextTokens: s.contextTokens, trainContextTokens: s.trainContextTokens,
                                              epochs: s.epochs, rank: s.lora.rank, alpha: Double(s.lora.alpha),
                                              dropout: Double(s.lora.dropout), learningRate: Double(s.optimizer.learningRate),
                                              threads: s.threads))
    }

    public static let definitions = """
        PPL = exp(total NLL / total reference tokens), the corpus perplexity of the reference \
        translation under teacher forcing. "Sentence-mean PPL" is what the Temp-LoRA paper's code \
        reports: the token-weighted mean of per-sentence perplexities, Σ exp(NLL_s/n_s)·n_s / Σ n_s; \
        it is never below the corpus PPL and is given for comparison with the paper only.
        """

    public func markdown(settings: EvalPPLSettings, complete: Bool, chart: String?, command: String?) -> String {
        func f(_ v: Double) -> String { v.isFinite ? String(format: "%.3f", v) : "–" }
        func pct(_ v: Double) -> String { v.isFinite ? String(format: "%+.1f%%", v * 100) : "–" }
        var md = MarkdownReport.heading("Reference perplexity: base model vs Temp-LoRA", level: 1)
        md += "\n"
        if !complete { md += "**Partial run**: \(chunks) chunks scored so far (continue it with `--resume`).\n\n" }
        md += "Corpus: `\(settings.source)`\(settings.reference.map { " with `\($0)`" } ?? ""); model `\(settings.model)`.\n"
        md += "Δ = \(settings.chunkTokens) tokens per chunk, L_X = \(settings.contextTokens), L_T = \(settings.trainContextTokens), "
        md += "\(settings.epochs) steps per chunk, LoRA r = \(settings.lora.rank), alpha = \(settings.lora.alpha), lr = \(settings.optimizer.learningRate), "
        md += "\(settings.threads) threads; \(String(format: "%.0f", trainingSeconds)) s of compute.\n\n"
        md += Self.definitions + "\n\n"
        let rows: [[String]] = [("All", overall), ("First half of the chapters scored", firstHalf), ("Second half of the chapters scored", secondHalf)].map { name, t in
            [name, String(t.tokens), f(t.basePPL), f(t.tempLoRAPPL), pct(t.relativeChange), f(t.baseSentenceMeanPPL), f(t.tempLoRASentenceMeanPPL)]
        }
        let headers = ["", "tokens", "base PPL", "Temp-LoRA PPL", "change", "sentence-mean base", "sentence-mean Temp-LoRA"]
        md += MarkdownReport.table(headers: headers, rows: rows, rightAligned: Set(1...6)) + "\n"
        if let chart { md += MarkdownReport.image(alt: "PPL by chapter", path: chart) + "\n" }
        md += MarkdownReport.heading("By chapter") + "\n"
        md += MarkdownReport.table(headers: ["chapter"] + headers.dropFirst(), rows: chapters.map { c in
            let t = c.totals
            return [String(c.number), String(t.tokens), f(t.basePPL), f(t.tempLoRAPPL), pct(t.relativeChange),
                    f(t.baseSentenceMeanPPL), f(t.tempLoRASentenceMeanPPL)]
        }, rightAligned: Set(0...6)) + "\n"
        if let command { md += MarkdownReport.heading("Command") + "\n" + MarkdownReport.codeBlock(command) }
        return md
    }

    public func chart() -> String {
        SVGChart.lineChart(title: "Reference perplexity by chapter", xLabel: "chapter", yLabel: "PPL",
                           series: [SVGChart.Series(name: "base", points: chapters.map { (Double($0.number), $0.totals.basePPL) }),
                                    SVGChart.Series(name: "Temp-LoRA", points: chapters.map { (Double($0.number), $0.totals.tempLoRAPPL) })])
    }

    /// Writes eval.json, report.md and ppl-by-chapter.svg into `folder`.
    public func write(to folder: String, settings: EvalPPLSettings, complete: Bool, command: String?) throws {
        try RunFolder.writeAtomically(try file(settings: settings, complete: complete).json(), to: folder + "/" + PerplexityFile.fileName)
        try RunFolder.writeAtomically(chart(), to: folder + "/ppl-by-chapter.svg")
        try RunFolder.writeAtomically(markdown(settings: settings, complete: complete, chart: "ppl-by-chapter.svg", command: command),
                                      to: folder + "/report.md")
    }
}
