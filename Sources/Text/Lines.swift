/// Line splitting over UTF-8 text that accepts LF, CRLF and CR line endings alike.
public enum Lines {
    /// The byte ranges (into `text.utf8`) of each line's content, terminators excluded. A final
    /// line without terminator counts; a trailing terminator does not start an extra empty line.
    public static func ranges(in text: String) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var text = text
        text.withUTF8 { buffer in
            result = ranges(in: buffer)
        }
        return result
    }

    static func ranges(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(bytes.count / 40 + 1)
        let n = bytes.count
        var start = 0
        var i = 0
        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                result.append(start..<i)
                i += 1
                start = i
            } else if b == 0x0D {
                result.append(start..<i)
                i += (i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                start = i
            } else {
                i += 1
            }
        }
        if start < n { result.append(start..<n) }
        return result
    }

    /// The lines themselves as strings (terminators removed).
    public static func split(_ text: String) -> [String] {
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBufferPointer { buffer in
            ranges(in: buffer).map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
        }
    }
}
