/// Strict UTF-8 validation that reports where it fails. Swift's own validating initialisers only
/// say "invalid", and the error message must name the byte offset.
enum UTF8Check {
    /// The offset of the first byte that starts an invalid (ill-formed, overlong, surrogate or
    /// truncated) sequence, or nil when every byte is well-formed UTF-8.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF  // allowed range of the second byte
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; hi = 0x9F
            case 0xF0: length = 4; lo = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; hi = 0x8F
            default: return i
            }
            if i + length > n { return i }
            let b1 = bytes[i + 1]
            if b1 < lo || b1 > hi { return i }
            var k = 2
            while k < length {
                if bytes[i + k] & 0xC0 != 0x80 { return i }
                k += 1
            }
            i += length
        }
        return nil
    }

    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidOffset($0) }
    }
}

/// Line numbers for error messages: 1 + the number of line breaks (LF, CR, CRLF) before `offset`.
func lineNumber(ofByte offset: Int, in bytes: [UInt8], unitSize: Int = 1, bigEndian: Bool = false) -> Int {
    var line = 1
    var i = 0
    let end = min(offset, bytes.count)
    var previousCR = false
    while i + unitSize <= end {
        let unit: UInt16
        if unitSize == 2 {
            unit = bigEndian ? UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) : UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i])
        } else {
            unit = UInt16(bytes[i])
        }
        if unit == 0x0A { if !previousCR { line += 1 }; previousCR = false }
        else if unit == 0x0D { line += 1; previousCR = true }
        else { previousCR = false }
        i += unitSize
    }
    return line
}
