import Base
/// Alignment quality on data whose alignment is known: sentence pairs (Tatoeba) shuffled into
/// pseudo-chapters, with adjacent sentences merged on one side (giving 1-2 and 2-1 beads) and some
/// sentences dropped (1-0, 0-1), then aligned and scored by the links they predict.
public enum AlignmentEvaluation {
    public struct Options: Sendable, Equatable {
        /// Sentence pairs per pseudo-chapter.
        public var chapterSize: Int
        /// Probability that a pair is merged with the next one on one side (chosen at random).
        public var mergeRate: Double
        /// Probability that a pair loses one side (chosen at random).
        public var dropRate: Double
        public var seed: UInt64

        public init(chapterSize: Int = 40, mergeRate: Double = 0.1, dropRate: Double = 0.05, seed: UInt64 = 1) {
            self.chapterSize = chapterSize; self.mergeRate = mergeRate; self.dropRate = dropRate; self.seed = seed
        }
    }

    /// A link: Chinese sentence `source` and English sentence `target` of a chapter are translations.
    public struct Link: Hashable, Sendable {
        public var chapter: Int
        public var source: Int
        public var target: Int
    }

    public struct PseudoChapter: Sendable {
        public var chapter: ChapterSentences
        /// The true beads (1-0 and 0-1 included).
        public var truth: [(type: BeadType, source: Range<Int>, target: Range<Int>)]
    }

    public struct Scores: Sendable, Equatable, Codable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var predictedLinks: Int
        public var trueLinks: Int
        public var correctLinks: Int
        /// Bead types in the truth and in the prediction.
        public var trueBeads: [String: Int]
        public var predictedBeads: [String: Int]
    }

    /// Shuffles the pairs (deterministically from the seed), cuts them into chapters and applies
    /// merges and drops. Chinese sentences merge with nothing between them, English with a space.
    public static func pseudoChapters(_ pairs: [(source: String, target: String)], options: Options) -> [PseudoChapter] {
        var rng = SplitMix64(seed: options.seed)
        var order = Array(pairs.indices)
        // Fisher–Yates with our own generator: the same seed gives the same chapters everywhere.
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
        }
        var chapters: [PseudoChapter] = []
        let size = max(1, options.chapterSize)
        for (c, start) in stride(from: 0, to: order.count, by: size).enumerated() {
            let chunk = order[start..<min(order.count, start + size)].map { pairs[$0] }
            var source: [String] = [], target: [String] = []
            var truth: [(type: BeadType, source: Range<Int>, target: Range<Int>)] = []
            var k = 0
            while k < chunk.count {
                let r = rng.nextDouble(), side = rng.next() & 1 == 0
                let s0 = source.count, t0 = target.count
                if r < options.dropRate {
                    if side { source.append(chunk[k].source) } else { target.append(chunk[k].target) }
                    k += 1
                } else if r < options.dropRate + options.mergeRate, k + 1 < chunk.count {
                    if side {
                        source.append(chunk[k].source + chunk[k + 1].source)
                        target += [chunk[k].target, chunk[k + 1].target]
                    } else {
                        source += [chunk[k].source, chunk[k + 1].source]
                        target.append(chunk[k].target + " " + chunk[k + 1].target)
                    }
                    k += 2
                } else {
                    source.append(chunk[k].source); target.append(chunk[k].target)
                    k += 1
                }
                let s = s0..<source.count, t = t0..<target.count
                truth.append((BeadType(source: s.count, target: t.count)!, s, t))
            }
            chapters.append(PseudoChapter(chapter: ChapterSentences(id: "pseudo_\(c + 1)", number: c + 1, source: source, target: target),
                                          truth: truth))
        }
        return chapters
    }

    static func links(_ beads: [(source: Range<Int>, target: Range<Int>)], chapter: Int) -> Set<Link> {
        var out = Set<Link>()
        for b in beads { for i in b.source { for j in b.target { out.insert(Link(chapter: chapter, source: i, target: j)) } } }
        return out
    }

    /// Precision and recall of the predicted links (every source × target sentence of a pairing bead).
    public static func score(predicted: [AlignedChapter], truth: [PseudoChapter]) -> Scores {
        var p = Set<Link>(), t = Set<Link>()
        var trueBeads: [String: Int] = [:], predictedBeads: [String: Int] = [:]
        for (c, (a, b)) in zip(predicted, truth).enumerated() {
            p.formUnion(links(a.beads.map { ($0.source, $0.target) }, chapter: c))
            t.formUnion(links(b.truth.map { ($0.source, $0.target) }, chapter: c))
            for bead in a.beads { predictedBeads[bead.type.rawValue, default: 0] += 1 }
            for bead in b.truth { trueBeads[bead.type.rawValue, default: 0] += 1 }
        }
        let correct = p.intersection(t).count
        let precision = p.isEmpty ? 0 : Double(correct) / Double(p.count)
        let recall = t.isEmpty ? 0 : Double(correct) / Double(t.count)
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return Scores(precision: precision, recall: recall, f1: f1, predictedLinks: p.count, trueLinks: t.count,
                      correctLinks: correct, trueBeads: trueBeads, predictedBeads: predictedBeads)
    }

    /// Builds the pseudo-chapters, aligns them with `aligner` and scores the result.
    public static func run(_ pairs: [(source: String, target: String)], options: Options, aligner: BookAligner) -> (scores: Scores, result: BookAligner.Result) {
        let chapters = pseudoChapters(pairs, options: options)
        let result = aligner.align(chapters.map(\.chapter))
        return (score(predicted: result.chapters, truth: chapters), result)
    }
}
