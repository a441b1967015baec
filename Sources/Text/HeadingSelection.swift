/// Chooses which heading-like lines really start chapters. Body text can contain a line that looks
/// like a heading, and books repeat headings; the chapters' numbers must form the longest rising
/// sequence (restarting after a volume heading), preferring steps of one.
struct HeadingSelection {
    struct Found {
        var line: Int
        var candidate: HeadingCandidate
    }

    var accepted: [Found] = []
    var rejected: [RejectedHeading] = []

    init(found: [Found], bodyLike: [(line: Int, reason: String)], source: SourceText) {
        for b in bodyLike {
            rejected.append(RejectedHeading(line: b.line + 1, text: String(Script.trimmed(source.line(b.line))), reason: b.reason))
        }
        let numbered = found.filter { $0.candidate.kind == .chapter && $0.candidate.number != nil }
        var styleCounts: [String: Int] = [:]
        for f in numbered { styleCounts[f.candidate.style, default: 0] += 1 }
        let dominant = styleCounts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key

        var segment: [Found] = []
        func closeSegment() {
            let keep = Self.longestRisingRun(segment)
            for (i, f) in segment.enumerated() {
                if keep.contains(i) { accepted.append(f); continue }
                let previous = keep.filter { $0 < i }.max().map { segment[$0] }
                let reason: String
                if let p = previous, p.candidate.number == f.candidate.number {
                    reason = "repeats chapter \(f.candidate.number!) (line \(p.line + 1))"
                } else if let p = previous {
                    reason = "out of sequence: \(f.candidate.number!) after chapter \(p.candidate.number!) (line \(p.line + 1))"
                } else {
                    reason = "out of sequence: \(f.candidate.number!) before the chapters that follow"
                }
                rejected.append(RejectedHeading(line: f.line + 1, text: String(Script.trimmed(source.line(f.line))), reason: reason))
            }
            segment.removeAll()
        }
        for f in found {
            switch f.candidate.kind {
            case .volume:
                closeSegment()
                accepted.append(f)
            case .special:
                accepted.append(f)
            case .chapter:
                if f.candidate.style == dominant, f.candidate.number != nil {
                    segment.append(f)
                } else if f.candidate.number == nil {
                    accepted.append(f)  // a GuoFeng tag without digits: nothing to check
                } else {
                    rejected.append(RejectedHeading(line: f.line + 1, text: String(Script.trimmed(source.line(f.line))),
                                                    reason: "heading style \(f.candidate.style) differs from the book's chapters (\(dominant ?? "-"))"))
                }
            }
        }
        closeSegment()
        // A book divided only into volumes (第一卷 …) has them as its chapters.
        if !accepted.isEmpty, accepted.allSatisfy({ $0.candidate.kind == .volume }) {
            accepted = accepted.map { Found(line: $0.line, candidate: HeadingCandidate(kind: .chapter, number: $0.candidate.number,
                                                                                        title: $0.candidate.title, style: $0.candidate.style)) }
        }
        accepted.sort { $0.line < $1.line }
        rejected.sort { $0.line < $1.line }
    }

    /// Indices of the longest strictly increasing subsequence of chapter numbers; among equally
    /// long ones the one with the smallest gaps, and the earliest of repeated headings.
    static func longestRisingRun(_ items: [Found]) -> Set<Int> {
        let n = items.count
        guard n > 0 else { return [] }
        let numbers = items.map { $0.candidate.number! }
        var length = [Int](repeating: 1, count: n)
        var gaps = [Int](repeating: 0, count: n)
        var previous = [Int](repeating: -1, count: n)
        for i in 0..<n {
            gaps[i] = max(0, numbers[i] - 1)  // a run should start near chapter 1 (or 0)
            for j in 0..<i where numbers[j] < numbers[i] {
                let l = length[j] + 1, g = gaps[j] + numbers[i] - numbers[j] - 1
                if l > length[i] || (l == length[i] && g < gaps[i]) {
                    length[i] = l; gaps[i] = g; previous[i] = j
                }
            }
        }
        var best = 0
        for i in 1..<n where length[i] > length[best] || (length[i] == length[best] && gaps[i] < gaps[best]) { best = i }
        var keep = Set<Int>()
        var i = best
        while i >= 0 { keep.insert(i); i = previous[i] }
        return keep
    }
}
