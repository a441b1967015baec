import Foundation

/// The recurring person and place names of a Chinese book, found from its text alone (no
/// dictionary, no user input), so a translation can keep rendering each one the same way.
///
/// Candidates are the 2–4 character n-grams inside runs of Han characters (never across
/// punctuation) that occur at least `minCount` times. A name is a unit of its own, so it is kept
/// only when both of its sides branch: the entropy of the characters before it and of those after
/// it (a sentence edge counting as a new character each time) is high, which drops fragments such
/// as 林黛 (always followed by 玉) and 玉笑 (always preceded by 寶). Function characters at its edges
/// (這里, 一個, 寶玉道), numerals (一面, 二人), particles inside it and reduplicated titles (太太,
/// 奶奶) rule it out, and so does a longer candidate that holds it with almost the same count (賈寶
/// in 賈寶玉). What remains is ranked by
///
///     ln(count) × min(left entropy, right entropy) × (0.05 + cue share) × (1.3 for a surname or place suffix)
///
/// where the cue share is the part of its occurrences in a name's position: followed by a speech
/// verb (寶玉笑道, 孔明曰) or preceded by one that takes a person (問寶玉), and for n-grams that end
/// like a place (…府, …院, …園) also preceded by a verb of motion or followed by a locative (到榮府,
/// 怡紅院中). The cue is what separates 襲人 from 自己 or 如今, which branch as well.
public enum NameFinder {
    public struct Candidate: Sendable, Equatable {
        public var name: String
        /// Occurrences in the sentences.
        public var count: Int
        public var score: Double

        public init(name: String, count: Int, score: Double) {
            self.name = name
            self.count = count
            self.score = score
        }
    }

    /// The candidates of a book's sentences (preface and chapters), best first.
    public static func candidates(in book: Book, minCount: Int? = nil) -> [Candidate] {
        let parts = (book.preface.map { [$0] } ?? []) + book.chapters
        return candidates(in: parts.flatMap { $0.sentences.map(\.text) }, minCount: minCount)
    }

    /// The candidates of `sentences`, best first (ties by the name), every one that passes the
    /// filters. `minCount` defaults to 3, or one occurrence per 40,000 Han characters in a longer
    /// book (about 4 in 紅樓夢's first 30 chapters).
    public static func candidates(in sentences: [String], minCount: Int? = nil) -> [Candidate] {
        let text = HanSequence(sentences)
        let minimum = max(2, minCount ?? max(3, text.hanCount / 40_000))
        var grams = GramStatistics(text: text, minCount: minimum)
        grams.collectContexts()
        return grams.ranked()
    }

    static let lengths = 2...4
}

/// The Han characters of the sentences as small integer ids, 0 marking every break (punctuation,
/// Latin text, a sentence's end), so an n-gram is a window of `ids` without a 0.
struct HanSequence {
    var ids: [UInt16] = [0]
    /// `scalars[id]` is the character of an id (`scalars[0]` is unused).
    var scalars: [Unicode.Scalar] = ["\u{0}"]
    var hanCount = 0

    init(_ sentences: [String]) {
        var table: [Unicode.Scalar: UInt16] = [:]
        for sentence in sentences {
            for s in sentence.unicodeScalars {
                guard Script.isHan(s) else {
                    if ids.last != 0 { ids.append(0) }
                    continue
                }
                hanCount += 1
                if let id = table[s] {
                    ids.append(id)
                } else if scalars.count <= Int(UInt16.max) {
                    let id = UInt16(scalars.count)
                    table[s] = id
                    scalars.append(s)
                    ids.append(id)
                } else if ids.last != 0 {
                    // Past 65,535 distinct characters (no real book) the rarest break the run.
                    ids.append(0)
                }
            }
            if ids.last != 0 { ids.append(0) }
        }
    }

    /// The n-gram at `start` packed 16 bits a character; nil when the window holds a break.
    @inline(__always)
    func key(at start: Int, length: Int) -> UInt64? {
        guard start + length <= ids.count else { return nil }
        var k: UInt64 = 0
        for i in start..<(start + length) {
            let id = ids[i]
            if id == 0 { return nil }
            k = k << 16 | UInt64(id)
        }
        return k
    }
}
