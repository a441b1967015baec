/// Maps tokens (runs of scalars) to dense integer ids, so n-grams become integer keys.
/// An open-addressing table over one flat scalar store: no `String` is built per token.
struct TokenInterner {
    private var store: [UInt32] = []
    private var starts: [Int] = [0]
    private var slots: [Int32]  // 0 = empty, else id (ids start at 1)
    private var hashes: [UInt64] = [0]
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { starts.count - 1 }

    /// The id of `s[range]`, adding it if new. Ids are 1-based.
    mutating func id(_ s: [UInt32], _ range: Range<Int>) -> Int32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in range {
            h = (h ^ UInt64(s[i])) &* 0x100_0000_01b3
        }
        h ^= h >> 29
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let existing = slots[slot]
            if existing == 0 { break }
            let e = Int(existing)
            if hashes[e] == h, starts[e] - starts[e - 1] == range.count,
               store[starts[e - 1]..<starts[e]].elementsEqual(s[range]) {
                return existing
            }
            slot = (slot + 1) & mask
        }
        store.append(contentsOf: s[range])
        starts.append(store.count)
        hashes.append(h)
        let newID = Int32(count)
        slots[slot] = newID
        if count * 2 > slots.count { grow() }
        return newID
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for e in 1...count {
            var slot = Int(truncatingIfNeeded: hashes[e]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(e)
        }
    }
}

/// An n-gram of up to four 32-bit ids (chrF packs up to six 21-bit scalars instead), with zero
/// marking unused places, so n-grams of every order share one exact, collision-free key space.
struct NGramKey: Hashable {
    var hi: UInt64
    var lo: UInt64
}
