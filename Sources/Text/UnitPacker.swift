/// A piece of text to translate at once: consecutive whole sentences under a token budget, or a
/// part of one sentence that alone exceeds it.
public struct TranslationUnit: Sendable, Equatable {
    public var text: String
    /// Indices of the sentences it holds (exactly one when it is a part of a long sentence).
    public var sentences: Range<Int>
    /// For a sentence split across units: this part's position (0-based) and the number of parts.
    public var part: Int?
    public var parts: Int?
    /// The token count the counting function gave for `text`.
    public var tokens: Int
}

/// Packs sentences into translation units. The counting function is passed in so that Text does
/// not depend on any model or tokenizer.
public enum UnitPacker {
    /// Clause punctuation where an over-long sentence may be split (kept with the clause before).
    static let clauseMarks: Set<Unicode.Scalar> = ["，", "、", "；", "：", ",", ";", ":", "—", "…", "）", ")"]

    /// Packs `sentences` in order, never splitting one unless it alone exceeds `budget`.
    /// `separators[i]` joins sentence i-1 and i (default: a space between Latin text, nothing
    /// between CJK text).
    public static func pack(sentences: [String], budget: Int, separators: [String]? = nil,
                            count: (String) -> Int) -> [TranslationUnit] {
        precondition(budget > 0, "the token budget must be positive")
        var units: [TranslationUnit] = []
        var current: TranslationUnit?
        for (i, sentence) in sentences.enumerated() {
            if var unit = current {
                let separator = separators?[i] ?? defaultSeparator(unit.text, sentence)
                let candidate = unit.text + separator + sentence
                let tokens = count(candidate)
                if tokens <= budget {
                    unit.text = candidate
                    unit.sentences = unit.sentences.lowerBound..<(i + 1)
                    unit.tokens = tokens
                    current = unit
                    continue
                }
                units.append(unit)
                current = nil
            }
            let tokens = count(sentence)
            if tokens <= budget {
                current = TranslationUnit(text: sentence, sentences: i..<(i + 1), part: nil, parts: nil, tokens: tokens)
            } else {
                let pieces = splitLong(sentence, budget: budget, count: count)
                for (k, piece) in pieces.enumerated() {
                    units.append(TranslationUnit(text: piece, sentences: i..<(i + 1), part: k, parts: pieces.count, tokens: count(piece)))
                }
            }
        }
        if let unit = current { units.append(unit) }
        return units
    }

    /// Convenience for a chapter's sentences: sentences of different paragraphs are joined by a
    /// line break so the paragraphing survives translation.
    public static func pack(sentences: [Sentence], budget: Int, count: (String) -> Int) -> [TranslationUnit] {
        let texts = sentences.map(\.text)
        let separators = sentences.indices.map { i in
            i == 0 ? "" : sentences[i].paragraph != sentences[i - 1].paragraph ? "\n" : defaultSeparator(texts[i - 1], texts[i])
        }
        return pack(sentences: texts, budget: budget, separators: separators, count: count)
    }

    static func defaultSeparator(_ left: String, _ right: String) -> String {
        guard let l = left.unicodeScalars.last, let r = right.unicodeScalars.first else { return "" }
        return Script.isWide(l) || Script.isWide(r) ? "" : " "
    }

    /// Splits one sentence at clause punctuation, then hard (between characters) where a clause
    /// alone is still over budget; every piece fits the budget unless a single character does not.
    static func splitLong(_ sentence: String, budget: Int, count: (String) -> Int) -> [String] {
        var clauses: [String] = []
        var clause = ""
        for ch in sentence {
            clause.append(ch)
            if let s = ch.unicodeScalars.first, clauseMarks.contains(s) {
                clauses.append(clause)
                clause = ""
            }
        }
        if !clause.isEmpty { clauses.append(clause) }
        var pieces: [String] = []
        var current = ""
        for c in clauses {
            if !current.isEmpty, count(current + c) <= budget { current += c; continue }
            if !current.isEmpty { pieces.append(current); current = "" }
            if count(c) <= budget { current = c; continue }
            pieces.append(contentsOf: hardSplit(c, budget: budget, count: count))
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// The longest prefixes (in whole characters) that fit, found by binary search.
    static func hardSplit(_ text: String, budget: Int, count: (String) -> Int) -> [String] {
        var rest = Substring(text)
        var pieces: [String] = []
        while !rest.isEmpty {
            var lo = 1, hi = rest.count
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if count(String(rest.prefix(mid))) <= budget { lo = mid } else { hi = mid - 1 }
            }
            pieces.append(String(rest.prefix(lo)))
            rest = rest.dropFirst(lo)
        }
        return pieces
    }
}
