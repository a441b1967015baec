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

/// A term list: the glossary TSV that `translate --glossary` shows in prompts and `compare
/// --glossary` counts in runs (`source<TAB>target`, one a line, fields trimmed; blank lines and
/// lines starting with `#` are skipped; a source listed twice, or a file without entries, is an error).
public struct Glossary: Sendable, Equatable {
    public var entries: [GlossaryEntry]

    public init(entries: [GlossaryEntry]) { self.entries = entries }

    public static func read(file: String) throws -> Glossary {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw EvaluateError.invalidArgument("\(file): cannot read the glossary (missing or unreadable)")
        }
        // Any encoding a book may have, byte-order mark removed (else the first term never matches).
        let glossary = try parse(TextDecoder.read(file: file).text, file: file)
        // A file given on purpose with nothing in it is a mistake (a wrong file, a lost edit).
        guard !glossary.entries.isEmpty else {
            throw EvaluateError.invalidArgument("\(file): no glossary entries; expected `source<TAB>target` lines")
        }
        return glossary
    }

    public static func parse(_ text: String, file: String = "<glossary>") throws -> Glossary {
        var entries: [GlossaryEntry] = []
        var seen = Set<String>()
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw EvaluateError.invalidArgument("\(file): line \(i + 1): expected `source<TAB>target` (2 tab-separated fields), found \(fields.count)")
            }
            let s = fields[0].trimmingCharacters(in: .whitespaces), t = fields[1].trimmingCharacters(in: .whitespaces)
            guard !s.isEmpty, !t.isEmpty else {
                throw EvaluateError.invalidArgument("\(file): line \(i + 1): expected a non-empty source and target")
            }
            guard seen.insert(s).inserted else {
                throw EvaluateError.invalidArgument("\(file): line \(i + 1): source term \"\(s)\" is listed twice")
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
