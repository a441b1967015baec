/// What every corpus metric shares, so significance tests, d-BLEU and reports can work on any of
/// them: per-segment sufficient statistics (a fixed-width row of numbers per segment) that are
/// summed over any selection of segments and turned into a score, without re-tokenizing.
public protocol CorpusMetric: Sendable {
    /// Short name for tables and command-line lists: `bleu`, `chrf`, `chrf++`, `ter`.
    var key: String { get }
    /// Whether a lower score is better (TER).
    var lowerIsBetter: Bool { get }
    /// Per-segment statistics; `references[k][i]` is reference k of segment i.
    func statistics(hyps hypotheses: [String], refs references: [[String]]) throws -> SegmentStatistics
    /// The score of summed statistics (a row of `SegmentStatistics.width` numbers).
    func score(summed: [Double], referenceCount: Int) -> Score
}

extension CorpusMetric {
    public var lowerIsBetter: Bool { false }

    /// The corpus score: statistics summed over every segment.
    public func corpusScore(hyps hypotheses: [String], refs references: [[String]]) throws -> Score {
        let stats = try statistics(hyps: hypotheses, refs: references)
        return score(summed: stats.total(), referenceCount: references.count)
    }

    /// One segment scored on its own, as sacreBLEU's `sentence_score` does.
    public func sentenceScore(hyp hypothesis: String, refs references: [String]) throws -> Score {
        try corpusScore(hyps: [hypothesis], refs: references.map { [$0] })
    }

    /// Every segment scored on its own.
    public func sentenceScores(hyps hypotheses: [String], refs references: [[String]]) throws -> [Score] {
        let stats = try statistics(hyps: hypotheses, refs: references)
        return (0..<stats.count).map { score(summed: stats.row($0), referenceCount: references.count) }
    }
}

/// Row-major per-segment statistics.
public struct SegmentStatistics: Sendable {
    public let width: Int
    public private(set) var values: [Double]

    public init(width: Int, values: [Double] = []) {
        self.width = width
        self.values = values
    }

    public var count: Int { width == 0 ? 0 : values.count / width }

    public mutating func append(_ row: [Double]) {
        precondition(row.count == width)
        values.append(contentsOf: row)
    }

    public func row(_ i: Int) -> [Double] { Array(values[(i * width)..<((i + 1) * width)]) }

    /// Sum over all segments, in segment order (as sacreBLEU's `sum_of_lists`).
    public func total() -> [Double] {
        var sum = [Double](repeating: 0, count: width)
        values.withUnsafeBufferPointer { v in
            for i in 0..<count {
                for j in 0..<width { sum[j] += v[i * width + j] }
            }
        }
        return sum
    }

    /// Sum over a selection of segments (with repeats: a bootstrap resample).
    public func sum<S: Sequence>(rows: S) -> [Double] where S.Element == Int {
        var sum = [Double](repeating: 0, count: width)
        values.withUnsafeBufferPointer { v in
            for i in rows {
                for j in 0..<width { sum[j] += v[i * width + j] }
            }
        }
        return sum
    }
}

/// Checks the reference streams against the hypotheses (sacreBLEU silently truncates instead).
func checkStreams(hypotheses: [String], references: [[String]]) throws {
    guard !references.isEmpty else { throw EvaluateError.noReferences }
    for (k, stream) in references.enumerated() where stream.count != hypotheses.count {
        throw EvaluateError.segmentCountMismatch(
            hypotheses: hypotheses.count, hypothesisSource: "hypotheses",
            references: stream.count, referenceSource: "reference stream \(k + 1)")
    }
}
