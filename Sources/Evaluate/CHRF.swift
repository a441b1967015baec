/// chrF and chrF++ exactly as sacreBLEU 2.6.0 computes them (`metrics/chrf.py`).
public struct CHRF: CorpusMetric {
    public var charOrder: Int
    public var wordOrder: Int
    public var beta: Int
    public var lowercase: Bool
    /// Keep whitespace inside character n-grams (sacreBLEU `whitespace=True`).
    public var whitespace: Bool
    /// Average per-order F with 1e-16 for empty orders (`eff:no`), as chrF++.py/Moses do.
    public var epsSmoothing: Bool

    /// chrF (`wordOrder: 0`) or chrF++ (`wordOrder: 2`). Character orders up to 6 and word
    /// orders up to 2 (n-grams are packed into exact 128-bit keys).
    public init(charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2, lowercase: Bool = false,
                whitespace: Bool = false, epsSmoothing: Bool = false) {
        precondition((1...6).contains(charOrder) && (0...2).contains(wordOrder), "chrF supports nc 1…6, nw 0…2")
        self.charOrder = charOrder
        self.wordOrder = wordOrder
        self.beta = beta
        self.lowercase = lowercase
        self.whitespace = whitespace
        self.epsSmoothing = epsSmoothing
    }

    public var key: String { wordOrder == 0 ? "chrf" : "chrf" + String(repeating: "+", count: wordOrder) }
    public var name: String { "chrF\(beta)" + String(repeating: "+", count: wordOrder) }
    var order: Int { charOrder + wordOrder }

    public func signature(referenceCount: Int) -> Signature {
        Signature(nrefs: referenceCount, metricFields: [
            ("case", "c", lowercase ? "lc" : "mixed"),
            ("eff", "e", epsSmoothing ? "no" : "yes"),
            ("nc", "nc", String(charOrder)),
            ("nw", "nw", String(wordOrder)),
            ("space", "s", whitespace ? "yes" : "no"),
        ])
    }

    /// Row: [hyp, ref, match] for each char order, then each word order; from the reference
    /// with the best sentence F.
    public func statistics(hypotheses: [String], references: [[String]]) throws -> SegmentStatistics {
        try checkStreams(hypotheses: hypotheses, references: references)
        var interner = TokenInterner()
        var stats = SegmentStatistics(width: 3 * order)
        var row = [Double](repeating: 0, count: stats.width)
        for i in 0..<hypotheses.count {
            let hyp = ngrams(hypotheses[i], &interner)
            var bestF = -1.0
            var best = row
            for stream in references {
                let ref = ngrams(stream[i], &interner)
                match(hyp, ref, &row)
                let f = fScore(row)
                if f > bestF { bestF = f; best = row }
            }
            stats.append(best)
        }
        return stats
    }

    /// All n-grams of one segment, sorted, with per-order totals.
    struct SegmentNGrams {
        var counts: NGramCounts
        var totals: [Double]
    }

    func ngrams(_ segment: String, _ interner: inout TokenInterner) -> SegmentNGrams {
        var line = PythonText.scalars(segment)
        if lowercase { line = PythonText.lower(line) }
        var keys = [NGramKey]()
        var totals = [Double](repeating: 0, count: order)
        let chars = whitespace ? line : line.filter { !PythonText.isWhitespace($0) }
        let l = chars.count
        for n in 1...charOrder where n <= l {
            for i in 0...(l - n) {
                var lo: UInt64 = 0, hi: UInt64 = 0
                for k in 0..<n {
                    let v = UInt64(chars[i + k] + 1)  // +1: NUL still differs from "no scalar"
                    if k < 3 { lo |= v << (21 * UInt64(k)) } else { hi |= v << (21 * UInt64(k - 3)) }
                }
                keys.append(NGramKey(hi: hi, lo: lo))
            }
            totals[n - 1] = Double(l - n + 1)
        }
        if wordOrder > 0 {
            let words = Self.splitPunctuation(line, &interner)
            for n in 1...wordOrder where n <= words.count {
                for i in 0...(words.count - n) {
                    var lo = UInt64(UInt32(bitPattern: words[i]))
                    if n > 1 { lo |= UInt64(UInt32(bitPattern: words[i + 1])) << 32 }
                    keys.append(NGramKey(hi: Self.wordFlag, lo: lo))
                }
                totals[charOrder + n - 1] = Double(words.count - n + 1)
            }
        }
        return SegmentNGrams(counts: NGramCounts(sorting: keys), totals: totals)
    }

    /// Marks word n-gram keys; char keys never set bit 63 (three 21-bit fields use 63 bits).
    static let wordFlag: UInt64 = 1 << 63

    func orderIndex(_ key: NGramKey) -> Int {
        if key.hi == Self.wordFlag { return charOrder + (key.lo >> 32 != 0 ? 1 : 0) }
        if key.hi != 0 { return key.hi >> 42 != 0 ? 5 : key.hi >> 21 != 0 ? 4 : 3 }
        return key.lo >> 42 != 0 ? 2 : key.lo >> 21 != 0 ? 1 : 0
    }

    /// `_get_match_statistics` for every order at once.
    func match(_ hyp: SegmentNGrams, _ ref: SegmentNGrams, _ row: inout [Double]) {
        var matches = [Double](repeating: 0, count: order)
        let hk = hyp.counts.keys, rk = ref.counts.keys
        var j = 0
        for i in 0..<hk.count {
            while j < rk.count, rk[j] < hk[i] { j += 1 }
            if j == rk.count { break }
            if rk[j] == hk[i] {
                matches[orderIndex(hk[i])] += Double(min(hyp.counts.counts[i], ref.counts.counts[j]))
            }
        }
        for o in 0..<order {
            row[3 * o] = ref.totals[o] > 0 ? hyp.totals[o] : 0
            row[3 * o + 1] = ref.totals[o]
            row[3 * o + 2] = matches[o]
        }
    }

    static let asciiPunctuation: Set<UInt32> = Set(PythonText.scalars("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))

    /// `_remove_punctuation`: split one leading or trailing ASCII punctuation mark off each word.
    static func splitPunctuation(_ line: [UInt32], _ interner: inout TokenInterner) -> [Int32] {
        var ids = [Int32]()
        PythonText.forEachToken(line) { r in
            if r.count == 1 {
                ids.append(interner.id(line, r))
            } else if asciiPunctuation.contains(line[r.upperBound - 1]) {
                ids.append(interner.id(line, r.lowerBound..<(r.upperBound - 1)))
                ids.append(interner.id(line, (r.upperBound - 1)..<r.upperBound))
            } else if asciiPunctuation.contains(line[r.lowerBound]) {
                ids.append(interner.id(line, r.lowerBound..<(r.lowerBound + 1)))
                ids.append(interner.id(line, (r.lowerBound + 1)..<r.upperBound))
            } else {
                ids.append(interner.id(line, r))
            }
        }
        return ids
    }

    /// `_compute_f_score`, operation for operation.
    func fScore(_ stats: [Double]) -> Double {
        let eps = 1e-16
        var score = 0.0
        var effectiveOrder = 0
        let factor = Double(beta * beta)
        var avgPrec = 0.0, avgRec = 0.0
        for i in 0..<order {
            let nHyp = stats[3 * i], nRef = stats[3 * i + 1], nMatch = stats[3 * i + 2]
            let prec = nHyp > 0 ? nMatch / nHyp : eps
            let rec = nRef > 0 ? nMatch / nRef : eps
            let denom = factor * prec + rec
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps
            if nHyp > 0, nRef > 0 {
                avgPrec += prec
                avgRec += rec
                effectiveOrder += 1
            }
        }
        if epsSmoothing { return 100 * score / Double(order) }
        if effectiveOrder == 0 {
            avgPrec = 0; avgRec = 0
        } else {
            avgPrec /= Double(effectiveOrder)
            avgRec /= Double(effectiveOrder)
        }
        guard avgPrec + avgRec != 0 else { return 0 }
        score = (1 + factor) * avgPrec * avgRec
        score /= factor * avgPrec + avgRec
        return 100 * score
    }

    public func score(summed stats: [Double], referenceCount: Int) -> Score {
        Score(name: name, score: fScore(stats), signature: signature(referenceCount: referenceCount))
    }
}
