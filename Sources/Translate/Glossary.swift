import Foundation
import Text

/// One glossary line: a source term and the translation it must get.
public struct GlossaryEntry: Sendable, Equatable, Codable {
    public var source: String
    public var target: String
    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }
}

/// A term list read from a TSV file (`source<TAB>target`, one a line; blank lines and lines
/// starting with `#` are skipped).
public struct Glossary: Sendable, Equatable {
    public var entries: [GlossaryEntry]

    public init(entries: [GlossaryEntry]) { self.entries = entries }

    public static func read(file: String) throws -> Glossary {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw TranslateError.badInput(file: file, reason: "cannot read the glossary (missing or unreadable)")
        }
        // Any encoding a book may have, byte-order mark removed (else the first term never matches).
        return try parse(TextDecoder.read(file: file).text, file: file)
    }

    public static func parse(_ text: String, file: String = "<glossary>") throws -> Glossary {
        var entries: [GlossaryEntry] = []
        var seen = Set<String>()
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw TranslateError.badInput(file: file, reason: "line \(i + 1): expected `source<TAB>target` (2 tab-separated fields), found \(fields.count)")
            }
            let s = fields[0].trimmingCharacters(in: .whitespaces), t = fields[1].trimmingCharacters(in: .whitespaces)
            guard !s.isEmpty, !t.isEmpty else {
                throw TranslateError.badInput(file: file, reason: "line \(i + 1): expected a non-empty source and target")
            }
            guard seen.insert(s).inserted else {
                throw TranslateError.badInput(file: file, reason: "line \(i + 1): source term \"\(s)\" is listed twice")
            }
            entries.append(GlossaryEntry(source: s, target: t))
        }
        return Glossary(entries: entries)
    }

    /// The entries whose source occurs in `text`, longest first (so 陈远山 is shown before 远山).
    public func matches(in text: String) -> [GlossaryEntry] {
        entries.filter { text.contains($0.source) }
            .sorted { $0.source.count != $1.source.count ? $0.source.count > $1.source.count : $0.source < $1.source }
    }
}

/// How often each term's target appears in the translation of the units whose source holds it.
public struct GlossaryTally: Sendable, Equatable, Codable {
    public struct Term: Sendable, Equatable, Codable {
        public var source: String
        public var target: String
        /// Units whose source contains the term.
        public var units = 0
        /// Of those, units whose translation contains the target (case-insensitive).
        public var hits = 0
    }
    public var terms: [Term]

    public init(glossary: Glossary) {
        terms = glossary.entries.map { Term(source: $0.source, target: $0.target) }
    }

    public mutating func count(source: String, translation: String) {
        let lowered = translation.lowercased()
        for i in terms.indices where source.contains(terms[i].source) {
            terms[i].units += 1
            if lowered.contains(terms[i].target.lowercased()) { terms[i].hits += 1 }
        }
    }
}
