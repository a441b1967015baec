/// Paired bootstrap resampling as sacreBLEU's `--paired-bs` does it (`significance.py`): one
/// matrix of resampled segment indices shared by every system, scores recomputed from summed
/// segment statistics (nothing re-tokenized), 95% intervals from the sorted resampled scores, and
/// p-values from centred differences against the first system (the baseline).
public struct PairedBootstrap: Sendable {
    public var samples: Int
    public var seed: UInt64

    /// sacreBLEU's defaults: 1000 resamples, seed 12345.
    public init(samples: Int = 1000, seed: UInt64 = 12345) {
        self.samples = samples
        self.seed = seed
    }

    public struct Result: Sendable {
        public var system: String
        /// The score on the full test set (with the bootstrap fields in its signature).
        public var score: Score
        /// Mean of the resampled scores and half the width of the 95% interval.
        public var mean: Double
        public var halfWidth: Double
        /// The 2.5th and 97.5th percentile scores.
        public var lower: Double
        public var upper: Double
        /// Against the baseline; nil for the baseline itself.
        public var pValue: Double?
    }

    /// `samples` rows of `segmentCount` indices drawn with replacement. Every call (and every
    /// system) sees the same rows, regenerated from the seed rather than stored: 1000 × 10,000
    /// indices would otherwise take 80 MB.
    public func forEachResample(segmentCount: Int, _ body: (UnsafeBufferPointer<Int>) -> Void) {
        var rng = SeededGenerator(seed: seed)
        var row = [Int](repeating: 0, count: segmentCount)
        for _ in 0..<samples {
            for j in 0..<segmentCount { row[j] = rng.next(below: segmentCount) }
            row.withUnsafeBufferPointer(body)
        }
    }

    /// Resampled scores of one system's statistics.
    public func resampledScores(_ metric: any CorpusMetric, _ stats: SegmentStatistics, referenceCount: Int) -> [Double] {
        var scores = [Double]()
        scores.reserveCapacity(samples)
        forEachResample(segmentCount: stats.count) { rows in
            scores.append(metric.score(summed: stats.sum(rows: rows), referenceCount: referenceCount).score)
        }
        return scores
    }

    /// Scores every system with one metric; `systems[0]` is the baseline.
    public func run(metric: any CorpusMetric, systems: [(name: String, statistics: SegmentStatistics)],
                    referenceCount: Int) -> [Result] {
        guard let first = systems.first else { return [] }
        var baselineScore = 0.0
        var baselineSamples = [Double]()
        var results = [Result]()
        for (k, system) in systems.enumerated() {
            precondition(system.statistics.count == first.statistics.count, "paired systems need the same segments")
            var full = metric.score(summed: system.statistics.total(), referenceCount: referenceCount)
            full.signature = full.signature.withBootstrap(samples: samples, seed: seed)
            let resampled = resampledScores(metric, system.statistics, referenceCount: referenceCount)
            let (mean, half, lower, upper) = Self.confidence(resampled)
            full.confidence = (mean, half)
            var p: Double?
            if k == 0 {
                baselineScore = full.score
                baselineSamples = resampled
            } else {
                p = Self.pValue(system: resampled, baseline: baselineSamples,
                                observed: abs(baselineScore - full.score))
            }
            results.append(Result(system: system.name, score: full, mean: mean, halfWidth: half,
                                  lower: lower, upper: upper, pValue: p))
        }
        return results
    }

    /// sacreBLEU's `estimate_ci`: s[⌊N/40⌋] and s[N−⌊N/40⌋−1] of the sorted scores.
    public static func confidence(_ scores: [Double]) -> (mean: Double, halfWidth: Double, lower: Double, upper: Double) {
        guard !scores.isEmpty else { return (0, 0, 0, 0) }
        let sorted = scores.sorted()
        let lowerIndex = sorted.count / 40
        let lower = sorted[lowerIndex], upper = sorted[sorted.count - lowerIndex - 1]
        return (sorted.reduce(0, +) / Double(sorted.count), 0.5 * (upper - lower), lower, upper)
    }

    /// p = (#{centred |sys−bl| > observed} + 1) / (N + 1).
    public static func pValue(system: [Double], baseline: [Double], observed: Double) -> Double {
        let diffs = zip(system, baseline).map { abs($0 - $1) }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        let above = diffs.filter { $0 - mean > observed }.count
        return Double(above + 1) / Double(diffs.count + 1)
    }
}
