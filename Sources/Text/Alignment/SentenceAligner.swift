/// What the aligner needs to know about one side of a chapter.
public struct AlignmentSide: Sendable {
    public var lengths: [Int]
    /// Sorted anchor keys of each sentence (empty arrays when anchors are not used).
    public var anchors: [[Int]]

    public init(lengths: [Int], anchors: [[Int]]? = nil) {
        self.lengths = lengths
        self.anchors = anchors.map { $0.map { $0.sorted() } } ?? Array(repeating: [], count: lengths.count)
        precondition(self.anchors.count == lengths.count, "one anchor list per sentence")
    }

    public var count: Int { lengths.count }
}

/// Gale–Church sentence alignment of one chapter: a dynamic program over bead types, cost
/// −log P(bead type) − log P(length difference), minus a bonus for anchors the bead's two sides
/// share. The program runs in a band around the diagonal, widened and rerun whenever the best path
/// touches the band's edge, so the band only saves time and never changes the answer it finds.
public struct SentenceAligner: Sendable {
    public var parameters: AlignmentParameters
    /// Half-width of the band: at least this many sentences either side of the diagonal.
    public var minimumBand: Int
    /// 1-0 and 0-1 beads cost their prior plus this constant instead of a length term: Gale and
    /// Church's length term would make a long unmatched sentence so costly that it is always glued
    /// to a neighbour instead. (1.0 would be the mean length cost of a correct 1-1 bead; 0 measured
    /// slightly better on Tatoeba pseudo-chapters, see Eval/align/results.md.)
    public var deletionLengthCost: Double

    public init(parameters: AlignmentParameters, minimumBand: Int = 50, deletionLengthCost: Double = 0) {
        self.parameters = parameters
        self.minimumBand = minimumBand
        self.deletionLengthCost = deletionLengthCost
    }

    public func align(source: AlignmentSide, target: AlignmentSide) -> [Bead] {
        let n = source.count, m = target.count
        var band = max(minimumBand, max(n, m) / 10, Int((Double(m) / Double(max(n, 1))).rounded(.up)) + 3,
                       Int((Double(n) / Double(max(m, 1))).rounded(.up)) + 3)
        while true {
            let (beads, touched) = align(source, target, band: band)
            if !touched || band >= max(n, m) { return beads }
            band *= 2
        }
    }

    /// The cost of bead `type` ending at (i, j), and the anchors it shares.
    func beadCost(_ type: BeadType, _ s: AlignmentSide, _ t: AlignmentSide, i: Int, j: Int) -> (cost: Double, length: Double, anchors: Int) {
        let si = i - type.source, tj = j - type.target
        var l1 = 0, l2 = 0
        for k in si..<i { l1 += s.lengths[k] }
        for k in tj..<j { l2 += t.lengths[k] }
        let prior = parameters.priorCost(type)
        guard type.pairs else { return (prior + deletionLengthCost, deletionLengthCost, 0) }
        let length = parameters.lengthCost(source: l1, target: l2)
        var shared = 0
        if parameters.anchorBonus > 0 {
            shared = Self.sharedCount(si..<i, s.anchors, tj..<j, t.anchors)
        }
        return (prior + length - parameters.anchorBonus * Double(min(shared, parameters.maxAnchors)), length, shared)
    }

    /// How many distinct keys occur on both sides of a bead (each side is up to three sentences'
    /// sorted key lists). Allocation-free: it runs for every cell and bead type of the program.
    static func sharedCount(_ a: Range<Int>, _ aKeys: [[Int]], _ b: Range<Int>, _ bKeys: [[Int]]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var shared = 0
        for k in a {
            next: for x in aKeys[k] {
                for earlier in a.lowerBound..<k where contains(aKeys[earlier], x) { continue next }
                for l in b where contains(bKeys[l], x) { shared += 1; continue next }
            }
        }
        return shared
    }

    @inline(__always) static func contains(_ sorted: [Int], _ x: Int) -> Bool {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if sorted[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == x
    }

    private func align(_ s: AlignmentSide, _ t: AlignmentSide, band: Int) -> (beads: [Bead], touched: Bool) {
        let n = s.count, m = t.count
        // Row i holds columns lo[i]...hi[i] around the diagonal j = i·m/n.
        var lo = [Int](repeating: 0, count: n + 1), hi = [Int](repeating: 0, count: n + 1)
        for i in 0...n {
            let center = n == 0 ? 0 : Int((Double(i) * Double(m) / Double(n)).rounded())
            lo[i] = max(0, center - band)
            hi[i] = min(m, center + band)
        }
        if n == 0 { hi[0] = m }
        var cost = (0...n).map { [Double](repeating: .infinity, count: hi[$0] - lo[$0] + 1) }
        var back = (0...n).map { [Int8](repeating: -1, count: hi[$0] - lo[$0] + 1) }
        cost[0][0] = 0
        let types = BeadType.allCases
        for i in 0...n {
            for j in lo[i]...hi[i] where i > 0 || j > 0 {
                var best = Double.infinity, bestType: Int8 = -1
                for (k, type) in types.enumerated() {
                    let pi = i - type.source, pj = j - type.target
                    guard pi >= 0, pj >= 0, pj >= lo[pi], pj <= hi[pi] else { continue }
                    let previous = cost[pi][pj - lo[pi]]
                    guard previous < .infinity else { continue }
                    let c = previous + beadCost(type, s, t, i: i, j: j).cost
                    if c < best { best = c; bestType = Int8(k) }
                }
                cost[i][j - lo[i]] = best
                back[i][j - lo[i]] = bestType
            }
        }
        var beads: [Bead] = []
        var i = n, j = m, touched = false
        while i > 0 || j > 0 {
            let k = back[i][j - lo[i]]
            precondition(k >= 0, "the band always connects (0,0) to (n,m)")
            if (j == lo[i] && lo[i] > 0) || (j == hi[i] && hi[i] < m) { touched = true }
            let type = types[Int(k)]
            let c = beadCost(type, s, t, i: i, j: j)
            beads.append(Bead(type: type, source: (i - type.source)..<i, target: (j - type.target)..<j,
                              cost: c.cost, lengthCost: c.length, anchors: c.anchors))
            i -= type.source; j -= type.target
        }
        return (beads.reversed(), touched)
    }
}
