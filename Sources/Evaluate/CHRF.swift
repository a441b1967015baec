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
    public func statistics(hyps hypotheses: [String], refs references: [[String]]) throws -> SegmentStatistics {
        try checkStreams(hypotheses: hypotheses, references: references)
        var interner = TokenInterner()
        var table = NGramTable()
        var stats = SegmentStatistics(width: 3 * order)
        var row = [Double](repeating: 0, count: stats.width)
        var matches = [Double](repeating: 0, count: order)
        for i in 0..<hypotheses.count {
            let hyp = units(hypotheses[i], &interner)
            table.reset(expectedKeys: charOrder * hyp.chars.count + wordOrder * hyp.words.count)
            forEachNGram(hyp) { table.addHypothesis($0) }
            let hypTotals = totals(hyp)
            var bestF = -1.0
            var best = row
            for stream in references {
                let ref = units(stream[i], &interner)
                forEachNGram(ref) { table.addReference($0) }
                for o in 0..<order { matches[o] = 0 }
                table.finishReference { key, m in matches[orderIndex(key)] += Double(m) }
                let refTotals = totals(ref)
                for o in 0..<order {
                    row[3 * o] = refTotals[o] > 0 ? hypTotals[o] : 0  // `hyp_count if ref_ngrams else 0`
                    row[3 * o + 1] = refTotals[o]
                    row[3 * o + 2] = matches[o]
                }
                let f = fScore(row)
                if f > bestF { bestF = f; best = row }
            }
            stats.append(best)
        }
        return stats
    }

    /// A segment's characters (whitespace removed unless kept) and word ids (chrF++ only).
    struct Units {
        var chars: [UInt32]
        var words: [Int32]
    }

    func units(_ segment: String, _ interner: inout TokenInterner) -> Units {
        var line = PythonText.scalars(segment)
        if lowercase { line = PythonText.lower(line) }
        let chars = whitespace ? line : line.filter { !PythonText.isWhitespace($0) }
        return Units(chars: chars, words: wordOrder > 0 ? Self.splitPunctuation(line, &interner) : [])
    }

    func totals(_ u: Units) -> [Double] {
        (1...charOrder).map { Double(max(0, u.chars.count - $0 + 1)) }
            + (0..<wordOrder).map { Double(max(0, u.words.count - $0)) }
    }

    /// Character n-grams pack up to six scalars (+1, so NUL differs from "no scalar") into 21-bit
    /// fields, three per word; word n-grams pack two 32-bit ids and set `wordFlag`.
    @inline(__always) func forEachNGram(_ u: Units, _ body: (NGramKey) -> Void) {
        let c = u.chars, l = c.count
        for i in 0..<l {
            var lo: UInt64 = 0, hi: UInt64 = 0
            for k in 0..<min(charOrder, l - i) {
                let v = UInt64(c[i + k] + 1)
                if k < 3 { lo |= v << (21 * UInt64(k)) } else { hi |= v << (21 * UInt64(k - 3)) }
                body(NGramKey(hi: hi, lo: lo))
            }
        }
        let w = u.words
        for i in 0..<w.count {
            let a = UInt64(UInt32(bitPattern: w[i]))
            body(NGramKey(hi: Self.wordFlag, lo: a))
            if wordOrder > 1, i + 1 < w.count {
                body(NGramKey(hi: Self.wordFlag, lo: a | UInt64(UInt32(bitPattern: w[i + 1])) << 32))
            }
        }
    }

    /// Marks word n-gram keys; char keys never set bit 63 (three 21-bit fields use 63 bits).
    static let wordFlag: UInt64 = 1 << 63

    @inline(__always) func orderIndex(_ key: NGramKey) -> Int {
        if key.hi == Self.wordFlag { return charOrder + (key.lo >> 32 != 0 ? 1 : 0) }
        if key.hi != 0 { return key.hi >> 42 != 0 ? 5 : key.hi >> 21 != 0 ? 4 : 3 }
        return key.lo >> 42 != 0 ? 2 : key.lo >> 21 != 0 ? 1 : 0
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
