import Foundation

/// One chapter to align: its sentences on both sides.
public struct ChapterSentences: Sendable {
    public var id: String
    public var number: Int?
    public var source: [String]
    public var target: [String]

    public init(id: String, number: Int? = nil, source: [String], target: [String]) {
        self.id = id; self.number = number; self.source = source; self.target = target
    }
}

/// A chapter's alignment and how good it looks.
public struct AlignedChapter: Sendable {
    public var chapter: ChapterSentences
    public var beads: [Bead]

    public init(chapter: ChapterSentences, beads: [Bead]) { self.chapter = chapter; self.beads = beads }

    /// The chapter's score: the mean, over all beads, of the two-sided p-value of the bead's length
    /// difference under the book's fitted c and s² (P(|δ| ≥ observed)); 1-0 and 0-1 beads count as 0.
    /// A faithful translation aligned correctly scores about 0.5 (p-values are uniform when the
    /// length model holds); mis-alignments, dropped sentences and loose translation pull it down.
    public var score: Double {
        guard !beads.isEmpty else { return 0 }
        return beads.reduce(0) { $0 + ($1.type.pairs ? exp(-$1.lengthCost) : 0) } / Double(beads.count)
    }

    /// Share of 1-1 beads whose two sentences share at least one anchor.
    public var anchoredOneToOne: Double {
        let ones = beads.filter { $0.type == .oneOne }
        return ones.isEmpty ? 0 : Double(ones.filter { $0.anchors > 0 }.count) / Double(ones.count)
    }

    /// Share of sentences (both sides) that are in a bead pairing them with something.
    public var alignedSentences: Double {
        let total = chapter.source.count + chapter.target.count
        guard total > 0 else { return 0 }
        let paired = beads.filter(\.type.pairs).reduce(0) { $0 + $1.source.count + $1.target.count }
        return Double(paired) / Double(total)
    }

    public func count(_ type: BeadType) -> Int { beads.filter { $0.type == type }.count }

    /// The aligned sentence pairs (pairing beads only): Chinese sentences joined with nothing,
    /// English ones with a space.
    public var pairs: [(source: String, target: String)] {
        beads.filter(\.type.pairs).map { bead in
            (chapter.source[bead.source].joined(), chapter.target[bead.target].joined(separator: " "))
        }
    }
}

/// Aligns every chapter of a book. Pass 1 uses c from the book's total lengths and Gale–Church's
/// priors; c, s² and the priors are then re-estimated from pass 1's beads (over the whole book, so
/// that chapter scores are comparable) and pass 2 produces the result.
public struct BookAligner: Sendable {
    public var extractor: AnchorExtractor
    public var useAnchors: Bool
    public var anchorBonus: Double
    public var minimumBand: Int
    public var passes: Int
    public var deletionLengthCost: Double

    public init(dictionary: BilingualDictionary? = nil, useAnchors: Bool = true, anchorBonus: Double = 4,
                minimumBand: Int = 50, passes: Int = 2, deletionLengthCost: Double = 0) {
        extractor = AnchorExtractor(dictionary: dictionary)
        self.useAnchors = useAnchors
        self.anchorBonus = anchorBonus
        self.minimumBand = minimumBand
        self.passes = max(1, passes)
        self.deletionLengthCost = deletionLengthCost
    }

    public struct Result: Sendable {
        public var chapters: [AlignedChapter]
        /// The parameters of the last pass.
        public var parameters: AlignmentParameters
    }

    public func align(_ chapters: [ChapterSentences]) -> Result {
        let sides = chapters.map { chapter -> (AlignmentSide, AlignmentSide) in
            let s = AlignmentSide(lengths: chapter.source.map(SentenceLength.chinese),
                                  anchors: useAnchors ? chapter.source.map(extractor.chinese) : nil)
            let t = AlignmentSide(lengths: chapter.target.map(SentenceLength.english),
                                  anchors: useAnchors ? chapter.target.map(extractor.english) : nil)
            return (s, t)
        }
        let totalSource = sides.reduce(0) { $0 + $1.0.lengths.reduce(0, +) }
        let totalTarget = sides.reduce(0) { $0 + $1.1.lengths.reduce(0, +) }
        var parameters = AlignmentParameters.initial(sourceLength: totalSource, targetLength: totalTarget)
        parameters.anchorBonus = useAnchors ? anchorBonus : 0
        var beads: [[Bead]] = []
        for pass in 0..<passes {
            if pass > 0 { parameters = Self.reestimate(parameters, beads: beads, sides: sides) }
            let aligner = SentenceAligner(parameters: parameters, minimumBand: minimumBand, deletionLengthCost: deletionLengthCost)
            beads = sides.map { aligner.align(source: $0.0, target: $0.1) }
        }
        return Result(chapters: zip(chapters, beads).map { AlignedChapter(chapter: $0, beads: $1) }, parameters: parameters)
    }

    /// c as the length ratio over pairing beads; s² from the median of (c·l₁ − l₂)²/l̄ over 1-1 beads
    /// (the median of a χ²₁ variable is 0.455), robust to the few wrong beads; priors of pairing
    /// beads as their counts smoothed toward Gale–Church's with 200 pseudo-beads.
    static func reestimate(_ old: AlignmentParameters, beads: [[Bead]], sides: [(AlignmentSide, AlignmentSide)]) -> AlignmentParameters {
        var l1 = 0, l2 = 0
        var ones: [(Int, Int)] = []
        var counts: [BeadType: Int] = [:]
        for (chapterBeads, side) in zip(beads, sides) {
            for bead in chapterBeads {
                counts[bead.type, default: 0] += 1
                guard bead.type.pairs else { continue }
                let a = bead.source.reduce(0) { $0 + side.0.lengths[$1] }, b = bead.target.reduce(0) { $0 + side.1.lengths[$1] }
                l1 += a; l2 += b
                if bead.type == .oneOne, a > 0 || b > 0 { ones.append((a, b)) }
            }
        }
        var p = old
        guard l1 > 0, l2 > 0, ones.count >= 10 else { return p }
        p.c = Double(l2) / Double(l1)
        let squares = ones.map { (a, b) -> Double in
            let mean = (Double(a) + Double(b) / p.c) / 2
            let d = p.c * Double(a) - Double(b)
            return d * d / mean
        }.sorted()
        let median = squares[squares.count / 2]
        if median > 0 { p.s2 = median / 0.455 }
        // Deletions keep Gale–Church's priors: re-estimated, they feed on themselves (each
        // 0-1 bead makes the next cheaper) until a loose translation is mostly "unaligned".
        let deletions: [BeadType] = [.oneZero, .zeroOne]
        let pairing = BeadType.allCases.filter { !deletions.contains($0) }
        let mass = 1 - deletions.reduce(0) { $0 + AlignmentParameters.galeChurchPriors[$1]! }
        let total = Double(pairing.reduce(0) { $0 + (counts[$1] ?? 0) }) + 200
        for type in pairing {
            p.priors[type] = mass * (Double(counts[type] ?? 0) + 200 * AlignmentParameters.galeChurchPriors[type]! / mass) / total
        }
        return p
    }
}
