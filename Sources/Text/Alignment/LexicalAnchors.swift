import Foundation

/// Lexical anchors: things a sentence and its translation both contain. Numbers (Arabic digits,
/// Chinese numerals, English number words) and, with a dictionary, Chinese words whose English
/// glosses occur in the English sentence. Each anchor is an integer key; a bead's sides share an
/// anchor when the same key occurs on both.
public struct AnchorExtractor: Sendable {
    public var dictionary: BilingualDictionary?

    public init(dictionary: BilingualDictionary? = nil) { self.dictionary = dictionary }

    // Keys: dictionary words are their index (≥ 0); numbers are −1 − value.
    static func numberKey(_ value: Int) -> Int { -1 - value }

    /// Anchors of a Chinese sentence, sorted.
    public func chinese(_ text: String) -> [Int] {
        var keys = Set(AnchorNumbers.chinese(text).map(Self.numberKey))
        if let dictionary {
            keys.formUnion(dictionary.glossWordIDs(in: text).map(Int.init))
            // Latin words written inside the Chinese text (names, "DNA") match themselves.
            for word in AnchorWords.contentWords(Substring(text)) {
                if let id = dictionary.wordIndex[word] { keys.insert(Int(id)) }
            }
        }
        return keys.sorted()
    }

    /// Anchors of an English sentence, sorted.
    public func english(_ text: String) -> [Int] {
        var keys = Set(AnchorNumbers.english(text).map(Self.numberKey))
        if let dictionary {
            for word in AnchorWords.contentWords(Substring(text)) {
                if let id = dictionary.wordIndex[word] { keys.insert(Int(id)) }
            }
        }
        return keys.sorted()
    }
}

/// English words as anchor keys: lowercased, stop words dropped, and a crude suffix stemmer so that
/// a gloss's "prescribe" meets the text's "prescribed".
public enum AnchorWords {
    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto",
        "up", "down", "out", "off", "over", "under", "about", "as", "than", "then", "so", "too", "very", "not", "no", "yes",
        "be", "is", "are", "was", "were", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had",
        "will", "would", "shall", "should", "can", "could", "may", "might", "must", "it", "its", "this", "that", "these",
        "those", "there", "here", "he", "she", "him", "her", "his", "hers", "they", "them", "their", "we", "us", "our",
        "you", "your", "i", "me", "my", "mine", "who", "whom", "whose", "which", "what", "when", "where", "why", "how",
        "all", "any", "some", "each", "every", "other", "such", "own", "same", "only", "just", "also", "even", "more",
        "most", "much", "many", "one", "one's", "oneself", "sb", "sth", "sb's", "etc", "lit", "fig", "esp", "e.g", "i.e",
        "something", "someone", "somebody", "thing", "things", "person", "people", "make", "made", "get", "got", "give",
        "take", "go", "come", "let", "put", "used", "use", "kind", "sort", "way", "like", "well", "if", "because", "while",
        "again", "still", "now", "said", "say", "says", "tell", "told", "see", "seen", "know", "knew", "good", "great",
    ]

    /// The letters-only words of a text as keys (stop words removed).
    public static func contentWords(_ text: Substring) -> [String] {
        var out: [String] = []
        var word = ""
        func flush() {
            if word.count >= 2 {
                let lower = word.lowercased()
                if !stopWords.contains(lower) { out.append(key(lower)) }
            }
            word = ""
        }
        for s in text.unicodeScalars {
            if s.value < 0x2E80, s.properties.isAlphabetic { word.unicodeScalars.append(s) } else { flush() }
        }
        flush()
        return out
    }

    /// A lowercased word reduced by a few English suffix rules (not a real stemmer; both sides get
    /// the same treatment, which is all matching needs).
    public static func key(_ lower: String) -> String {
        var w = lower
        if w.hasSuffix("'s") { w.removeLast(2) }
        let n = w.count
        if n > 5, w.hasSuffix("ies") {
            w = String(w.dropLast(3)) + "y"
        } else if n > 5, w.hasSuffix("ing") {
            w.removeLast(3)
        } else if n > 4, w.hasSuffix("ed") {
            w.removeLast(2)
        } else if n > 4, w.hasSuffix("es"), let c = w.dropLast(2).last, "sxzh".contains(c) {
            w.removeLast(2)
        } else if n > 3, w.hasSuffix("s"), !w.hasSuffix("ss") {
            w.removeLast()
        }
        if w.count > 3, w.hasSuffix("e") { w.removeLast() }
        return w
    }
}

/// Numbers written in a sentence, as values.
public enum AnchorNumbers {
    /// Arabic and full-width digit runs, and Chinese numeral runs (一百二十, 三, 两). A lone 一 is
    /// left out: it is mostly "a", "once", "the whole" rather than the number one.
    public static func chinese(_ text: String) -> [Int] {
        var out: [Int] = []
        var run: [Unicode.Scalar] = []
        var digits = ""
        func flush() {
            if !digits.isEmpty, let v = Int(digits) { out.append(v) }
            digits = ""
            if !run.isEmpty, let v = Numerals.parseChinese(run), v != 1 || run.count > 1 { out.append(v) }
            run = []
        }
        for s in text.unicodeScalars {
            if let d = Numerals.digitValue(s) {
                if !run.isEmpty { flush() }
                if digits.count < 15 { digits.append(Character(Unicode.Scalar(0x30 + UInt32(d))!)) }
            } else if (s == "," || s == "，") && !digits.isEmpty {
                continue  // 1,000
            } else if Numerals.chineseDigits[s] != nil || Numerals.chineseUnits[s] != nil {
                if !digits.isEmpty { flush() }
                run.append(s)
            } else {
                flush()
            }
        }
        flush()
        return out
    }

    static let ordinals: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
        "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fifteenth": 15, "twentieth": 20, "thirtieth": 30,
        "hundredth": 100, "thousandth": 1000, "twice": 2, "thrice": 3, "dozen": 12,
    ]
    static let multipliers: [String: Int] = ["hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000]

    /// Digit runs (commas inside allowed), number words ("twenty-three", "two hundred") and ordinals.
    public static func english(_ text: String) -> [Int] {
        var out: [Int] = []
        var tokens: [String] = []
        var token = ""
        for ch in text {
            if ch.isLetter || ch.isNumber || ch == "-" || (ch == "," && token.first?.isNumber == true) { token.append(ch) } else {
                if !token.isEmpty { tokens.append(token) }
                token = ""
            }
        }
        if !token.isEmpty { tokens.append(token) }
        var total = 0, current = 0, inNumber = false
        func flush() {
            if inNumber { out.append(total + current) }
            total = 0; current = 0; inNumber = false
        }
        for raw in tokens {
            let t = raw.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "-,"))
            if let v = Int(t.replacingOccurrences(of: ",", with: "")), t.first?.isNumber == true {
                flush(); out.append(v)
            } else if let v = Numerals.englishWords[t] {
                if inNumber && current % 100 != 0 { flush() }
                current += v; inNumber = true
            } else if let m = multipliers[t] {
                current = max(current, 1) * m
                if m >= 1000 { total += current; current = 0 }
                inNumber = true
            } else if t == "and" && inNumber {
                continue
            } else if let v = ordinals[t] {
                flush(); out.append(v)
            } else {
                flush()
            }
        }
        flush()
        return out
    }
}
