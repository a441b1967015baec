/// TER exactly as sacreBLEU 2.6.0 computes it (`metrics/ter.py`, `metrics/lib_ter.py`):
/// TERCOM's defaults (case-insensitive, no normalisation, punctuation kept).
public struct TER: CorpusMetric {
    public var caseSensitive: Bool

    public init(caseSensitive: Bool = false) {
        self.caseSensitive = caseSensitive
    }

    public var key: String { "ter" }
    public var lowerIsBetter: Bool { true }

    public func signature(referenceCount: Int) -> Signature {
        Signature(nrefs: referenceCount, metricFields: [
            ("case", "c", caseSensitive ? "mixed" : "lc"),
            ("tok", "t", "tercom"),
            ("norm", "nr", "no"),
            ("punct", "pn", "yes"),
            ("asian", "as", "no"),
        ])
    }

    /// Row: [best edits over the references, mean reference length].
    public func statistics(hyps hypotheses: [String], refs references: [[String]]) throws -> SegmentStatistics {
        try checkStreams(hypotheses: hypotheses, references: references)
        var interner = TokenInterner()
        var stats = SegmentStatistics(width: 2)
        for i in 0..<hypotheses.count {
            let hyp = words(hypotheses[i], &interner)
            var refLengths = 0
            var bestEdits = Int.max
            for stream in references {
                let ref = words(stream[i], &interner)
                let edits = TERAligner.editCount(hypothesis: hyp, reference: ref)
                refLengths += ref.count
                bestEdits = min(bestEdits, edits)
            }
            stats.append([Double(bestEdits), Double(refLengths) / Double(references.count)])
        }
        return stats
    }

    /// The `tercom` tokenizer: `rstrip`, lowercase unless case-sensitive, split.
    func words(_ segment: String, _ interner: inout TokenInterner) -> [Int32] {
        var line = PythonText.scalars(segment)
        PythonText.rstrip(&line)
        if !caseSensitive { line = PythonText.lower(line) }
        var ids = [Int32]()
        PythonText.forEachToken(line) { ids.append(interner.id(line, $0)) }
        return ids
    }

    public func score(summed stats: [Double], referenceCount: Int) -> Score {
        let edits = stats[0], refLength = stats[1]
        let rate: Double = refLength > 0 ? edits / refLength : (edits > 0 ? 1 : 0)
        return Score(name: "TER", score: 100 * rate, signature: signature(referenceCount: referenceCount))
    }
}
