import Foundation

/// A Chinese→English word list (CC-CEDICT's format) reduced to what sentence alignment needs: each
/// headword of two or more characters, traditional and simplified alike, maps to the content words
/// of its glosses (lowercased, stop words removed, crudely stemmed by `AnchorWords.key`).
public struct BilingualDictionary: Sendable {
    /// Headword → indices into `words`.
    public private(set) var entries: [String: [Int32]] = [:]
    /// Gloss word keys, and their index.
    public private(set) var words: [String] = []
    public private(set) var wordIndex: [String: Int32] = [:]
    /// Longest headword, in Unicode scalars (bounds the substring search).
    public private(set) var maxHeadwordLength = 0

    public init() {}

    /// Reads a CC-CEDICT file: plain UTF-8 text, or gzip (`.gz`, or gzip magic bytes), which is
    /// decompressed by running `gzip -dc` rather than linking zlib.
    public static func read(file: String) throws -> BilingualDictionary {
        var bytes = try FileIO.readBytes(file)
        if bytes.starts(with: [0x1F, 0x8B]) { bytes = try gunzip(file: file) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TextError.invalidBytes(file: file, encoding: "UTF-8", offset: bytes.withUnsafeBufferPointer { UTF8Check.firstInvalidOffset($0) } ?? 0, line: 0)
        }
        return try parse(text, file: file)
    }

    /// Parses `traditional simplified [pin1 yin1] /gloss/gloss/` lines; `#` lines are comments.
    public static func parse(_ text: String, file: String = "<dictionary>") throws -> BilingualDictionary {
        var dictionary = BilingualDictionary()
        var count = 0
        for (i, raw) in Lines.split(text).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : Substring(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let slash = line.firstIndex(of: "/"), line.last == "/" else {
                throw TextError.malformed(file: file, line: i + 1, expected: "a CC-CEDICT entry `traditional simplified [pinyin] /gloss/`",
                                          found: String(line.prefix(60)))
            }
            count += 1
            let glossWords = Self.glossWords(line[line.index(after: slash)...])
            guard !glossWords.isEmpty else { continue }
            let ids = glossWords.map { dictionary.intern($0) }
            for headword in Set([String(parts[0]), String(parts[1])]) {
                let length = headword.unicodeScalars.count
                guard length >= 2, headword.unicodeScalars.contains(where: Script.isHan) else { continue }
                let merged = Set((dictionary.entries[headword] ?? []) + ids)
                dictionary.entries[headword] = merged.sorted()
                dictionary.maxHeadwordLength = max(dictionary.maxHeadwordLength, length)
            }
        }
        if count == 0 {
            throw TextError.malformed(file: file, line: 1, expected: "CC-CEDICT entries", found: "no entries")
        }
        return dictionary
    }

    private mutating func intern(_ word: String) -> Int32 {
        if let id = wordIndex[word] { return id }
        let id = Int32(words.count)
        words.append(word)
        wordIndex[word] = id
        return id
    }

    /// Content words of the glosses. Only the part of a gloss before its first comma or semicolon
    /// counts ("Tokyo, capital of Japan" → tokyo): the rest explains and would add false anchors.
    /// Cross-references, classifiers and variant notes are skipped.
    static func glossWords(_ glosses: Substring) -> [String] {
        var out: [String] = []
        for gloss in glosses.split(separator: "/") {
            let g = gloss.trimmingCharacters(in: .whitespaces)
            let lower = g.lowercased()
            if ["cl:", "variant of", "old variant", "see ", "surname", "abbr. for", "used in", "erhua variant", "japanese variant", "also written"]
                .contains(where: { lower.hasPrefix($0) }) { continue }
            var text = ""
            var depth = 0
            for ch in g {
                if ch == "(" { depth += 1 } else if ch == ")" { depth = max(0, depth - 1) } else if depth == 0 { text.append(ch) }
            }
            let head = text.split(whereSeparator: { $0 == "," || $0 == ";" }).first ?? ""
            out += AnchorWords.contentWords(head)
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Longest headword looked for in a text: longer ones are set phrases that add nothing.
    static let searchLength = 8

    /// Gloss word ids of every headword found in `text` (all substrings of 2…8 characters that
    /// start with a Han character and contain no space or punctuation).
    public func glossWordIDs(in text: String) -> Set<Int32> {
        guard !entries.isEmpty else { return [] }
        let scalars = Array(text.unicodeScalars)
        let longest = min(maxHeadwordLength, Self.searchLength)
        var found = Set<Int32>()
        for i in scalars.indices where Script.isHan(scalars[i]) {
            var key = String.UnicodeScalarView()
            key.append(scalars[i])
            var end = i + 1
            while end < scalars.count, end - i < longest, Script.isWordLike(scalars[end]) {
                key.append(scalars[end])
                end += 1
                if let ids = entries[String(key)] { found.formUnion(ids) }
            }
        }
        return found
    }

    /// Runs `gzip -dc` on the file: no zlib in the package, and gzip is on every system we run on.
    static func gunzip(file: String) throws -> [UInt8] {
        guard let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TextError.unreadable(file: file, reason: "it is gzip-compressed and no gzip program was found; decompress it first")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", file]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw TextError.unreadable(file: file, reason: "cannot run \(gzip): \(error.localizedDescription)")
        }
        // Read before waiting: a full pipe would otherwise block gzip forever.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TextError.unreadable(file: file, reason: "gzip -dc failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return [UInt8](data)
    }
}
