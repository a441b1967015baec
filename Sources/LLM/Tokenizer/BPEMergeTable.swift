/// Merge rules by symbol pair: (left, right) → (rank, merged symbol), in an open-addressing hash
/// table of 64-bit keys (the BPE inner loop looks a pair up after every merge).
struct BPEMergeTable: Sendable {
    private var keys: [UInt64]
    private var entries: [UInt64]  // rank << 32 | merged
    private let mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        entries = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds a rule unless the pair already has one (the first, lowest-ranked rule wins, as in
    /// llama.cpp and Hugging Face tokenizers).
    mutating func insertIfAbsent(_ left: Int32, _ right: Int32, rank: Int32, merged: Int32) {
        let k = Self.key(left, right)
        var i = slot(k)
        while keys[i] != Self.empty {
            if keys[i] == k { return }
            i = (i + 1) & mask
        }
        keys[i] = k
        entries[i] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: merged))
        count += 1
    }

    /// (rank << 32 | merged) of the pair's rule, or nil.
    @inline(__always)
    func find(_ left: Int32, _ right: Int32) -> UInt64? {
        let k = Self.key(left, right)
        var i = slot(k)
        return keys.withUnsafeBufferPointer { kp in
            while true {
                let found = kp[i]
                if found == k { return entries[i] }
                if found == Self.empty { return nil }
                i = (i + 1) & mask
            }
        }
    }
}
