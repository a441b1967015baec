import Foundation
import Text

/// How consistently runs render names. With a glossary: per term and run, the units whose source
/// holds the term, the share whose translation holds the glossary's English, and the English
/// renderings the run actually used. Without one: the reference's most frequent proper names and
/// how often each run uses them.
public enum NameConsistency {
    /// The rule behind `Rendering`, for reports.
    public static let renderingRule = "A rendering of a term is a name (a run of capitalised words such as \"Chen Mo\" "
        + "or \"Pao-yu\"; function words such as \"The\" are dropped, and so is a sentence's first word unless the run "
        + "also capitalises it mid-sentence) found in the translations of at least 2 of the units whose source contains "
        + "the term, in a share of them more than twice its share among the run's other units. A name that shares a "
        + "word with another term's glossary English and none with this term's is left to that term, and a name that "
        + "qualifies for several terms goes to the term whose units contain it most often."

    public static let frequentNameRule = "Proper names are capitalised words that are not at the start of a sentence, "
        + "not all capitals and not common function words; the most frequent in the reference's scored chapters "
        + "are listed, and every count (reference and runs alike) is of such mid-sentence, case-sensitive occurrences."

    public struct Unit: Sendable, Equatable {
        public var source: String
        public var translation: String
        public init(source: String, translation: String) { self.source = source; self.translation = translation }
    }

    public struct Rendering: Sendable, Equatable {
        public var name: String
        /// Units of the term whose translation contains the name.
        public var units: Int
    }

    public struct TermInRun: Sendable, Equatable {
        /// Units whose source contains the term.
        public var units: Int
        /// Of those, units whose translation contains the glossary target (case-insensitive).
        public var withTarget: Int
        public var renderings: [Rendering]
        public var share: Double? { units == 0 ? nil : Double(withTarget) / Double(units) }
        /// The share of the units rendered the run's most frequent way: how consistent the run is
        /// with itself, whatever the glossary says.
        public var majorityShare: Double? { units == 0 ? nil : Double(renderings.map(\.units).max() ?? 0) / Double(units) }
    }

    /// Per run: the mean over the terms it has units of, of the glossary's share and of the
    /// majority share (nil without such terms).
    public static func means(_ terms: [Term], runs: Int) -> [(glossary: Double, majority: Double)?] {
        (0..<runs).map { k in
            let used = terms.map { $0.runs[k] }.filter { $0.units > 0 }
            guard !used.isEmpty else { return nil }
            let n = Double(used.count)
            return (used.reduce(0) { $0 + $1.share! } / n, used.reduce(0) { $0 + $1.majorityShare! } / n)
        }
    }

    public struct Term: Sendable, Equatable {
        public var source: String
        public var target: String
        /// One per run.
        public var runs: [TermInRun]
    }

    public struct FrequentName: Sendable, Equatable {
        public var name: String
        public var reference: Int
        /// One per run.
        public var runs: [Int]
    }

    /// Glossary terms in every run (`runs[r]` = that run's units).
    public static func glossary(_ terms: [GlossaryEntry], runs: [[Unit]]) -> [Term] {
        var perRun = [[TermInRun]]()  // [run][term]
        let targetWords = terms.map { Set($0.target.split(separator: " ").map(String.init).filter { !stopWords.contains($0) }) }
        for units in runs {
            let midSentence = Set(units.flatMap { words(in: $0.translation) }.filter { $0.isName && !$0.atSentenceStart }.map(\.text))
            let names = units.map { Set(properNameRuns(in: $0.translation, midSentence: midSentence)) }
            let members = terms.map { t in Set(units.indices.filter { units[$0].source.contains(t.source) }) }
            // Candidate renderings per term, then each name kept for the term it co-occurs with most.
            var candidates = [[String: Int]](repeating: [:], count: terms.count)
            for (k, set) in members.enumerated() where !set.isEmpty {
                var inside = [String: Int](), outside = [String: Int]()
                for i in units.indices {
                    for n in names[i] { if set.contains(i) { inside[n, default: 0] += 1 } else { outside[n, default: 0] += 1 } }
                }
                let others = units.count - set.count
                for (n, count) in inside where count >= 2 {
                    let shareIn = Double(count) / Double(set.count)
                    let shareOut = others == 0 ? 0 : Double(outside[n] ?? 0) / Double(others)
                    if shareIn > 2 * shareOut { candidates[k][n] = count }
                }
            }
            // A name sharing a word with another term's English but none with this term's belongs to the other.
            for k in terms.indices {
                let own = targetWords[k]
                candidates[k] = candidates[k].filter { n, _ in
                    let w = Set(n.split(separator: " ").map(String.init))
                    return !w.isDisjoint(with: own) || !terms.indices.contains { $0 != k && !w.isDisjoint(with: targetWords[$0]) }
                }
            }
            var best = [String: Int]()
            for c in candidates { for (n, count) in c { best[n] = max(best[n] ?? 0, count) } }
            perRun.append(terms.indices.map { k in
                let target = terms[k].target.lowercased()
                let withTarget = members[k].filter { units[$0].translation.lowercased().contains(target) }.count
                let renderings = candidates[k].filter { best[$0.key] == $0.value }
                    .map { Rendering(name: $0.key, units: $0.value) }
                    .sorted { ($0.units, $1.name) > ($1.units, $0.name) }
                return TermInRun(units: members[k].count, withTarget: withTarget, renderings: renderings)
            })
        }
        return terms.indices.map { k in Term(source: terms[k].source, target: terms[k].target, runs: perRun.map { $0[k] }) }
    }

    /// The reference's `limit` most frequent proper names, counted in the reference and in each run.
    public static func frequentNames(reference: [String], runs: [[String]], limit: Int = 15) -> [FrequentName] {
        var counts = [String: Int]()
        for text in reference {
            for w in words(in: text) where w.isName && !w.atSentenceStart { counts[w.text, default: 0] += 1 }
        }
        let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(limit).map(\.key)
        let inRuns = runs.map { texts in
            var c = [String: Int]()
            for text in texts { for w in words(in: text) where w.capitalised && !w.atSentenceStart { c[w.text, default: 0] += 1 } }
            return c
        }
        return top.map { n in FrequentName(name: n, reference: counts[n] ?? 0, runs: inRuns.map { $0[n] ?? 0 }) }
    }
}

extension NameConsistency {
    /// A word of English as the name rules see it (`words(in:)`); public so that the names a run
    /// settles on (Translate's `NameRenderings`) follow the rule this report measures them by.
    public struct Word: Sendable, Equatable {
        public var text: String
        public var capitalised: Bool
        public var atSentenceStart: Bool
        /// Only spaces separate it from the next word (so the two can form one name).
        public var joinsNext: Bool

        /// A capitalised word that is not a function word or all capitals ("CHAPTER", "II").
        public var isName: Bool {
            capitalised && !NameConsistency.stopWords.contains(text)
                && !(text.count > 1 && text.allSatisfy { !$0.isLetter || $0.isUppercase })
        }
    }

    /// Capitalised words of English that are seldom names: sentence openers, pronouns, titles.
    public static let stopWords: Set<String> = [
        "A", "An", "The", "And", "But", "Or", "So", "Then", "If", "When", "While", "As", "After", "Before", "Since",
        "Though", "Although", "Because", "Yet", "Still", "Now", "Just", "Even", "Only", "Also", "Here", "There",
        "This", "That", "These", "Those", "It", "Its", "I", "Me", "My", "We", "Our", "Us", "You", "Your", "He", "Him",
        "His", "She", "Her", "They", "Them", "Their", "What", "Where", "Who", "Whom", "Whose", "Why", "How", "Which",
        "Yes", "No", "Not", "Oh", "O", "Ah", "Well", "Please", "All", "Every", "Each", "One", "Some", "Any", "In",
        "On", "At", "To", "Of", "For", "From", "With", "By", "Into", "Up", "Down", "Out", "Over", "Under", "Chapter",
        "Mr", "Mrs", "Ms", "Miss", "Sir", "Madam", "Let", "Do", "Don't", "Did", "Is", "Are", "Was", "Were", "Be",
        "Have", "Has", "Had", "Will", "Would", "Can", "Could", "Shall", "Should", "May", "Might", "Must",
        "I'm", "I've", "I'll", "I'd", "It's", "That's", "There's", "Let's", "Come", "Go", "Look",
    ]

    /// Names in a translation: maximal runs of capitalised words joined by single spaces, with
    /// function words dropped ("The White Egret" → "White Egret"; "He" → nothing). A sentence's first
    /// word counts only if it is in `midSentence` (capitalised mid-sentence somewhere), which keeps
    /// "Thank you" out but "Chen Mo said" in.
    static func properNameRuns(in text: String, midSentence: Set<String>) -> [String] {
        var out = [String](), current = [String]()
        func flush() {
            if !current.isEmpty { out.append(current.joined(separator: " ")) }
            current = []
        }
        for w in words(in: text) {
            if (w.isName && (!w.atSentenceStart || midSentence.contains(w.text)))
                || (w.capitalised && !current.isEmpty && !stopWords.contains(w.text)) {
                current.append(w.text)
            } else {
                flush()
            }
            if !w.joinsNext { flush() }
        }
        flush()
        return out
    }

    /// Words (letters with inner apostrophes and hyphens: "Ts'un", "Pao-yu"), possessive 's removed,
    /// each marked capitalised or not and at the start of a sentence or not.
    public static func words(in text: String) -> [Word] {
        let chars = Array(text)
        var out = [Word]()
        var i = 0
        while i < chars.count {
            guard chars[i].isLetter else { i += 1; continue }
            let start = i
            while i < chars.count {
                if chars[i].isLetter { i += 1; continue }
                if isInnerJoiner(chars[i]), i + 1 < chars.count, chars[i + 1].isLetter { i += 1; continue }
                break
            }
            var word = String(chars[start..<i])
            for suffix in ["'s", "’s"] where word.hasSuffix(suffix) && word.count > 2 { word.removeLast(2) }
            var j = i, onlySpaces = true
            while j < chars.count && !chars[j].isLetter {
                if chars[j] != " " { onlySpaces = false }
                j += 1
            }
            out.append(Word(text: word, capitalised: chars[start].isUppercase,
                            atSentenceStart: sentenceStarts(before: start, in: chars), joinsNext: onlySpaces && j > i))
        }
        return out
    }

    static func isInnerJoiner(_ c: Character) -> Bool { c == "-" || c == "'" || c == "’" }

    /// Whether the word at `index` opens a sentence: nothing but spaces before it, or a sentence end
    /// (. ! ? : …), or an opening quote or bracket. A straight quote opens when a space or the start
    /// precedes it, and closes otherwise (then the character before it decides).
    static func sentenceStarts(before index: Int, in chars: [Character]) -> Bool {
        var k = index - 1
        while k >= 0 && chars[k].isWhitespace { k -= 1 }
        guard k >= 0 else { return true }
        let c = chars[k]
        if ".!?:…;".contains(c) { return true }
        if "“‘([".contains(c) { return true }
        if c == "\"" || c == "'" || c == "”" || c == "’" {
            if c == "\"" || c == "'" {
                if k == 0 || chars[k - 1].isWhitespace { return true }
            }
            return k > 0 && ".!?…".contains(chars[k - 1])
        }
        return false
    }
}
