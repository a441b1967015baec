import Evaluate
import Foundation

/// What the run has learnt of the book from its own records, in book order: the output guard's
/// running statistics and the names it settled on (the automatic glossary). Built only from the
/// records before a unit, so a resume that adds the same records rebuilds the same memory and
/// prompts and decisions repeat exactly.
struct BookMemory {
    var outputGuard = OutputGuard()
    /// nil: no automatic glossary (--auto-glossary off, or a run from before it).
    var names: NameRenderings?

    /// Takes a unit's record, as segments.jsonl holds it. Headings say little of either; a
    /// flagged unit's English teaches no names.
    mutating func record(_ r: SegmentRecord) {
        guard !r.heading else { return }
        outputGuard.record(source: r.source, translation: r.translation, sound: r.flags == nil, given: r.reference == true)
        if r.flags == nil { names?.add(source: r.source, translation: r.translation) }
    }

    /// The user's glossary with the settled names it does not decide otherwise.
    func glossary(user: Glossary) -> Glossary {
        guard let names, !names.settled().isEmpty else { return user }
        return Glossary(entries: NameGlossary.merged(user: user.entries, automatic: names.settled()))
    }
}
