/// TERCOM's shift search and beam edit distance, as sacreBLEU's `lib_ter.py` runs it (the
/// candidate order, tie-breaks and the 1000-candidate budget all change the result).
enum TERAligner {
    static let maxShiftSize = 10
    static let maxShiftDistance = 50
    static let beamWidth = 25
    static let maxShiftCandidates = 1000
    static let infinity = 10_000_000_000_000_000

    // Edit operations, named from the hypothesis' point of view after `_flip_trace`.
    enum Op: UInt8 { case nop, sub, ins, del, undef }

    /// Shifts plus edit distance of the best shifted hypothesis.
    static func editCount(hypothesis: [Int32], reference: [Int32]) -> Int {
        if reference.isEmpty { return hypothesis.count }
        var editor = BeamEditDistance(reference: reference)
        var shifts = 0
        var words = hypothesis
        var checked = 0
        while true {
            let (delta, shifted) = bestShift(words, reference, &editor, &checked)
            if checked >= maxShiftCandidates || delta <= 0 { break }
            shifts += 1
            words = shifted
        }
        return shifts + editor.distance(words).cost
    }

    /// `_shift`: the best single block shift of `h` (gain in edit distance, shifted words).
    static func bestShift(_ h: [Int32], _ r: [Int32], _ editor: inout BeamEditDistance,
                          _ checked: inout Int) -> (Int, [Int32]) {
        let (preScore, trace) = editor.distance(h)
        // Alignment of the flipped trace: DP insertions consume reference words.
        var align = [Int](repeating: 0, count: r.count)
        var hypErr = [Int](), refErr = [Int]()
        var ph = -1, pr = -1
        for op in trace {
            switch op {
            case .nop, .sub:
                ph += 1; pr += 1
                align[pr] = ph
                let e = op == .sub ? 1 : 0
                hypErr.append(e); refErr.append(e)
            case .del:  // DP deletion = hypothesis word only (flipped to insertion)
                ph += 1
                hypErr.append(1)
            case .ins:  // DP insertion = reference word only (flipped to deletion)
                pr += 1
                align[pr] = ph
                refErr.append(1)
            case .undef:
                preconditionFailure("TER trace has an undefined operation")
            }
        }
        var best: (gain: Int, length: Int, negStart: Int, negIdx: Int, words: [Int32])?
        let nh = h.count, nr = r.count
        outer: for startH in 0..<nh {
            for startR in 0..<nr where abs(startR - startH) <= maxShiftDistance {
                var length = 0
                while h[startH + length] == r[startR + length], length < maxShiftSize {
                    length += 1
                    considerPair(startH, startR, length)
                    if checked >= maxShiftCandidates { break outer }
                    if nh == startH + length || nr == startR + length { break }
                }
            }
        }

        func considerPair(_ startH: Int, _ startR: Int, _ length: Int) {
            if hypErr[startH..<(startH + length)].allSatisfy({ $0 == 0 }) { return }
            if refErr[startR..<(startR + length)].allSatisfy({ $0 == 0 }) { return }
            if startH <= align[startR], align[startR] < startH + length { return }
            var prevIdx = -1
            for offset in -1..<length {
                let idx: Int
                if startR + offset == -1 {
                    idx = 0
                } else if startR + offset < nr {
                    idx = align[startR + offset] + 1
                } else {
                    break
                }
                if idx == prevIdx { continue }
                prevIdx = idx
                let shifted = performShift(h, startH, length, idx)
                let gain = preScore - editor.distance(shifted).cost
                checked += 1
                if let b = best {
                    if (gain, length, -startH, -idx) > (b.gain, b.length, b.negStart, b.negIdx) {
                        best = (gain, length, -startH, -idx, shifted)
                    }
                } else {
                    best = (gain, length, -startH, -idx, shifted)
                }
            }
        }

        guard let best else { return (0, h) }
        return (best.gain, best.words)
    }

    /// `_perform_shift`: move `words[start..<start+length]` to position `target`.
    static func performShift(_ w: [Int32], _ start: Int, _ length: Int, _ target: Int) -> [Int32] {
        // Python slices clamp their bounds; the last case relies on it when target+length > count.
        func s(_ a: Int, _ b: Int) -> ArraySlice<Int32> {
            let lo = min(max(a, 0), w.count), hi = min(max(b, 0), w.count)
            return lo < hi ? w[lo..<hi] : []
        }
        let n = w.count, end = start + length
        if target < start {
            return Array(s(0, target) + s(start, end) + s(target, start) + s(end, n))
        } else if target > end {
            return Array(s(0, start) + s(end, target) + s(start, end) + s(target, n))
        } else {
            return Array(s(0, start) + s(end, length + target) + s(start, end) + s(length + target, n))
        }
    }
}

/// `BeamEditDistance`: Levenshtein distance within a diagonal beam. Rows depend only on the
/// hypothesis prefix, so the rows of the previous call are reused for a shared prefix
/// (sacreBLEU keeps a prefix trie for the same purpose; results are identical).
struct BeamEditDistance {
    let ref: [Int32]
    private var lastWords: [Int32] = []
    private var cost: [Int] = []     // (nh+1) × (nr+1)
    private var op: [TERAligner.Op] = []

    init(reference: [Int32]) { ref = reference }

    mutating func distance(_ h: [Int32]) -> (cost: Int, trace: [TERAligner.Op]) {
        let nh = h.count, nr = ref.count, w = nr + 1
        var start = 0
        if lastWords.count == nh, !cost.isEmpty {
            while start < nh, lastWords[start] == h[start] { start += 1 }
        } else {
            cost = [Int](repeating: TERAligner.infinity, count: (nh + 1) * w)
            op = [TERAligner.Op](repeating: .undef, count: (nh + 1) * w)
            for j in 0...nr { cost[j] = j; op[j] = .ins }
        }
        lastWords = h
        // Reset the rows that will be recomputed.
        for k in ((start + 1) * w)..<((nh + 1) * w) { cost[k] = TERAligner.infinity; op[k] = .undef }
        let ratio = nh > 0 ? Double(nr) / Double(nh) : 1
        let beam = Double(TERAligner.beamWidth) < ratio / 2
            ? Int((ratio / 2 + Double(TERAligner.beamWidth)).rounded(.up)) : TERAligner.beamWidth
        if start < nh {
            for i in (start + 1)...nh {
                let diag = Int((Double(i) * ratio).rounded(.down))
                let minJ = max(0, diag - beam)
                let maxJ = i == nh ? nr + 1 : min(nr + 1, diag + beam)
                let row = i * w, prev = (i - 1) * w
                for j in minJ..<max(minJ, maxJ) {
                    if j == 0 {
                        cost[row] = cost[prev] + 1
                        op[row] = .del
                        continue
                    }
                    let same = h[i - 1] == ref[j - 1]
                    var c = cost[row + j], o = op[row + j]
                    let sub = cost[prev + j - 1] + (same ? 0 : 1)
                    if c > sub { c = sub; o = same ? .nop : .sub }
                    let del = cost[prev + j] + 1
                    if c > del { c = del; o = .del }
                    let ins = cost[row + j - 1] + 1
                    if c > ins { c = ins; o = .ins }
                    cost[row + j] = c
                    op[row + j] = o
                }
            }
        }
        var trace = [TERAligner.Op]()
        var i = nh, j = nr
        while i > 0 || j > 0 {
            let o = op[i * w + j]
            trace.append(o)
            switch o {
            case .sub, .nop: i -= 1; j -= 1
            case .ins: j -= 1
            case .del: i -= 1
            case .undef: preconditionFailure("TER beam left the path undefined")
            }
        }
        trace.reverse()
        return (cost[nh * w + nr], trace)
    }
}
