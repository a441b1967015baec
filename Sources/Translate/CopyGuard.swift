/// A small model given a long bilingual context sometimes answers a unit with the translation of
/// an earlier line, and every copy left in the context invites the next (on 紅樓夢 chapter 1 the
/// 270M default model gave one sentence as the answer to 13 units in a row). The guard notices an
/// answer that mostly repeats an earlier translation of a different source, so the unit can be
/// translated again with that translation's token runs forbidden.
public enum CopyGuard {
    /// Answers shorter than this (letters and digits) may repeat ("Yes.", a name, a greeting)
    /// unless their source is long: a long sentence is not "Third, he said:".
    public static let minimumLength = 16
    public static let longSource = 10
    /// An answer is a copy when this fraction of it is one stretch of an earlier translation.
    public static let copiedFraction = 0.6
    /// Sources sharing this fraction of the shorter one may have the same translation.
    public static let similarSourceFraction = 0.5
    /// The retry may not continue any run of this many tokens of a copied translation, nor end
    /// before one token for every this many tokens of the source.
    public static let bannedRunLength = 3
    public static let sourceTokensPerAnswerToken = 3

    /// Positions in `context` whose translation `answer` copies although their source differs
    /// from `source`; empty when the answer is its own.
    public static func copiedPairs(answer: String, source: String, context: [BilingualPair]) -> [Int] {
        let a = normalized(answer)
        let src = Array(source.filter { !$0.isWhitespace })
        guard !a.isEmpty && (a.count >= minimumLength || src.count >= longSource) else { return [] }
        return context.indices.filter { i in
            let t = normalized(context[i].target)
            guard Double(longestCommonRun(a, t)) >= copiedFraction * Double(a.count) else { return false }
            let s = Array(context[i].source.filter { !$0.isWhitespace })
            let shorter = min(s.count, src.count)
            return shorter == 0 || Double(longestCommonRun(s, src)) < similarSourceFraction * Double(shorter)
        }
    }

    /// Lowercased letters and digits, single spaces between words: punctuation and quoting
    /// changes do not hide a copy.
    static func normalized(_ s: String) -> [Character] {
        var out: [Character] = []
        for c in s.lowercased() {
            if c.isLetter || c.isNumber { out.append(c) } else if out.last != " " && !out.isEmpty { out.append(" ") }
        }
        if out.last == " " { out.removeLast() }
        return out
    }

    /// Length of the longest stretch common to both (dynamic programming over one row).
    static func longestCommonRun(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty && !b.isEmpty else { return 0 }
        var row = [Int](repeating: 0, count: b.count + 1), best = 0
        for x in a {
            var diagonal = 0
            for j in 1...b.count {
                let above = row[j]
                row[j] = x == b[j - 1] ? diagonal + 1 : 0
                best = max(best, row[j])
                diagonal = above
            }
        }
        return best
    }
}

/// Token runs a generation may not reproduce: after any `length - 1` tokens of a banned run, the
/// token that continued them there is forbidden.
public struct TokenRunBan: Sendable {
    public let length: Int
    private var next: [[Int32]: Set<Int32>] = [:]

    public init(length: Int, runs: [[Int32]]) {
        precondition(length >= 2, "a run ban needs at least two tokens")
        self.length = length
        for r in runs where r.count >= length {
            for i in 0...(r.count - length) {
                next[Array(r[i..<(i + length - 1)]), default: []].insert(r[i + length - 1])
            }
        }
    }

    /// The tokens that may not follow `generated`.
    public func banned(after generated: [Int32]) -> Set<Int32> {
        guard generated.count >= length - 1 else { return [] }
        return next[Array(generated.suffix(length - 1))] ?? []
    }
}
