import Foundation

/// The kinds of bead a Gale–Church alignment is made of: how many source (zh) and target (en)
/// sentences go together.
public enum BeadType: String, Sendable, CaseIterable, Codable {
    case oneOne = "1-1", oneZero = "1-0", zeroOne = "0-1", twoOne = "2-1", oneTwo = "1-2", twoTwo = "2-2"
    /// Beyond Gale–Church's set: a free literary translation (Joly's 紅樓夢) often renders one
    /// Chinese sentence as three English ones.
    case threeOne = "3-1", oneThree = "1-3"

    public var source: Int {
        switch self {
        case .oneOne, .oneZero, .oneTwo, .oneThree: return 1
        case .zeroOne: return 0
        case .twoOne, .twoTwo: return 2
        case .threeOne: return 3
        }
    }
    public var target: Int {
        switch self {
        case .oneOne, .zeroOne, .twoOne, .threeOne: return 1
        case .oneZero: return 0
        case .oneTwo, .twoTwo: return 2
        case .oneThree: return 3
        }
    }
    /// A bead that pairs sentences (not a deletion or insertion).
    public var pairs: Bool { source > 0 && target > 0 }

    init?(source: Int, target: Int) {
        guard let t = BeadType.allCases.first(where: { $0.source == source && $0.target == target }) else { return nil }
        self = t
    }
}

/// One bead of an alignment: sentence indices are 0-based positions in the chapter.
public struct Bead: Sendable, Equatable {
    public var type: BeadType
    public var source: Range<Int>
    public var target: Range<Int>
    /// −log P of the bead (prior and length), minus the anchor bonus.
    public var cost: Double
    /// −log of the two-sided p-value of the length difference (0 when the lengths agree exactly).
    public var lengthCost: Double
    /// Anchors (numbers, dictionary words) the two sides share.
    public var anchors: Int

    public init(type: BeadType, source: Range<Int>, target: Range<Int>, cost: Double, lengthCost: Double, anchors: Int) {
        self.type = type; self.source = source; self.target = target
        self.cost = cost; self.lengthCost = lengthCost; self.anchors = anchors
    }
}

/// Gale–Church's parameters: target characters per source character `c`, the variance `s2` of that
/// ratio per source character, and the prior probability of each bead type.
public struct AlignmentParameters: Sendable, Equatable, Codable {
    public var c: Double
    public var s2: Double
    public var priors: [BeadType: Double]
    /// Cost removed per shared anchor (nats), for at most `maxAnchors` anchors a bead.
    public var anchorBonus: Double
    public var maxAnchors: Int

    /// Gale & Church (1993), Table 5: 1-1 .89, 1-0/0-1 .0099 together, 2-1/1-2 .089 together, 2-2 .011;
    /// 3-1 and 1-3 (not in their table) get .005 each, taken from 1-1.
    public static let galeChurchPriors: [BeadType: Double] = [
        .oneOne: 0.88, .oneZero: 0.0099 / 2, .zeroOne: 0.0099 / 2, .twoOne: 0.089 / 2, .oneTwo: 0.089 / 2, .twoTwo: 0.011,
        .threeOne: 0.005, .oneThree: 0.005,
    ]

    public init(c: Double, s2: Double, priors: [BeadType: Double] = galeChurchPriors, anchorBonus: Double = 4, maxAnchors: Int = 3) {
        self.c = c; self.s2 = s2; self.priors = priors; self.anchorBonus = anchorBonus; self.maxAnchors = maxAnchors
    }

    /// Starting values from the chapter lengths alone: `c` is the ratio of total lengths; `s2` scales
    /// with `c` (1.6·c fits Tatoeba zh–en, where c ≈ 3.2 and s² ≈ 5.0) until re-estimated from 1-1 beads.
    public static func initial(sourceLength: Int, targetLength: Int) -> AlignmentParameters {
        let c = sourceLength > 0 && targetLength > 0 ? Double(targetLength) / Double(sourceLength) : 1
        return AlignmentParameters(c: c, s2: 1.6 * c)
    }

    /// −log P(δ | bead) for summed lengths, as in Gale & Church: δ = (c·l₁ − l₂) / √(s²·l̄) with
    /// l̄ = (l₁ + l₂/c)/2, and P = 2(1 − Φ(|δ|)).
    public func lengthCost(source l1: Int, target l2: Int) -> Double {
        let mean = (Double(l1) + Double(l2) / c) / 2
        guard mean > 0 else { return 0 }
        let delta = (c * Double(l1) - Double(l2)) / (s2 * mean).squareRoot()
        return -Self.logTwoSidedTail(abs(delta))
    }

    /// log(2(1 − Φ(z))) = log erfc(z/√2), with the asymptotic form where erfc underflows.
    static func logTwoSidedTail(_ z: Double) -> Double {
        let x = z / 2.0.squareRoot()
        if x < 20 { return log(max(erfc(x), .leastNormalMagnitude)) }
        return -x * x - log(x * Double.pi.squareRoot()) + log(1 - 1 / (2 * x * x))
    }

    public func priorCost(_ type: BeadType) -> Double { -log(priors[type] ?? 1e-9) }
}

/// Sentence length as Gale–Church counts it: Chinese counts every non-space character (CJK and
/// other), English counts characters including the spaces between words.
public enum SentenceLength {
    public static func chinese(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + (Script.isSpace($1) ? 0 : 1) }
    }

    public static func english(_ s: String) -> Int {
        Script.trimmed(s).count
    }
}
