/// A bounds-checked little-endian cursor over a byte range, for parsing untrusted file headers.
/// Every read checks the remaining length first and throws a `ModelFileError` naming the field.
struct ByteReader {
    let file: String
    let base: UnsafeRawPointer
    let end: Int
    private(set) var offset: Int

    init(file: String, base: UnsafeRawPointer, count: Int, offset: Int = 0) {
        self.file = file
        self.base = base
        self.end = count
        self.offset = offset
    }

    var remaining: Int { end - offset }

    func error(_ field: String, at: Int? = nil, _ expected: String) -> ModelFileError {
        ModelFileError(file: file, field: field, offset: at ?? offset, expected: expected)
    }

    mutating func need(_ n: Int, _ field: String) throws {
        guard n >= 0, n <= remaining else {
            throw error(field, "\(n) bytes, but the file ends after \(max(remaining, 0)) (truncated)")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: String) throws -> T {
        try need(MemoryLayout<T>.size, field)
        let v = T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return v
    }

    mutating func readFloat(_ field: String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, field))
    }

    mutating func readDouble(_ field: String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, field))
    }

    /// A u64 count that must fit in what is left of the file given each item takes at least
    /// `minItemBytes`: rejects absurd counts before anything is allocated.
    mutating func readCount(_ field: String, minItemBytes: Int) throws -> Int {
        let at = offset
        let n = try read(UInt64.self, field)
        let limit = UInt64(max(remaining, 0) / max(minItemBytes, 1))
        guard n <= limit else {
            throw error(field, at: at, "a count of at most \(limit) (what fits in the rest of the file; truncated or corrupt?), found \(n)")
        }
        return Int(n)
    }

    /// Raw bytes (UTF-8 repaired if invalid: token strings must never make loading fail).
    mutating func readBytes(_ n: Int, _ field: String) throws -> UnsafeRawBufferPointer {
        try need(n, field)
        let b = UnsafeRawBufferPointer(start: base + offset, count: n)
        offset += n
        return b
    }

    mutating func readString(_ field: String) throws -> String {
        let n = try readCount(field + " length", minItemBytes: 1)
        let bytes = try readBytes(n, field)
        return String(decoding: bytes, as: UTF8.self)
    }
}
