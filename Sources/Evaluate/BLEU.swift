import Foundation

/// BLEU exactly as sacreBLEU 2.6.0 computes it (`metrics/bleu.py`), n-gram order 4.
public struct BLEU: CorpusMetric {
    public enum Smoothing: Sendable, Equatable {
        /// NIST geometric sequence (mteval-v13a): each zero-match order gets 1/(2^k·total).
        case exp
        /// A floor count (sacreBLEU default 0.1) for zero-match orders.
        case floor(Double)
        /// Add k to matches and totals of orders 2…4 (default k = 1).
        case addK(Double)
        case none

        /// Parses `exp`, `floor`, `add-k`, `none`, with optional value (`floor:0.2`).
        public init?(name: String, value: Double? = nil) {
            switch name {
            case "exp": self = .exp
            case "floor": self = .floor(value ?? 0.1)
            case "add-k": self = .addK(value ?? 1)
            case "none": self = .none
            default: return nil
            }
        }

        var signatureValue: String {
            switch self {
            case .exp: return "exp"
            case .none: return "none"
            case .floor(let v): return "floor[\(fixed(v, 2))]"
            case .addK(let v): return "add-k[\(fixed(v, 2))]"
            }
        }
    }

    public static let maxOrder = 4
    public var tokenizer: BLEUTokenizer
    public var lowercase: Bool
    public var smoothing: Smoothing
    public var effectiveOrder: Bool

    /// sacreBLEU's `BLEU()` defaults; use `effectiveOrder: true` for sentence BLEU as
    /// `sacrebleu.sentence_bleu` and the CLI's `--sentence-level` do.
    public init(tokenize: BLEUTokenizer = .thirteenA, lowercase: Bool = false,
                smooth: Smoothing = .exp, effectiveOrder: Bool = false) {
        self.tokenizer = tokenize
        self.lowercase = lowercase
        self.smoothing = smooth
        self.effectiveOrder = effectiveOrder
    }

    public var key: String { "bleu" }

    public func signature(referenceCount: Int) -> Signature {
        Signature(nrefs: referenceCount, metricFields: [
            ("case", "c", lowercase ? "lc" : "mixed"),
            ("eff", "e", effectiveOrder ? "yes" : "no"),
            ("tok", "tok", tokenizer.signatureName),
            ("smooth", "s", smoothing.signatureValue),
        ])
    }

    /// Statistics row: [hyp_len, ref_len, correct₁…₄, total₁…₄].
    public func statistics(hyps hypotheses: [String], refs references: [[String]]) throws -> SegmentStatistics {
        try checkStreams(hypotheses: hypotheses, references: references)
        var interner = TokenInterner()
        var table = NGramTable()
        var stats = SegmentStatistics(width: 2 + 2 * Self.maxOrder)
        var row = [Double](repeating: 0, count: stats.width)
        var refLens = [Int]()
        for i in 0..<hypotheses.count {
            let hypIDs = tokenIDs(hypotheses[i], &interner)
            table.reset(expectedKeys: 4 * hypIDs.count)
            Self.forEachNGram(hypIDs) { table.addHypothesis($0) }
            refLens.removeAll(keepingCapacity: true)
            for stream in references {
                let ids = tokenIDs(stream[i], &interner)
                refLens.append(ids.count)
                Self.forEachNGram(ids) { table.addReference($0) }
                table.finishReference { _, _ in }
            }
            for j in row.indices { row[j] = 0 }
            row[0] = Double(hypIDs.count)
            row[1] = Double(Self.closestRefLen(hypIDs.count, refLens))
            for n in 1...Self.maxOrder { row[1 + Self.maxOrder + n] = Double(max(0, hypIDs.count - n + 1)) }
            table.forEachHypothesisNGram { key, hypCount, refCount in
                row[1 + Self.order(of: key)] += Double(min(hypCount, refCount))
            }
            stats.append(row)
        }
        return stats
    }

    /// Lowercase (optional), `rstrip`, tokenize, split with Python's whitespace, intern.
    func tokenIDs(_ segment: String, _ interner: inout TokenInterner) -> [Int32] {
        var line = PythonText.scalars(segment)
        if lowercase { line = PythonText.lower(line) }
        PythonText.rstrip(&line)
        let tokens = tokenizer.tokenize(line)
        var ids = [Int32]()
        ids.reserveCapacity(tokens.count / 4 + 1)
        if tokenizer == .char {
            // `" ".join(line)` then split: every non-whitespace scalar is a token.
            for i in tokens.indices where !PythonText.isWhitespace(tokens[i]) { ids.append(interner.id(tokens, i..<(i + 1))) }
        } else {
            PythonText.forEachToken(tokens) { ids.append(interner.id(tokens, $0)) }
        }
        return ids
    }

    /// Every n-gram (orders 1…4) of a token-id sequence as a key.
    @inline(__always) static func forEachNGram(_ ids: [Int32], _ body: (NGramKey) -> Void) {
        let l = ids.count
        for i in 0..<l {
            let a = UInt64(UInt32(bitPattern: ids[i]))
            body(NGramKey(hi: 0, lo: a))
            guard i + 1 < l else { continue }
            let ab = a | UInt64(UInt32(bitPattern: ids[i + 1])) << 32
            body(NGramKey(hi: 0, lo: ab))
            guard i + 2 < l else { continue }
            let c = UInt64(UInt32(bitPattern: ids[i + 2]))
            body(NGramKey(hi: c, lo: ab))
            guard i + 3 < l else { continue }
            body(NGramKey(hi: c | UInt64(UInt32(bitPattern: ids[i + 3])) << 32, lo: ab))
        }
    }

    @inline(__always) static func order(of key: NGramKey) -> Int {
        if key.hi >> 32 != 0 { return 4 }
        if key.hi != 0 { return 3 }
        if key.lo >> 32 != 0 { return 2 }
        return 1
    }

    /// The reference length closest to the hypothesis length; ties go to the shorter one.
    static func closestRefLen(_ hypLen: Int, _ refLens: [Int]) -> Int {
        var bestDiff = -1, bestLen = -1
        for r in refLens {
            let d = abs(hypLen - r)
            if bestDiff == -1 || d < bestDiff {
                bestDiff = d; bestLen = r
            } else if d == bestDiff, r < bestLen {
                bestLen = r
            }
        }
        return bestLen
    }

    public func score(summed stats: [Double], referenceCount: Int) -> Score {
        let d = details(stats)
        let precisions = d.precisions.map { fixed($0, 1) }.joined(separator: "/")
        let ratio = d.refLength > 0 ? Double(d.hypLength) / Double(d.refLength) : 0
        let verbose = "\(precisions) (BP = \(fixed(d.brevityPenalty, 3)) ratio = \(fixed(ratio, 3)) "
            + "hyp_len = \(d.hypLength) ref_len = \(d.refLength))"
        return Score(name: "BLEU", score: d.score, signature: signature(referenceCount: referenceCount),
                     verboseScore: verbose, bleu: d)
    }

    /// `compute_bleu`, step for step (the order of float operations matters for exactness).
    public func details(_ stats: [Double]) -> BLEUDetails {
        let n = Self.maxOrder
        let sysLen = Int(stats[0]), refLen = Int(stats[1])
        var correct = Array(stats[2..<(2 + n)])
        var total = Array(stats[(2 + n)..<(2 + 2 * n)])
        var bp = 1.0
        if sysLen < refLen {
            bp = sysLen > 0 ? Foundation.exp(1 - Double(refLen) / Double(sysLen)) : 0
        }
        var precisions = [Double](repeating: 0, count: n)
        func result(_ score: Double) -> BLEUDetails {
            BLEUDetails(score: score, counts: correct, totals: total, precisions: precisions,
                        brevityPenalty: bp, hypLength: sysLen, refLength: refLen)
        }
        if !correct.contains(where: { $0 != 0 }) { return result(0) }
        var smoothMteval = 1.0
        var effOrder = n
        for k in 1...n {
            if case .addK(let kv) = smoothing, k > 1 {
                correct[k - 1] += kv
                total[k - 1] += kv
            }
            if total[k - 1] == 0 { break }
            if effectiveOrder { effOrder = k }
            if correct[k - 1] == 0 {
                switch smoothing {
                case .exp:
                    smoothMteval *= 2
                    precisions[k - 1] = 100 / (smoothMteval * total[k - 1])
                case .floor(let v):
                    precisions[k - 1] = 100 * v / total[k - 1]
                default: break
                }
            } else {
                precisions[k - 1] = 100 * correct[k - 1] / total[k - 1]
            }
        }
        var logSum = 0.0
        for p in precisions[0..<effOrder] { logSum += p == 0 ? -9_999_999_999 : Foundation.log(p) }
        return result(bp * Foundation.exp(logSum / Double(effOrder)))
    }
}

/// The parts of a BLEU score sacreBLEU reports.
public struct BLEUDetails: Sendable {
    public var score: Double
    /// Matches per order (with add-k, the smoothed values).
    public var counts: [Double]
    public var totals: [Double]
    public var precisions: [Double]
    public var brevityPenalty: Double
    public var hypLength: Int
    public var refLength: Int
}
