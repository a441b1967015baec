import Evaluate
import Foundation

/// The possible renderings of names in one English translation, for `NameRenderings`: every part
/// (up to four words) of every run of capitalised words, and each part that opens a run also with
/// the one or two title words before it ("lady Chia", "dowager lady Chia"). A rendering's key writes
/// its leading title words in lower case, so "Lady Feng" opening a sentence and "lady Feng" in the
/// middle of one count as one rendering.
struct EnglishNames {
    /// Every key in the translation, once, in order of appearance.
    private(set) var renderings: [String] = []
    /// The keys that were a whole run (with or without its title words, and without the sentence's
    /// first word, which may only be capitalised for its place): "Chen Mo", not "Chen" of it.
    private(set) var whole: Set<String> = []
    /// Capitalised words not at a sentence's start.
    private(set) var midSentenceWords: [String] = []
    /// Keys with title words, as they were written in mid-sentence.
    private(set) var surfaces: [(key: String, surface: String)] = []

    /// Title words: they may lead a rendering but are not a name alone.
    static let titles: Set<String> = [
        "lady", "dowager", "old", "young", "madame", "madam", "mistress", "miss", "master", "mr", "mrs", "ms", "dr", "sir",
        "uncle", "aunt", "auntie", "granny", "grandmother", "grandma", "grandfather", "nurse", "goody", "dame",
        "brother", "sister", "cousin", "elder", "eldest", "little", "lord", "prince", "princess", "general",
    ]

    static func isTitle(_ word: String) -> Bool { titles.contains(word.lowercased()) }

    /// A rendering can settle when it holds a word that is not a title and all such words have been
    /// seen capitalised in mid-sentence (which keeps out "Thereupon" and "Smiling").
    static func canSettle(_ key: String, midSentence: Set<String>) -> Bool {
        let words = key.split(separator: " ").map(String.init).filter { !isTitle($0) }
        return !words.isEmpty && words.allSatisfy(midSentence.contains)
    }

    /// Abbreviated titles: their full stop does not end a sentence ("Mrs. Hsüeh said").
    static let abbreviations = ["Mr", "Mrs", "Ms", "Dr"]

    init(_ translation: String) {
        var text = translation, dotted = Set<String>()
        for a in Self.abbreviations where text.contains(a + ". ") {
            text = text.replacingOccurrences(of: "\\b\(a)\\. ", with: a + " ", options: .regularExpression)
            dotted.insert(a)
        }
        let words = NameConsistency.words(in: text)
        var seen = Set<String>()
        func add(_ parts: ArraySlice<NameConsistency.Word>, whole isWhole: Bool) {
            var folding = true
            let key = parts.map { w -> String in
                folding = folding && Self.isTitle(w.text)
                return folding ? w.text.lowercased() : w.text
            }.joined(separator: " ")
            if seen.insert(key).inserted { renderings.append(key) }
            if isWhole { whole.insert(key) }
            if Self.isTitle(parts.first!.text) && !parts.first!.atSentenceStart {
                surfaces.append((key, parts.map { dotted.contains($0.text) ? $0.text + "." : $0.text }.joined(separator: " ")))
            }
        }
        var i = 0
        while i < words.count {
            guard words[i].isName else { i += 1; continue }
            var end = i + 1  // the run is words[i..<end]
            while end < words.count && words[end - 1].joinsNext && words[end].isName { end += 1 }
            for w in words[i..<end] where !w.atSentenceStart { midSentenceWords.append(w.text) }
            // Title words just before the run: lower case, or a capitalised one the run left out (Miss).
            var lead = i
            while lead > i - 2 && lead > 0 && words[lead - 1].joinsNext && Self.isTitle(words[lead - 1].text) { lead -= 1 }
            let opensSentence = words[i].atSentenceStart && end - i > 1
            for a in i..<end {
                for b in (a + 1)...min(end, a + 4) {
                    let isWhole = b == end && (a == i || (a == i + 1 && opensSentence))
                    add(words[a..<b], whole: isWhole)
                    if a == i { for l in lead..<i { add(words[l..<b], whole: isWhole) } }
                }
            }
            i = end
        }
    }
}
