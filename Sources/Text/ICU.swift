import CICU

/// Swift side of the CICU shim: turns its status codes and malloc'd buffers into Swift values.
public enum ICU {
    /// ICU's version string, e.g. "72.1".
    public static var version: String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = yicu_version(&buffer, buffer.count)
        return string(buffer)
    }

    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs a shim call that fills an error buffer; throws with ICU's message on failure.
    static func call(_ operation: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var err = [CChar](repeating: 0, count: 256)
        let status = err.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        if status != Int32(YICU_OK) {
            throw TextError.icu(operation: operation, message: string(err))
        }
    }

    /// Takes ownership of a malloc'd UTF-8 buffer returned by the shim.
    static func adopt(_ pointer: UnsafeMutablePointer<UInt8>?, _ count: Int32) -> String {
        guard let pointer else { return "" }
        defer { yicu_free(pointer) }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: Int(count)), as: UTF8.self)
    }

    /// ICU's canonical name for an encoding alias, or nil when ICU does not know it.
    public static func canonicalEncodingName(_ name: String) -> String? {
        var out = [CChar](repeating: 0, count: 64)
        var err = [CChar](repeating: 0, count: 128)
        let status = yicu_canonical_name(name, &out, out.count, &err, err.count)
        return status == Int32(YICU_OK) ? string(out) : nil
    }

    /// ICU's own charset guesses (name, confidence 0–100), best first.
    public static func detectCharsets(_ bytes: [UInt8], max: Int = 5) throws -> [(name: String, confidence: Int)] {
        var out = [CChar](repeating: 0, count: 1024)
        try call("charset detection") { err, cap in
            bytes.withUnsafeBufferPointer { yicu_detect($0.baseAddress, Int32($0.count), Int32(max), &out, out.count, err, cap) }
        }
        return string(out).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let c = Int(parts[1]) else { return nil }
            return (String(parts[0]), c)
        }
    }

    enum Conversion {
        case text(String, replacements: Int)
        case invalid(offset: Int)
    }

    /// Bytes in `charset` to a Swift string; strict mode reports the first invalid byte offset.
    static func toUTF8(_ bytes: UnsafeBufferPointer<UInt8>, charset: String, lossy: Bool) throws -> Conversion {
        var out: UnsafeMutablePointer<UInt8>?
        var outLength: Int32 = 0, invalid: Int32 = -1, replacements: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        let status = yicu_to_utf8(charset, bytes.baseAddress, Int32(bytes.count), lossy ? 1 : 0,
                                  &out, &outLength, &invalid, &replacements, &err, err.count)
        switch status {
        case Int32(YICU_OK): return .text(adopt(out, outLength), replacements: Int(replacements))
        case Int32(YICU_INVALID_BYTES): return .invalid(offset: Int(invalid))
        case Int32(YICU_UNKNOWN_NAME): throw TextError.unknownEncoding(name: charset)
        default: throw TextError.icu(operation: "conversion from \(charset)", message: string(err))
        }
    }

    /// Encodes text in `charset` (e.g. to make GB18030 or Big5 test files); fails on characters the
    /// charset cannot represent.
    public static func encode(_ text: String, as charset: String) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        let utf8 = Array(text.utf8)
        try call("conversion to \(charset)") { err, cap in
            utf8.withUnsafeBufferPointer { yicu_from_utf8(charset, $0.baseAddress, Int32($0.count), &out, &length, err, cap) }
        }
        guard let out else { return [] }
        defer { yicu_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }
}
