import Evaluate
import Foundation

/// The names a run settled on (`NameRenderings`) as a glossary TSV that `Glossary.read` and
/// `--glossary` take, and how they combine with a user's glossary.
public enum NameGlossary {
    public static let header = "# Names Yanfu settled on while translating (source<TAB>rendering); edit and pass with --glossary to fix them."

    /// The file's text: the header line, then one `source<TAB>target` line per entry. Entries the
    /// format cannot hold (a tab or line break inside, a source starting with `#`, which would read
    /// as a comment) and repeated sources (the first is kept) are left out.
    public static func text(_ entries: [GlossaryEntry]) -> String {
        var seen = Set<String>()
        var lines = [header]
        for e in entries {
            let s = e.source.trimmingCharacters(in: .whitespaces), t = e.target.trimmingCharacters(in: .whitespaces)
            guard !s.isEmpty, !t.isEmpty, !s.hasPrefix("#"), !(s + t).contains(where: { $0 == "\t" || $0.isNewline }),
                  seen.insert(s).inserted else { continue }
            lines.append(s + "\t" + t)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `text(entries)` atomically. With no entries the file holds only the header, which
    /// `Glossary.parse` reads as empty and `Glossary.read` refuses (a file given on purpose).
    public static func write(_ entries: [GlossaryEntry], to file: String) throws {
        try RunFolder.writeAtomically(text(entries), to: file)
    }

    /// The user's entries, then the automatic ones the user has not decided: an automatic entry is
    /// dropped when a user entry has the same source, or when one source holds the other and the
    /// English disagrees: against a user's 寶玉 → "Baoyu", an automatic 賈寶玉 → "Jia Baoyu" stays
    /// but "Chia Pao-yü" goes; against a user's 賈寶玉 → "Jia Baoyu", 寶玉 → "Baoyu" stays.
    public static func merged(user: [GlossaryEntry], automatic: [GlossaryEntry]) -> [GlossaryEntry] {
        func words(_ s: String) -> Set<Substring> { Set(s.lowercased().split(separator: " ")) }
        func overridden(_ a: GlossaryEntry, by u: GlossaryEntry) -> Bool {
            if u.source == a.source { return true }
            if u.source.contains(a.source) { return !words(a.target).isSubset(of: words(u.target)) }
            if a.source.contains(u.source) { return !words(u.target).isSubset(of: words(a.target)) }
            return false
        }
        return user + automatic.filter { a in !user.contains { overridden(a, by: $0) } }
    }
}
