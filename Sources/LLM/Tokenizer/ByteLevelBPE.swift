/// The merge engine of a byte-level BPE vocabulary (GPT-2, Qwen2, Llama 3): a word's bytes start
/// as one symbol each (GPT-2's character for the byte), and the adjacent pair with the lowest
/// merge rank is merged, leftmost first on ties, until no pair has a rule, exactly as llama.cpp's
/// `llm_tokenizer_bpe_session` and Hugging Face's BPE model do. Symbols are integers: vocabulary
/// ids, plus ids above the vocabulary for strings the merges mention that are not tokens.
struct ByteLevelBPE: Sendable {
    let vocabSize: Int
    let preTokenizer: PreTokenizer
    /// A word that is itself a token is not merged (llama.cpp's `ignore_merges`).
    let ignoreMerges: Bool
    /// The Unicode version of the peer whose regex the pre-tokenizer reproduces.
    let unicodeVersion: CharacterClass.UnicodeVersion
    private let merges: BPEMergeTable
    /// The symbol of each byte's character.
    private let byteSymbol: [Int32]
    /// For symbols that are not tokens: llama.cpp's fallback, which looks up each byte of the
    /// symbol's text as a one-byte token and drops those that are not one.
    private let fallback: [[Int32]]
    /// Raw bytes → token, for `ignoreMerges` (empty otherwise).
    private let wholeWords: ByteStringTable

    /// `pieces`: the vocabulary as stored (GPT-2 characters, UTF-8); `merges`: the rules in rank
    /// order as (left, right) texts.
    init(pieces: [[UInt8]], merges ruleTexts: [(left: ArraySlice<UInt8>, right: ArraySlice<UInt8>)],
         preTokenizer: PreTokenizer, ignoreMerges: Bool, unicodeVersion: CharacterClass.UnicodeVersion) {
        vocabSize = pieces.count
        self.unicodeVersion = unicodeVersion
        self.preTokenizer = preTokenizer
        self.ignoreMerges = ignoreMerges
        var symbols = ByteStringTable(capacity: pieces.count + 1024)
        // A repeated text means its last id, as in llama.cpp; empty entries (gaps) stand for nothing.
        for (i, p) in pieces.enumerated() where !p.isEmpty { symbols.set(p, Int32(i)) }
        var extra: [[UInt8]] = []
        func symbol(_ text: [UInt8]) -> Int32 {
            if let s = symbols.find(text) { return s }
            let s = Int32(pieces.count + extra.count)
            extra.append(text)
            symbols.set(text, s)
            return s
        }
        byteSymbol = ByteUnicodeMap.utf8OfByte.map { symbol($0) }
        var table = BPEMergeTable(capacity: ruleTexts.count)
        for (rank, rule) in ruleTexts.enumerated() {
            let l = symbol(Array(rule.left)), r = symbol(Array(rule.right))
            let m = symbol(Array(rule.left) + Array(rule.right))
            table.insertIfAbsent(l, r, rank: Int32(rank), merged: m)
        }
        merges = table
        fallback = extra.map { text in
            text.compactMap { b in symbols.find([b]).flatMap { $0 < Int32(pieces.count) ? $0 : nil } }
        }
        var whole = ByteStringTable()
        if ignoreMerges {
            whole = ByteStringTable(capacity: pieces.count)
            for (i, p) in pieces.enumerated() {
                if let raw = ByteUnicodeMap.decode(p), !raw.isEmpty { whole.set(raw, Int32(i)) }
            }
        }
        wholeWords = whole
    }

    /// Working memory of one encode call, plus its cache of words already merged.
    struct Scratch {
        var symbols: [Int32] = []
        var prev: [Int32] = []
        var next: [Int32] = []
        var heap: [UInt64] = []
        var pre = PreTokenizer.Scratch()
        var cache = ByteStringTable(capacity: 256)
        var cacheSpans: [(start: Int32, count: Int32)] = []
        var cacheIds: [Int32] = []
    }

    /// Words longer than this are merged every time (long Chinese clauses rarely repeat).
    private static let cachedWordBytes = 48

    /// Appends the tokens of `text` (a fragment without special tokens).
    func encode(_ text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into out: inout [Int32]) {
        // The split's buffers are moved out of `scratch` so the word callback may use the rest.
        var pre = scratch.pre
        scratch.pre = PreTokenizer.Scratch()
        preTokenizer.split(text, unicode: unicodeVersion, scratch: &pre) { range in
            encodeWord(UnsafeBufferPointer(rebasing: text[range]), scratch: &scratch, into: &out)
        }
        scratch.pre = pre
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, scratch s: inout Scratch, into out: inout [Int32]) {
        if ignoreMerges, let id = wholeWords.find(word) {
            out.append(id)
            return
        }
        if word.count == 1 {
            emit(byteSymbol[Int(word[0])], into: &out)
            return
        }
        let cacheable = word.count <= Self.cachedWordBytes
        if cacheable, let e = s.cache.find(word) {
            let span = s.cacheSpans[Int(e)]
            out.append(contentsOf: s.cacheIds[Int(span.start)..<Int(span.start + span.count)])
            return
        }
        let before = out.count
        merge(word, scratch: &s, into: &out)
        if cacheable {
            s.cacheSpans.append((Int32(s.cacheIds.count), Int32(out.count - before)))
            s.cacheIds.append(contentsOf: out[before...])
            s.cache.set(word, Int32(s.cacheSpans.count - 1))
        }
    }

    @inline(__always)
    private func emit(_ symbol: Int32, into out: inout [Int32]) {
        if symbol < vocabSize {
            out.append(symbol)
        } else {
            out.append(contentsOf: fallback[Int(symbol) - vocabSize])
        }
    }

    private func merge(_ word: UnsafeBufferPointer<UInt8>, scratch s: inout Scratch, into out: inout [Int32]) {
        let n = word.count
        // Work on the scratch arrays moved out of `s` (no copies, no overlapping access).
        var symArray: [Int32] = [], prevArray: [Int32] = [], nextArray: [Int32] = []
        swap(&symArray, &s.symbols); swap(&prevArray, &s.prev); swap(&nextArray, &s.next)
        var heap = MinHeap(storage: s.heap)
        s.heap = []
        symArray.removeAll(keepingCapacity: true)
        prevArray.removeAll(keepingCapacity: true)
        nextArray.removeAll(keepingCapacity: true)
        for i in 0..<n {
            symArray.append(byteSymbol[Int(word[i])])
            prevArray.append(Int32(i - 1))
            nextArray.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        symArray.withUnsafeMutableBufferPointer { sym in
            prevArray.withUnsafeMutableBufferPointer { prev in
                nextArray.withUnsafeMutableBufferPointer { next in
                    @inline(__always) func push(_ l: Int32, _ r: Int32) {
                        if let rule = merges.find(sym[Int(l)], sym[Int(r)]) {
                            heap.push(rule & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(bitPattern: l)))
                        }
                    }
                    for i in 0..<(n - 1) { push(Int32(i), Int32(i + 1)) }
                    while let top = heap.pop() {
                        let l = Int(top & 0xFFFF_FFFF), rank = top >> 32
                        guard sym[l] >= 0 else { continue }
                        let r = Int(next[l])
                        // A queued pair is stale when either side has merged since.
                        guard r >= 0, let rule = merges.find(sym[l], sym[r]), rule >> 32 == rank else { continue }
                        sym[l] = Int32(truncatingIfNeeded: rule & 0xFFFF_FFFF)
                        sym[r] = -1
                        next[l] = next[r]
                        if next[r] >= 0 { prev[Int(next[r])] = Int32(l) }
                        if prev[l] >= 0 { push(prev[l], Int32(l)) }
                        if next[l] >= 0 { push(Int32(l), next[l]) }
                    }
                    var i = 0
                    while i >= 0 {
                        emit(sym[i], into: &out)
                        i = Int(next[i])
                    }
                }
            }
        }
        swap(&symArray, &s.symbols); swap(&prevArray, &s.prev); swap(&nextArray, &s.next)
        s.heap = heap.storage
    }
}

/// A binary min-heap of UInt64 (merge rank in the high half, left position in the low half, so
/// the lowest rank comes first and ties go to the leftmost pair).
struct MinHeap {
    var storage: [UInt64]

    init(storage: [UInt64]) {
        self.storage = storage
        self.storage.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func push(_ x: UInt64) {
        storage.append(x)
        var i = storage.count - 1
        storage.withUnsafeMutableBufferPointer { h in
            while i > 0 {
                let p = (i - 1) >> 1
                if h[p] <= x { break }
                h[i] = h[p]
                i = p
            }
            h[i] = x
        }
    }

    @inline(__always)
    mutating func pop() -> UInt64? {
        guard let last = storage.popLast() else { return nil }
        if storage.isEmpty { return last }
        let top = storage[0]
        storage.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                var c = 2 * i + 1
                if c >= n { break }
                if c + 1 < n && h[c + 1] < h[c] { c += 1 }
                if last <= h[c] { break }
                h[i] = h[c]
                i = c
            }
            h[i] = last
        }
        return top
    }
}
