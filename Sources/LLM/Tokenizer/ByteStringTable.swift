/// A hash table from byte strings to Int32, with the keys packed in one buffer: a vocabulary's
/// 150,000 entries load without allocating a String or an Array per key, and a lookup takes a
/// pointer into the text being tokenized.
struct ByteStringTable: Sendable {
    private var slots: [Int32]  // entry index, -1 when empty
    private var mask: Int
    private var keyBytes: [UInt8] = []
    private var keyStart: [Int32] = []
    private var keyHash: [UInt32] = []
    private(set) var values: [Int32] = []

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for b in key { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    private func keyEquals(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStart[entry]), end = entry + 1 < keyStart.count ? Int(keyStart[entry + 1]) : keyBytes.count
        guard end - start == key.count else { return false }
        return keyBytes.withUnsafeBufferPointer { kb in
            for i in 0..<key.count where kb[start + i] != key[i] { return false }
            return true
        }
    }

    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        var i = Int(h) & mask
        while true {
            let e = slots[i]
            if e < 0 { return nil }
            if keyHash[Int(e)] == h && keyEquals(Int(e), key) { return values[Int(e)] }
            i = (i + 1) & mask
        }
    }

    func find(_ key: [UInt8]) -> Int32? { key.withUnsafeBufferPointer { find($0) } }

    /// Sets the value of `key` (replacing an earlier one); returns the entry's index.
    @discardableResult
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32) -> Int {
        let h = Self.hash(key)
        var i = Int(h) & mask
        while true {
            let e = slots[i]
            if e < 0 { break }
            if keyHash[Int(e)] == h && keyEquals(Int(e), key) {
                values[Int(e)] = value
                return Int(e)
            }
            i = (i + 1) & mask
        }
        let entry = values.count
        slots[i] = Int32(entry)
        keyStart.append(Int32(keyBytes.count))
        keyBytes.append(contentsOf: key)
        keyHash.append(h)
        values.append(value)
        if values.count * 2 > slots.count { grow() }
        return entry
    }

    mutating func set(_ key: [UInt8], _ value: Int32) { key.withUnsafeBufferPointer { _ = set($0, value) } }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for e in 0..<values.count {
            var i = Int(keyHash[e]) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(e)
        }
    }
}
