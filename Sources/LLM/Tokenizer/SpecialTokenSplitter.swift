/// Splits control / user-defined token text out of raw text before SentencePiece or BPE sees it, the way
/// llama.cpp's `tokenizer_st_partition` does: candidates are taken longest first (ties: lower id),
/// and each claims its left-to-right, non-overlapping occurrences in the still-unclaimed text.
/// Control and unknown tokens take part only when parsing special tokens; user-defined ones always.
struct SpecialTokenSplitter: Sendable {
    enum Fragment: Equatable {
        case text(Range<Int>)  // byte range of raw text
        case token(Int32)
    }

    private struct Candidate: Sendable {
        let bytes: [UInt8]
        let id: Int32
        let onlyWhenParsingSpecial: Bool
    }

    /// Candidates in llama.cpp's order (the index is the rank).
    private let candidates: [Candidate]
    /// Candidate ranks by their first two bytes (single-byte candidates by their byte, high half 0xFFFF).
    private let byPrefix: [UInt32: [Int]]
    /// Whether some candidate starts with this byte (most text positions are skipped with one load).
    private let isFirstByte: [Bool]

    init(tokens: [(bytes: [UInt8], id: Int32, onlyWhenParsingSpecial: Bool)]) {
        let sorted = tokens.filter { !$0.bytes.isEmpty }.sorted {
            $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id
        }
        candidates = sorted.map { Candidate(bytes: $0.bytes, id: $0.id, onlyWhenParsingSpecial: $0.onlyWhenParsingSpecial) }
        var index: [UInt32: [Int]] = [:]
        for (rank, c) in candidates.enumerated() {
            index[Self.prefixKey(c.bytes, 0, c.bytes.count), default: []].append(rank)
        }
        byPrefix = index
        var first = [Bool](repeating: false, count: 256)
        for c in candidates { first[Int(c.bytes[0])] = true }
        isFirstByte = first
    }

    private static func prefixKey(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, UInt32?) {
        let one = 0xFFFF_0000 | UInt32(b[i])
        return (one, i + 1 < b.count ? UInt32(b[i]) << 8 | UInt32(b[i + 1]) : nil)
    }

    private static func prefixKey(_ bytes: [UInt8], _ i: Int, _ n: Int) -> UInt32 {
        n - i == 1 ? 0xFFFF_0000 | UInt32(bytes[i]) : UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
    }

    func split(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        let n = text.count
        guard n > 0 else { return [] }
        guard !candidates.isEmpty else { return [.text(0..<n)] }
        // Every occurrence of every enabled candidate, then claimed in llama.cpp's order.
        var matches: [(rank: Int, pos: Int)] = []
        func collect(_ key: UInt32, at pos: Int) {
            guard let ranks = byPrefix[key] else { return }
            for rank in ranks {
                let c = candidates[rank]
                if c.onlyWhenParsingSpecial && !parseSpecial { continue }
                let len = c.bytes.count
                guard pos + len <= n else { continue }
                var equal = true
                for k in 2..<max(len, 2) where text[pos + k] != c.bytes[k] { equal = false; break }
                if equal { matches.append((rank, pos)) }
            }
        }
        for pos in 0..<n where isFirstByte[Int(text[pos])] {
            let (one, two) = Self.prefixKey(text, pos)
            collect(one, at: pos)
            if let two { collect(two, at: pos) }
        }
        guard !matches.isEmpty else { return [.text(0..<n)] }
        matches.sort { $0.rank != $1.rank ? $0.rank < $1.rank : $0.pos < $1.pos }
        var taken = [Bool](repeating: false, count: n)
        var claimed: [(pos: Int, len: Int, id: Int32)] = []
        for m in matches {
            let len = candidates[m.rank].bytes.count
            if (m.pos..<(m.pos + len)).contains(where: { taken[$0] }) { continue }
            for k in m.pos..<(m.pos + len) { taken[k] = true }
            claimed.append((m.pos, len, candidates[m.rank].id))
        }
        claimed.sort { $0.pos < $1.pos }
        var out: [Fragment] = []
        var cursor = 0
        for c in claimed {
            if c.pos > cursor { out.append(.text(cursor..<c.pos)) }
            out.append(.token(c.id))
            cursor = c.pos + c.len
        }
        if cursor < n { out.append(.text(cursor..<n)) }
        return out
    }
}
