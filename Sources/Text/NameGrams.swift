import Foundation

/// What `NameFinder` counts about every frequent n-gram: how often it occurs, how varied its
/// neighbours are on each side, and how often it stands where names stand.
struct GramStatistics {
    let text: HanSequence
    let minCount: Int
    /// Every 2–4-gram's count, then the index of each frequent one into the arrays below.
    private var counts: [UInt64: Int32] = [:]
    private var index: [UInt64: Int32] = [:]

    private var keys: [UInt64] = []
    private var start: [Int] = []
    private var length: [Int] = []
    private var count: [Int] = []
    /// Σ k·ln k over the counts k of each distinct neighbouring character, per side: the entropy is
    /// ln(count) − sum/count (a sentence edge is a class of its own each time, adding 1·ln 1 = 0).
    private var leftSum: [Double] = []
    private var rightSum: [Double] = []
    private var personCues: [Int] = []
    private var placeCues: [Int] = []

    init(text: HanSequence, minCount: Int) {
        self.text = text
        self.minCount = minCount
        counts.reserveCapacity(text.ids.count * 2)
        for i in text.ids.indices {
            for n in NameFinder.lengths {
                guard let k = text.key(at: i, length: n) else { break }
                counts[k, default: 0] += 1
            }
        }
    }

    /// Walks the text once more in order, for the frequent n-grams only. Book order makes the
    /// floating-point sums, and so the scores, the same on every run.
    mutating func collectContexts() {
        var neighbours: [UInt64: Int32] = [:]
        let ids = text.ids
        func neighbour(_ g: Int, side: UInt64, _ id: UInt16, _ sum: inout [Double]) {
            guard id != 0 else { return }
            let k = UInt64(g) << 17 | side << 16 | UInt64(id)
            let before = Double(neighbours[k, default: 0])
            neighbours[k] = Int32(before) + 1
            sum[g] += (before + 1) * log(before + 1) - (before > 0 ? before * log(before) : 0)
        }
        for i in ids.indices {
            for n in NameFinder.lengths {
                guard let k = text.key(at: i, length: n) else { break }
                guard let c = counts[k], c >= minCount else { continue }
                let g: Int
                if let known = index[k] {
                    g = Int(known)
                } else {
                    g = keys.count
                    index[k] = Int32(g)
                    keys.append(k); start.append(i); length.append(n); count.append(Int(c))
                    leftSum.append(0); rightSum.append(0); personCues.append(0); placeCues.append(0)
                }
                // An n-gram has a neighbour id on each side, 0 (a break) at a run's edges; the
                // character of 0 is U+0000, in no class.
                let (l, r) = (ids[i - 1], ids[i + n])
                let left = text.scalars[Int(l)], right = text.scalars[Int(r)]
                neighbour(g, side: 0, l, &leftSum)
                neighbour(g, side: 1, r, &rightSum)
                if NameCharacters.speechAfter.contains(right) || NameCharacters.addressBefore.contains(left) { personCues[g] += 1 }
                if NameCharacters.placeBefore.contains(left) || NameCharacters.placeAfter.contains(right) { placeCues[g] += 1 }
            }
        }
    }

    func name(_ g: Int) -> [Unicode.Scalar] {
        (start[g]..<(start[g] + length[g])).map { text.scalars[Int(text.ids[$0])] }
    }

    func entropy(_ g: Int, _ sum: [Double]) -> Double {
        let c = Double(count[g])
        return log(c) - sum[g] / c
    }

    /// Whether the characters can make a name at all (see `NameCharacters`).
    func isNameShaped(_ s: [Unicode.Scalar]) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if NameCharacters.neverFirst.contains(first) || NameCharacters.neverLast.contains(last) { return false }
        if Numerals.isNumeralScalar(first) || Numerals.isNumeralScalar(last) { return false }
        if s.contains(where: NameCharacters.neverInside.contains) { return false }
        // 太太, 奶奶, 姐姐: titles and kinship words, not names.
        if s.count == 2 && first == last { return false }
        return true
    }

    func ranked() -> [NameFinder.Candidate] {
        var kept: [Int: Double] = [:]  // index → score
        for g in keys.indices {
            let scalars = name(g)
            guard isNameShaped(scalars) else { continue }
            let branching = min(entropy(g, leftSum), entropy(g, rightSum))
            // Fewer than 8 occurrences cannot reach 2 (ln 7.4), so a rare n-gram needs 0.6 of its most.
            guard branching >= min(2.0, 0.6 * log(Double(count[g]))) else { continue }
            let isPlace = NameCharacters.placeSuffix.contains(scalars.last!)
            let cues = isPlace ? max(personCues[g], placeCues[g]) : personCues[g]
            let share = Double(cues) / Double(count[g])
            let bonus = NameCharacters.surnames.contains(scalars[0]) || isPlace ? 1.3 : 1.0
            kept[g] = log(Double(count[g])) * branching * (0.05 + share) * bonus
        }
        // A candidate inside a longer one with almost its count is only ever part of that one.
        var dropped = Set<Int>()
        for g in kept.keys where length[g] > 2 {
            for n in 2..<length[g] {
                for offset in 0...(length[g] - n) {
                    guard let k = text.key(at: start[g] + offset, length: n), let inner = index[k].map(Int.init),
                          kept[inner] != nil else { continue }
                    if Double(count[g]) >= 0.9 * Double(count[inner]) { dropped.insert(inner) }
                }
            }
        }
        return kept.filter { !dropped.contains($0.key) }
            .map { NameFinder.Candidate(name: String(String.UnicodeScalarView(name($0.key))), count: count[$0.key], score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.name < $1.name }
    }
}
