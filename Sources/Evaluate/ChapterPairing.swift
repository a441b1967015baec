import Text

/// Runs and references paired chapter by chapter: only chapters every side has, and every run has
/// finished and translated (not taken from `translate --reference`), are scored (a run's chapter
/// 0, the title before the first heading, drops out unless the reference has one too), and the
/// others are reported. Documents are a chapter's units joined
/// by one space (d-BLEU).
public struct ChapterPairing: Sendable {
    public var runs: [ChapteredText]
    public var references: [ChapteredText]
    /// Shared chapter numbers, in the first run's order.
    public var chapters: [Int]
    /// Per side, the chapters it has that are not scored, and why.
    public var skipped: [(origin: String, chapters: [Int], reason: String)]
    /// Why units and reference lines are not aligned (so only document-level scores make sense);
    /// nil when every shared chapter has as many units in every run as lines in every reference.
    public var sentenceLevelUnavailable: String?

    public init(runs: [ChapteredText], references: [ChapteredText]) throws {
        precondition(!runs.isEmpty && !references.isEmpty, "pairing needs a run and a reference")
        self.runs = runs
        self.references = references
        let sides = runs + references
        let unfinished = Set(runs.flatMap(\.unfinished)), given = Set(runs.flatMap(\.given))
        // Run records carry the heading's number only, so the keys have no volume.
        chapters = ChapterMatch(sides.map { $0.order.map { ChapterKey(number: $0) } }).shared.map(\.number)
            .filter { !unfinished.contains($0) && !given.contains($0) }
        guard !chapters.isEmpty else {
            let listed = sides.map { side in
                "\(side.origin) has \(Self.list(side.order))" + (side.unfinished.isEmpty ? "" : " (unfinished: \(Self.list(side.unfinished)))")
                    + (side.given.isEmpty ? "" : " (from --reference: \(Self.list(side.given)))")
            }.joined(separator: "; ")
            throw EvaluateError.invalidArgument("no chapter in common: \(listed); expected the reference to cover "
                + "finished chapters of the runs")
        }
        let shared = Set(chapters)
        skipped = sides.flatMap { side in
            let out = side.order.filter { !shared.contains($0) }
            let own = Set(side.unfinished), ownGiven = Set(side.given)
            return [(out.filter(ownGiven.contains), "given to translate as reference English (--reference), not translated"),
                    (out.filter { !ownGiven.contains($0) && own.contains($0) }, "unfinished in this run: translate stopped inside it or is still running"),
                    (out.filter { !ownGiven.contains($0) && !own.contains($0) && given.contains($0) }, "taken from --reference by a run"),
                    (out.filter { !ownGiven.contains($0) && !own.contains($0) && !given.contains($0) && unfinished.contains($0) }, "unfinished in another run"),
                    (out.filter { !unfinished.contains($0) && !given.contains($0) }, "not in every run and reference")]
                .filter { !$0.0.isEmpty }.map { (side.origin, $0.0, $0.1) }
        }
        sentenceLevelUnavailable = Self.sentenceAlignment(runs: runs, references: references, chapters: chapters)
    }

    public var isSentenceAligned: Bool { sentenceLevelUnavailable == nil }

    /// The sides' decoder warnings, then one line per side with chapters left out.
    public var warnings: [String] {
        (runs + references).flatMap(\.warnings) + skipped.map { "\($0.origin): \($0.chapters.count == 1 ? "chapter" : "chapters") \(Self.list($0.chapters)) "
            + "\($0.reason), left out" }
    }

    /// The side's shared chapters as documents, each its units joined by one space.
    public func documents(_ side: ChapteredText) -> [String] {
        chapters.map { side.chapters[$0]!.joined(separator: " ") }
    }

    /// The side's units over the shared chapters, in order.
    public func units(_ side: ChapteredText) -> [String] {
        chapters.flatMap { side.chapters[$0]! }
    }

    /// Documents as a `SegmentSet` whose document ids are the chapter numbers.
    public func documentSet(_ side: ChapteredText) -> SegmentSet {
        SegmentSet(segments: documents(side), documentIDs: chapters.map(String.init), origin: side.origin)
    }

    /// Units as a `SegmentSet` with the chapters as documents (only meaningful when sentence-aligned).
    public func unitSet(_ side: ChapteredText) -> SegmentSet {
        SegmentSet(segments: units(side), documentIDs: chapters.flatMap { c in side.chapters[c]!.map { _ in String(c) } },
                   origin: side.origin)
    }

    static func sentenceAlignment(runs: [ChapteredText], references: [ChapteredText], chapters: [Int]) -> String? {
        if let book = references.first(where: { !$0.isLineAligned }) {
            return "\(book.origin) is a book, whose sentences come from a sentence splitter and are not aligned "
                + "with the runs' units"
        }
        for c in chapters {
            let counts = (runs + references).map { ($0.origin, $0.chapters[c]!.count) }
            if Set(counts.map(\.1)).count > 1 {
                return "chapter \(c) has " + counts.map { "\($0.1) units in \($0.0)" }.joined(separator: ", ")
            }
        }
        return nil
    }

    /// "0", "0 and 5", "1, 2 and 5"; long lists as ranges ("1–30").
    static func list(_ numbers: [Int]) -> String {
        var parts = [String]()
        var i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
            parts.append(j - i >= 2 ? "\(numbers[i])–\(numbers[j])" : (i...j).map { String(numbers[$0]) }.joined(separator: ", "))
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
