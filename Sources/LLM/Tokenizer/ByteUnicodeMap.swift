/// GPT-2's byte ↔ character map: byte-level BPE vocabularies store every byte as a printable
/// character, so a vocabulary entry is valid text whatever bytes it stands for. Printable Latin-1
/// bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves; the 68 others (controls, space, NBSP,
/// soft hyphen) become U+0100, U+0101, … in byte order (so a space is `Ġ` U+0120, `\n` is `Ċ` U+010A).
enum ByteUnicodeMap {
    /// The character standing for each byte.
    static let scalarOfByte: [UInt32] = {
        var map = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                map[b] = UInt32(b)
            } else {
                map[b] = next
                next += 1
            }
        }
        return map
    }()

    /// The UTF-8 bytes of each byte's character (1 or 2 bytes).
    static let utf8OfByte: [[UInt8]] = scalarOfByte.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// The byte a character stands for, by scalar value below 0x144; -1 for other characters.
    static let byteOfScalar: [Int16] = {
        var map = [Int16](repeating: -1, count: 0x144)
        for (b, s) in scalarOfByte.enumerated() { map[Int(s)] = Int16(b) }
        return map
    }()

    /// The bytes a vocabulary entry stands for, or nil if it holds a character outside the map
    /// (such an entry can never come out of byte-level BPE).
    static func decode<S: Sequence>(_ utf8: S) -> [UInt8]? where S.Element == UInt8 {
        var out: [UInt8] = []
        var ok = true
        var it = utf8.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                guard s.value < 0x144, byteOfScalar[Int(s.value)] >= 0 else { ok = false; break loop }
                out.append(UInt8(byteOfScalar[Int(s.value)]))
            case .emptyInput: break loop
            case .error: ok = false; break loop
            }
        }
        return ok ? out : nil
    }

    /// Appends the bytes a vocabulary entry stands for; a character outside the map is kept as
    /// its own UTF-8 (text a user can see, where llama.cpp writes an `[UNK_BYTE_…]` marker).
    static func appendDecoded(_ utf8: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var i = utf8.startIndex
        let end = utf8.endIndex
        while i < end {
            let b0 = utf8[i]
            if b0 < 0x80 {
                out.append(byteOfScalar[Int(b0)] >= 0 ? UInt8(byteOfScalar[Int(b0)]) : b0)
                i += 1
                continue
            }
            let len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
            if len == 2, i + 1 < end {
                let s = Int(b0 & 0x1F) << 6 | Int(utf8[i + 1] & 0x3F)
                if s < 0x144, byteOfScalar[s] >= 0 {
                    out.append(UInt8(byteOfScalar[s]))
                    i += 2
                    continue
                }
            }
            let stop = min(i + len, end)
            out.append(contentsOf: utf8[i..<stop])
            i = stop
        }
    }
}
