import CICU

/// Normalization on request: Unicode forms and Traditional↔Simplified conversion (ICU).
public enum Normalizer {
    public enum Form: Int32, Sendable { case nfc = 0, nfkc = 1, nfd = 2, nfkd = 3 }

    public static func normalize(_ text: String, form: Form) throws -> String {
        var text = text
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        try text.withUTF8 { buffer in
            try ICU.call("normalization") { err, cap in
                yicu_normalize_utf8(form.rawValue, buffer.baseAddress, Int32(buffer.count), &out, &length, err, cap)
            }
        }
        return ICU.adopt(out, length)
    }

    /// Traditional → Simplified characters.
    public static func simplify(_ text: String) throws -> String { try transliterate(text, id: "Traditional-Simplified") }

    /// Simplified → Traditional characters.
    public static func traditionalize(_ text: String) throws -> String { try transliterate(text, id: "Simplified-Traditional") }

    /// Any ICU transform by id.
    public static func transliterate(_ text: String, id: String) throws -> String {
        var handle: OpaquePointer?
        try ICU.call("transliterator \(id)") { err, cap in yicu_translit_open(id, &handle, err, cap) }
        defer { yicu_translit_close(handle) }
        var text = text
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        try text.withUTF8 { buffer in
            try ICU.call("transliteration \(id)") { err, cap in
                yicu_translit_utf8(handle, buffer.baseAddress, Int32(buffer.count), &out, &length, err, cap)
            }
        }
        return ICU.adopt(out, length)
    }
}
