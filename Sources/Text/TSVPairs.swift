/// Sentence pairs in tab-separated lines, such as Tatoeba's `english<TAB>chinese<TAB>attribution`.
public struct TSVPairs: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var source: String
        public var target: String
        /// The other columns (Tatoeba's attribution must travel with the pair).
        public var extra: [String]
        /// 1-based line in the file.
        public var line: Int

        public init(source: String, target: String, extra: [String] = [], line: Int = 0) {
            self.source = source; self.target = target; self.extra = extra; self.line = line
        }
    }

    public var pairs: [Pair]

    public init(pairs: [Pair]) { self.pairs = pairs }

    /// Reads a TSV file; columns are 0-based. Blank lines are skipped, and with `comments` also
    /// lines starting with `#` (glossaries).
    public static func read(file: String, sourceColumn: Int = 0, targetColumn: Int = 1, comments: Bool = false,
                            options: DecodeOptions = DecodeOptions()) throws -> TSVPairs {
        try parse(TextDecoder.read(file: file, options: options).text, file: file, sourceColumn: sourceColumn,
                  targetColumn: targetColumn, comments: comments)
    }

    /// Tatoeba's cmn.txt read for Chinese→English: source = column 1, target = column 0.
    public static func tatoeba(file: String) throws -> TSVPairs {
        try read(file: file, sourceColumn: 1, targetColumn: 0)
    }

    public static func parse(_ text: String, file: String = "<input>", sourceColumn: Int = 0, targetColumn: Int = 1,
                             comments: Bool = false) throws -> TSVPairs {
        precondition(sourceColumn >= 0 && targetColumn >= 0, "TSV columns are counted from 0")
        let needed = max(sourceColumn, targetColumn) + 1
        var pairs: [Pair] = []
        for (i, line) in Lines.split(text).enumerated() where !line.isEmpty && !(comments && line.hasPrefix("#")) {
            let fields = line.utf8.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count >= needed else {
                throw TextError.malformed(file: file, line: i + 1, expected: "at least \(needed) tab-separated fields",
                                          found: "\(fields.count) field(s): \(line.prefix(40))")
            }
            let extra = fields.indices.filter { $0 != sourceColumn && $0 != targetColumn }.map { fields[$0] }
            pairs.append(Pair(source: fields[sourceColumn], target: fields[targetColumn], extra: extra, line: i + 1))
        }
        return TSVPairs(pairs: pairs)
    }

    /// `source<TAB>target[<TAB>extra…]` lines, written atomically.
    public func write(file: String) throws {
        if let bad = pairs.first(where: { ([$0.source, $0.target] + $0.extra).contains { $0.contains("\t") || $0.contains("\n") || $0.contains("\r") } }) {
            throw TextError.unwritable(file: file, reason: "a field of the pair from line \(bad.line) contains a tab or line break; nothing was replaced")
        }
        let text = pairs.map { ([$0.source, $0.target] + $0.extra).joined(separator: "\t") + "\n" }.joined()
        try FileIO.writeAtomically([(file, text)])
    }
}
