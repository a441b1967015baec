import Foundation

/// How to turn a file's bytes into text.
public struct DecodeOptions: Sendable, Equatable {
    /// An encoding name that overrides detection (any ICU converter name or alias).
    public var encoding: String?
    /// Replace invalid byte sequences with U+FFFD (counted in the warnings) instead of failing.
    public var lossy: Bool

    public init(encoding: String? = nil, lossy: Bool = false) {
        self.encoding = encoding
        self.lossy = lossy
    }
}

/// Decoded text, always with LF line endings and no byte-order mark.
public struct DecodedText: Sendable, Equatable {
    public var text: String
    /// Canonical name of the encoding used: UTF-8, UTF-16LE, UTF-16BE, GB18030, Big5, …
    public var encoding: String
    public var hadByteOrderMark: Bool
    /// Invalid sequences replaced by U+FFFD (lossy mode only).
    public var replacements: Int
    public var warnings: [String]
}

/// Bytes to text: byte-order marks, strict UTF-8, then the Chinese legacy encodings, scored.
public enum TextDecoder {
    public static func read(file: String, options: DecodeOptions = DecodeOptions()) throws -> DecodedText {
        try decode(FileIO.readBytes(file), file: file, options: options)
    }

    public static func decode(_ bytes: [UInt8], file: String = "<input>", options: DecodeOptions = DecodeOptions()) throws -> DecodedText {
        if bytes.isEmpty { throw TextError.empty(file: file) }
        // ICU takes 32-bit lengths; no novel comes near this.
        if bytes.count >= 1 << 30 {
            throw TextError.unreadable(file: file, reason: "\(bytes.count) bytes is more than the 1 GiB a book file may have")
        }
        var result: DecodedText
        if let forced = options.encoding {
            result = try decodeForced(bytes, file: file, name: forced, lossy: options.lossy)
        } else if let bom = ByteOrderMark(bytes) {
            result = try convert(bytes, file: file, charset: bom.charset, skip: bom.length, lossy: options.lossy)
            result.hadByteOrderMark = true
        } else if let utf16 = bomlessUTF16(bytes, file: file) {
            result = utf16
        } else {
            try rejectBinary(bytes, file: file)
            result = try detectAndDecode(bytes, file: file, lossy: options.lossy)
        }
        result.text = normalizeLineEndings(result.text)
        if result.text.unicodeScalars.first == "\u{FEFF}" { result.text.unicodeScalars.removeFirst() }
        try rejectBinaryText(result.text, file: file)
        if result.text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { throw TextError.empty(file: file) }
        if result.replacements > 0 {
            result.warnings.append("\(file): replaced \(result.replacements) invalid \(result.encoding) byte sequence(s) with U+FFFD")
        }
        return result
    }

    struct ByteOrderMark {
        var charset: String
        var length: Int
        init?(_ b: [UInt8]) {
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { charset = "UTF-8"; length = 3 }
            else if b.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 { charset = "UTF-32LE"; length = 4 }
            else if b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { charset = "UTF-32BE"; length = 4 }
            else if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { charset = "UTF-16LE"; length = 2 }
            else if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { charset = "UTF-16BE"; length = 2 }
            else if b.count >= 4, b[0] == 0x84, b[1] == 0x31, b[2] == 0x95, b[3] == 0x33 { charset = "GB18030"; length = 4 }
            else { return nil }
        }
    }

    static func decodeForced(_ bytes: [UInt8], file: String, name: String, lossy: Bool) throws -> DecodedText {
        guard var canonical = ICU.canonicalEncodingName(name) else { throw TextError.unknownEncoding(name: name) }
        // Report the usual names rather than ICU's table names (windows-950-2000 is Big5).
        for friendly in ["Big5", "GB18030", "GBK", "GB2312", "UTF-8", "UTF-16LE", "UTF-16BE"] where ICU.canonicalEncodingName(friendly) == canonical {
            canonical = friendly
            break
        }
        var charset = canonical, skip = 0
        if let bom = ByteOrderMark(bytes) {
            // "UTF-16" means "endianness from the BOM"; an explicit match just drops the BOM.
            if bom.charset == canonical || (["UTF-16", "UTF-32"].contains(canonical) && bom.charset.hasPrefix(canonical)) {
                charset = bom.charset
                skip = bom.length
            }
        }
        if !charset.hasPrefix("UTF-16") && !charset.hasPrefix("UTF-32") { try rejectBinary(bytes, file: file) }
        var result = try convert(bytes, file: file, charset: charset, skip: skip, lossy: lossy)
        result.hadByteOrderMark = skip > 0
        return result
    }

    /// Strict UTF-8 first; otherwise GB18030 vs Big5 decided by decoding both.
    static func detectAndDecode(_ bytes: [UInt8], file: String, lossy: Bool) throws -> DecodedText {
        guard let bad = UTF8Check.firstInvalidOffset(bytes) else {
            return DecodedText(text: String(decoding: bytes, as: UTF8.self), encoding: "UTF-8", hadByteOrderMark: false, replacements: 0, warnings: [])
        }
        // A mostly valid UTF-8 file with a few bad bytes is UTF-8, not a lucky GB18030 decoding.
        if LegacyScore.looksLikeBrokenUTF8(bytes) {
            if lossy { return try convert(bytes, file: file, charset: "UTF-8", skip: 0, lossy: true) }
            throw TextError.invalidBytes(file: file, encoding: "UTF-8", offset: bad, line: lineNumber(ofByte: bad, in: bytes))
        }
        let candidates = ["GB18030", "Big5"]
        var decoded: [(name: String, text: String, replacements: Int, score: Int)] = []
        var failures: [(name: String, offset: Int)] = []
        for name in candidates {
            switch try bytes.withUnsafeBufferPointer({ try ICU.toUTF8($0, charset: name, lossy: false) }) {
            case let .text(text, _): decoded.append((name, text, 0, LegacyScore.commonCharacters(text)))
            case let .invalid(offset): failures.append((name, offset))
            }
        }
        let someDecodedStrictly = !decoded.isEmpty
        if decoded.isEmpty {
            if !lossy {
                // Report the decoding that got furthest: most likely the file's real encoding.
                let best = failures.max { $0.offset < $1.offset }!
                if case let .text(text, _) = try bytes.withUnsafeBufferPointer({ try ICU.toUTF8($0, charset: best.name, lossy: true) }),
                   !LegacyScore.looksChinese(text, bytes: bytes) {
                    throw TextError.invalidBytes(file: file, encoding: "UTF-8", offset: bad, line: lineNumber(ofByte: bad, in: bytes))
                }
                throw TextError.invalidBytes(file: file, encoding: best.name, offset: best.offset, line: lineNumber(ofByte: best.offset, in: bytes))
            }
            for name in candidates {
                if case let .text(text, n) = try bytes.withUnsafeBufferPointer({ try ICU.toUTF8($0, charset: name, lossy: true) }) {
                    decoded.append((name, text, n, LegacyScore.commonCharacters(text) - 20 * n))
                }
            }
        }
        var best = decoded.max { $0.score < $1.score }!
        // One damaged byte makes a GB18030 book fail strictly while Big5 may still "decode" it
        // into nonsense: an encoding that reads far better despite its bad bytes is the real one.
        for failed in failures where someDecodedStrictly {
            guard case let .text(text, n) = try bytes.withUnsafeBufferPointer({ try ICU.toUTF8($0, charset: failed.name, lossy: true) }) else { continue }
            let score = LegacyScore.commonCharacters(text) - 20 * n
            guard score > 2 * max(best.score, 1), LegacyScore.looksChinese(text, bytes: bytes) else { continue }
            if !lossy {
                throw TextError.invalidBytes(file: file, encoding: failed.name, offset: failed.offset, line: lineNumber(ofByte: failed.offset, in: bytes))
            }
            best = (failed.name, text, n, score)
        }
        // A legacy decoding with almost no common Chinese characters is not the file's encoding:
        // it is English or other text with stray bytes (or in Windows-1252), read as UTF-8.
        if !LegacyScore.looksChinese(best.text, bytes: bytes) {
            if lossy { return try convert(bytes, file: file, charset: "UTF-8", skip: 0, lossy: true) }
            throw TextError.invalidBytes(file: file, encoding: "UTF-8", offset: bad, line: lineNumber(ofByte: bad, in: bytes))
        }
        return DecodedText(text: best.text, encoding: best.name, hadByteOrderMark: false, replacements: best.replacements, warnings: [])
    }

    static func convert(_ bytes: [UInt8], file: String, charset: String, skip: Int, lossy: Bool) throws -> DecodedText {
        if charset == "UTF-8" && !lossy {
            let body = Array(bytes[skip...])
            if let bad = UTF8Check.firstInvalidOffset(body) {
                throw TextError.invalidBytes(file: file, encoding: charset, offset: bad + skip, line: lineNumber(ofByte: bad + skip, in: bytes))
            }
            return DecodedText(text: String(decoding: body, as: UTF8.self), encoding: charset, hadByteOrderMark: skip > 0, replacements: 0, warnings: [])
        }
        let conversion = try bytes.withUnsafeBufferPointer { buffer in
            try ICU.toUTF8(UnsafeBufferPointer(rebasing: buffer[skip...]), charset: charset, lossy: lossy)
        }
        switch conversion {
        case let .text(text, replacements):
            return DecodedText(text: text, encoding: charset, hadByteOrderMark: skip > 0, replacements: replacements, warnings: [])
        case let .invalid(offset):
            let unit = charset.hasPrefix("UTF-16") ? 2 : 1
            let absolute = offset + skip
            throw TextError.invalidBytes(file: file, encoding: charset, offset: absolute,
                                         line: lineNumber(ofByte: absolute, in: bytes, unitSize: unit, bigEndian: charset == "UTF-16BE"))
        }
    }

    /// UTF-16 without a byte-order mark (Windows tools write it): it has NUL bytes, so it would be
    /// taken for a binary file. Both byte orders are decoded strictly; one whose text is mostly
    /// common Chinese characters and ASCII wins, if it clearly beats the other.
    static func bomlessUTF16(_ bytes: [UInt8], file: String) -> DecodedText? {
        guard bytes.count % 2 == 0, bytes.contains(0) else { return nil }
        func score(_ t: String) -> Int {
            LegacyScore.commonCharacters(t) + t.unicodeScalars.prefix(100_000).filter { $0.isASCII && ($0.value >= 0x20 || $0 == "\n") }.count
        }
        let decoded = ["UTF-16LE", "UTF-16BE"].compactMap { name -> (DecodedText, Int)? in
            guard let d = try? convert(bytes, file: file, charset: name, skip: 0, lossy: false) else { return nil }
            return (d, score(d.text))
        }.sorted { $0.1 > $1.1 }
        guard let best = decoded.first, best.1 * 2 >= min(best.0.text.unicodeScalars.count, 100_000),
              decoded.count == 1 || best.1 > 2 * decoded[1].1 else { return nil }
        var result = best.0
        result.warnings.append("\(file): no byte-order mark; read as \(result.encoding) (pass --encoding to choose)")
        return result
    }

    /// NUL bytes or many control bytes mean a binary file; reject it before producing garbage.
    static func rejectBinary(_ bytes: [UInt8], file: String) throws {
        if let nul = bytes.firstIndex(of: 0) {
            // Text in UTF-16 without a BOM has a zero in every other byte of its ASCII characters.
            let sample = bytes.prefix(4096)
            let evenZeros = stride(from: 0, to: sample.count, by: 2).filter { sample[$0] == 0 }.count
            let oddZeros = stride(from: 1, to: sample.count, by: 2).filter { sample[$0] == 0 }.count
            if max(evenZeros, oddZeros) * 4 >= sample.count / 2, min(evenZeros, oddZeros) * 10 <= max(evenZeros, oddZeros) {
                throw TextError.binary(file: file, offset: nul, reason: "NUL byte; it looks like UTF-16 without a byte-order mark, so pass --encoding \(oddZeros > evenZeros ? "UTF-16LE" : "UTF-16BE")")
            }
            throw TextError.binary(file: file, offset: nul, reason: "NUL byte")
        }
        let sample = bytes.prefix(65536)
        var controls = 0, first = -1
        for (i, b) in sample.enumerated() where b < 0x20 && !(0x09...0x0D).contains(b) && b != 0x1A && b != 0x1B {
            controls += 1
            if first < 0 { first = i }
        }
        if controls >= 4 && controls * 100 > sample.count {
            throw TextError.binary(file: file, offset: first, reason: "\(controls) control bytes in the first \(sample.count)")
        }
    }

    /// The same check after decoding, for UTF-16/32 files and forced encodings.
    static func rejectBinaryText(_ text: String, file: String) throws {
        var controls = 0, seen = 0
        for s in text.unicodeScalars.prefix(32768) {
            seen += 1
            if s.value == 0 { throw TextError.binary(file: file, offset: seen - 1, reason: "NUL character (offset in characters)") }
            if s.value < 0x20 && !(0x09...0x0D).contains(s.value) && s.value != 0x1A && s.value != 0x1B { controls += 1 }
        }
        if controls >= 4 && controls * 100 > seen {
            throw TextError.binary(file: file, offset: 0, reason: "\(controls) control characters in the first \(seen) characters")
        }
    }

    static func normalizeLineEndings(_ text: String) -> String {
        let hasCR = text.utf8.withContiguousStorageIfAvailable { $0.count > 0 && memchr($0.baseAddress!, 0x0D, $0.count) != nil } ?? text.utf8.contains(0x0D)
        guard hasCR else { return text }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var previousCR = false
        for b in text.utf8 {
            if b == 0x0D { out.append(0x0A); previousCR = true; continue }
            if b == 0x0A && previousCR { previousCR = false; continue }
            previousCR = false
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
