import Foundation

/// What `yanfu align` writes: the aligned pair in GuoFeng layout (one pairing bead a line; 1-0 and
/// 0-1 beads are left out but counted), `alignment.jsonl` (every bead), and `report.md`; plus the
/// same summary as JSON.
public struct AlignmentOutput: Sendable {
    public var name: String
    public var source: String
    public var target: String
    public var dictionary: String?
    public var result: BookAligner.Result
    public var warnings: [String]

    public init(name: String, source: String, target: String, dictionary: String?, result: BookAligner.Result, warnings: [String]) {
        self.name = name; self.source = source; self.target = target; self.dictionary = dictionary
        self.result = result; self.warnings = warnings
    }

    public static let scoreDefinition = "score = mean over a chapter's beads of the two-sided p-value P(|δ| ≥ observed) of the bead's length difference under the fitted c and s² (1-0 and 0-1 beads count 0); about 0.5 when a faithful translation is aligned correctly, lower for loose translation, dropped sentences or misalignment. anchored_1_1 = share of 1-1 beads whose sentences share a number or dictionary word; aligned = share of sentences in pairing beads."

    public struct ChapterSummary: Codable, Sendable {
        public var id: String
        public var number: Int?
        public var zh_sentences: Int
        public var en_sentences: Int
        public var beads: [String: Int]
        public var score: Double
        public var anchored_1_1: Double
        public var aligned: Double
        public var cost: Double
    }

    public struct Summary: Codable, Sendable {
        public var name: String
        public var source: String
        public var target: String
        public var dictionary: String?
        public var c: Double
        public var s2: Double
        public var priors: [String: Double]
        public var anchor_bonus: Double
        public var score_definition: String
        public var chapters: [ChapterSummary]
        public var beads: [String: Int]
        public var mean_score: Double
        public var warnings: [String]
    }

    public var summary: Summary {
        let chapters = result.chapters.map { c in
            ChapterSummary(id: c.chapter.id, number: c.chapter.number, zh_sentences: c.chapter.source.count, en_sentences: c.chapter.target.count,
                           beads: Dictionary(uniqueKeysWithValues: BeadType.allCases.map { ($0.rawValue, c.count($0)) }),
                           score: Self.round(c.score), anchored_1_1: Self.round(c.anchoredOneToOne), aligned: Self.round(c.alignedSentences),
                           cost: Self.round(c.beads.reduce(0) { $0 + $1.cost }))
        }
        var totals: [String: Int] = [:]
        for c in chapters { for (k, v) in c.beads { totals[k, default: 0] += v } }
        let p = result.parameters
        return Summary(name: name, source: source, target: target, dictionary: dictionary, c: Self.round(p.c), s2: Self.round(p.s2),
                       priors: Dictionary(uniqueKeysWithValues: p.priors.map { ($0.key.rawValue, Self.round($0.value)) }),
                       anchor_bonus: p.anchorBonus, score_definition: Self.scoreDefinition, chapters: chapters, beads: totals,
                       mean_score: Self.round(chapters.isEmpty ? 0 : chapters.reduce(0) { $0 + $1.score } / Double(chapters.count)),
                       warnings: warnings)
    }

    static func round(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// The aligned pair as a sentence-aligned GuoFeng corpus.
    public var corpus: GuoFengCorpus {
        GuoFengCorpus(documents: result.chapters.map { c in
            let pairs = c.pairs.map { (Self.oneLine($0.source), Self.oneLine($0.target)) }
            return GuoFengCorpus.Document(book: name, id: c.chapter.id, source: pairs.map(\.0), target: pairs.map(\.1))
        }, alignment: .sentences)
    }

    static func oneLine(_ s: String) -> String {
        s.contains(where: \.isNewline) ? s.split(whereSeparator: \.isNewline).joined(separator: " ") : s
    }

    /// One JSON object per bead. Sentence indices are 0-based within the chapter (the order of
    /// `yanfu chapters`' sentences); `line` is the bead's line in the .zh/.en files (pairing beads only).
    public func jsonl() throws -> String {
        struct Line: Encodable {
            var chapter: String; var number: Int?; var zh: [Int]; var en: [Int]; var type: String
            var cost: Double; var length_p: Double; var anchors: Int; var line: Int?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = ""
        var line = 0
        var book: String?
        for c in result.chapters {
            if book != name { line += 1; book = name }  // <BOOK id=…>
            line += 1  // <CHAPTER id=…>
            for bead in c.beads {
                var at: Int?
                if bead.type.pairs { line += 1; at = line }
                let record = Line(chapter: c.chapter.id, number: c.chapter.number, zh: Array(bead.source), en: Array(bead.target),
                                  type: bead.type.rawValue, cost: Self.round(bead.cost), length_p: Self.round(exp(-bead.lengthCost)),
                                  anchors: bead.anchors, line: at)
                out += String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"
            }
            line += 1  // </CHAPTER>
        }
        return out
    }

    public func markdown() -> String {
        let s = summary
        var lines = ["# Sentence alignment: \(name)", "",
                     "- source: `\(source)`", "- target: `\(target)`", "- dictionary: " + (dictionary.map { "`\($0)`" } ?? "none (numbers only)"),
                     "- fitted: c = \(s.c) English characters per Chinese character, s² = \(s.s2); priors "
                        + BeadType.allCases.map { "\($0.rawValue) \(s.priors[$0.rawValue] ?? 0)" }.joined(separator: ", "),
                     "- beads: " + BeadType.allCases.map { "\($0.rawValue) \(s.beads[$0.rawValue] ?? 0)" }.joined(separator: ", "),
                     "- mean chapter score: \(s.mean_score)", "",
                     Self.scoreDefinition, "",
                     "| chapter | zh | en | " + BeadType.allCases.map(\.rawValue).joined(separator: " | ") + " | score | anchored 1-1 | aligned |",
                     "|---|---:|---:|" + String(repeating: "---:|", count: BeadType.allCases.count + 3)]
        for c in s.chapters {
            let counts = BeadType.allCases.map { "\(c.beads[$0.rawValue] ?? 0)" }.joined(separator: " | ")
            lines.append("| \(c.number.map(String.init) ?? c.id) | \(c.zh_sentences) | \(c.en_sentences) | \(counts) | \(c.score) | \(c.anchored_1_1) | \(c.aligned) |")
        }
        if !warnings.isEmpty { lines += [""] + warnings.map { "- warning: \($0)" } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `<name>.zh`, `<name>.en`, `alignment.jsonl` and `report.md` into `directory` (created
    /// if needed), all to temporary names first, so earlier output is never half-replaced.
    public func write(directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw TextError.unwritable(file: directory, reason: "it exists and is not a directory; nothing was replaced")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TextError.unwritable(file: directory, reason: error.localizedDescription)
        }
        let dir = URL(fileURLWithPath: directory)
        let (zh, en) = corpus.rendered()
        try FileIO.writeAtomically([
            (dir.appendingPathComponent("\(name).zh").path, zh),
            (dir.appendingPathComponent("\(name).en").path, en),
            (dir.appendingPathComponent("alignment.jsonl").path, try jsonl()),
            (dir.appendingPathComponent("report.md").path, markdown()),
        ])
    }
}
