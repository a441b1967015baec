/// Per-segment n-gram matching with one reusable open-addressing table: the hypothesis n-grams
/// are counted into it, each reference's n-grams are only looked up (an n-gram the hypothesis
/// lacks can never match), so a segment costs one hash probe per n-gram and no allocation.
/// Slots are 32-byte structs so a probe touches one cache line.
struct NGramTable {
    struct Slot {
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        var stamp: UInt32 = 0      // live when equal to the table's generation
        var hypCount: Int32 = 0
        var refCount: Int32 = 0    // in the current reference
        var maxRefCount: Int32 = 0 // over the references seen so far
    }

    private var slots: [Slot]
    private var live: [Int32] = []     // live slots, in insertion order
    private var touched: [Int32] = []  // slots whose refCount is non-zero
    private var generation: UInt32 = 1
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    /// Starts a segment whose hypothesis has at most `keys` n-grams.
    mutating func reset(expectedKeys keys: Int) {
        if keys * 2 > slots.count { self = NGramTable(capacity: keys); return }
        live.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        generation &+= 1
        if generation == 0 {  // wrapped: clear stamps once every 2^32 segments
            for i in slots.indices { slots[i].stamp = 0 }
            generation = 1
        }
    }

    @inline(__always) private func slotStart(_ key: NGramKey) -> Int {
        var h = (key.lo &* 0x9E37_79B9_7F4A_7C15) ^ (key.hi &* 0xC2B2_AE3D_27D4_EB4F)
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    @inline(__always) mutating func addHypothesis(_ key: NGramKey) {
        var s = slotStart(key)
        let g = generation
        let found: Bool = slots.withUnsafeMutableBufferPointer { b in
            while b[s].stamp == g {
                if b[s].lo == key.lo, b[s].hi == key.hi { b[s].hypCount += 1; return true }
                s = (s + 1) & mask
            }
            b[s] = Slot(hi: key.hi, lo: key.lo, stamp: g, hypCount: 1, refCount: 0, maxRefCount: 0)
            return false
        }
        if !found { live.append(Int32(s)) }
    }

    @inline(__always) mutating func addReference(_ key: NGramKey) {
        var s = slotStart(key)
        let g = generation
        let first: Bool = slots.withUnsafeMutableBufferPointer { b in
            while b[s].stamp == g {
                if b[s].lo == key.lo, b[s].hi == key.hi {
                    b[s].refCount += 1
                    return b[s].refCount == 1
                }
                s = (s + 1) & mask
            }
            return false
        }
        if first { touched.append(Int32(s)) }
    }

    /// Ends one reference: calls `body(key, min(hyp, ref))` for every shared n-gram, folds the
    /// counts into `maxRefCount` and clears them for the next reference.
    mutating func finishReference(_ body: (NGramKey, Int32) -> Void) {
        for t in touched {
            let s = Int(t)
            let slot = slots[s]
            body(NGramKey(hi: slot.hi, lo: slot.lo), min(slot.hypCount, slot.refCount))
            slots[s].maxRefCount = max(slot.maxRefCount, slot.refCount)
            slots[s].refCount = 0
        }
        touched.removeAll(keepingCapacity: true)
    }

    /// Every hypothesis n-gram with its count and its largest count in any reference.
    func forEachHypothesisNGram(_ body: (NGramKey, Int32, Int32) -> Void) {
        for t in live {
            let slot = slots[Int(t)]
            body(NGramKey(hi: slot.hi, lo: slot.lo), slot.hypCount, slot.maxRefCount)
        }
    }
}
