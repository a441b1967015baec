import Evaluate
import Foundation

/// Decides whether a translated unit is sound enough to join Temp-LoRA's training data. Trained on
/// its own output, a model learns its own faults: Gemma 3 270M's adapter on 紅樓夢 learnt stock
/// openings and English without spaces, and Qwen2.5 1.5B sometimes answers with chatter around
/// the translation ("Sure, here is the English translation: …"). Each check names one such fault.
///
/// The running statistics (length ratios, openings) come only from units before the one checked,
/// so a resumed run rebuilds them from segments.jsonl and decides exactly as the first run did.
public struct OutputGuard: Sendable {
    public enum Flag: String, Sendable, Codable, CaseIterable {
        /// No English at all.
        case empty
        /// Chinese characters left in the English.
        case chinese
        /// Talk about the translation instead of (or as well as) it, that could not be stripped.
        case chatter
        /// English length far outside the book's running ratio to the Chinese.
        case length
        /// A word sequence repeated over and over, or a line cut at its token limit.
        case loop
        /// Words run together without spaces.
        case spaceless
        /// The same opening words as many recent units whose sources begin differently.
        case stockOpening = "stock_opening"
    }

    public struct Verdict: Sendable, Equatable {
        /// The translation with any leading or trailing chatter removed.
        public var text: String
        /// What was removed ("" when nothing).
        public var stripped: String
        public var flags: [Flag]
        public var isSound: Bool { flags.isEmpty }
    }

    // Thresholds, each with the fault it catches.
    /// Two Han characters are never a legitimate part of the English.
    static let maxHan = 1
    /// A run of letters this long is words run together ("ThekingsaidtothePrince").
    static let spacelessRun = 25
    /// Loops: a word 3-gram this often, covering this share of the words.
    static let loopRepeats = 3, loopShare = 0.4
    /// Length: |log ratio − running mean| beyond this many standard deviations, once this many
    /// units of at least `lengthMinHan` Chinese characters have been seen; before that, outside
    /// the absolute bounds (English letters per Chinese character).
    static let lengthSigmas = 3.5, lengthWarmup = 30, lengthMinHan = 8
    /// The spread never counts as less than this (log units): ±1.7× at 3.5 of it.
    static let lengthMinSpread = 0.15
    static let absoluteRatio: ClosedRange<Double> = 0.4...20
    /// Stock openings: the first four words shared by this many of the last `openingWindow`
    /// units whose sources begin differently.
    static let openingWords = 4, openingRepeats = 4, openingWindow = 40

    private var ratioCount = 0, ratioMean = 0.0, ratioM2 = 0.0
    /// (English opening, source opening) of recent units, oldest first.
    private var openings: [(String, String)] = []

    public init() {}

    /// Checks `translation` of `source` (`ranOn`: generation stopped at its token limit). Copies of
    /// earlier lines are CopyGuard's: it retries them before an answer gets here. Does not change
    /// the running state: `record` does, once the unit's answer is final.
    public func check(source: String, translation: String, ranOn: Bool = false) -> Verdict {
        let (text, stripped, refusal) = Self.stripChatter(translation)
        var flags: [Flag] = []
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic && !Self.isHan($0) }.count
        if letters == 0 { flags.append(.empty) }
        if text.unicodeScalars.filter(Self.isHan).count > Self.maxHan { flags.append(.chinese) }
        if refusal { flags.append(.chatter) }
        if let r = Self.logRatio(source: source, english: text), !flags.contains(.empty) {
            if ratioCount >= Self.lengthWarmup {
                let sd = max(Self.lengthMinSpread, (ratioM2 / Double(ratioCount - 1)).squareRoot())
                if abs(r - ratioMean) > Self.lengthSigmas * sd { flags.append(.length) }
            } else if !Self.absoluteRatio.contains(exp(r)) {
                flags.append(.length)
            }
        }
        if ranOn || Self.loops(text) { flags.append(.loop) }
        if Self.runTogether(text) { flags.append(.spaceless) }
        if let o = Self.opening(text) {
            let s = Self.sourceOpening(source)
            if openings.filter({ $0.0 == o && $0.1 != s }).count >= Self.openingRepeats - 1 { flags.append(.stockOpening) }
        }
        return Verdict(text: text, stripped: stripped, flags: flags)
    }

    /// Takes a unit's final translation into the running statistics. Called with what
    /// segments.jsonl holds, so a resume rebuilds the same state. The length ratio counts only
    /// when the unit is sound and generated: a `given` unit's English (`translate --reference`)
    /// was paired with its Chinese by the aligner, which pairs sentences by their lengths, so
    /// those ratios spread far less than any model's (Joly's 紅樓夢 chapter 1: 0.15 in log units,
    /// the floor) and would flag sound answers for length.
    public mutating func record(source: String, translation: String, sound: Bool, given: Bool = false) {
        if sound, !given, let r = Self.logRatio(source: source, english: translation) {
            ratioCount += 1
            let d = r - ratioMean
            ratioMean += d / Double(ratioCount)
            ratioM2 += d * (r - ratioMean)
        }
        if let o = Self.opening(translation) {
            openings.append((o, Self.sourceOpening(source)))
            if openings.count > Self.openingWindow { openings.removeFirst() }
        }
    }

    // MARK: the checks

    static func isHan(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    /// log(English letters / Chinese characters), for sources long enough to say something.
    static func logRatio(source: String, english: String) -> Double? {
        let han = source.unicodeScalars.filter(isHan).count
        guard han >= lengthMinHan else { return nil }
        let letters = english.unicodeScalars.filter { $0.properties.isAlphabetic && !isHan($0) }.count
        return log(Double(max(letters, 1)) / Double(han))
    }

    static func words(_ s: String) -> [String] {
        s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" }).map(String.init)
    }

    static func loops(_ s: String) -> Bool {
        let w = words(s)
        guard w.count >= 3 * loopRepeats else { return false }
        var counts: [ArraySlice<String>: Int] = [:]
        for i in 0...(w.count - 3) { counts[w[i..<(i + 3)], default: 0] += 1 }
        let top = counts.values.max() ?? 0
        return top >= loopRepeats && Double(top * 3) >= loopShare * Double(w.count)
    }

    static func runTogether(_ s: String) -> Bool {
        var run = 0
        for c in s.unicodeScalars {
            if c.properties.isAlphabetic && !isHan(c) {
                run += 1
                if run >= spacelessRun { return true }
            } else { run = 0 }
        }
        return false
    }

    static func opening(_ s: String) -> String? {
        let w = words(s)
        return w.count > openingWords ? w.prefix(openingWords).joined(separator: " ") : nil
    }

    static func sourceOpening(_ s: String) -> String {
        String(s.unicodeScalars.filter(isHan).prefix(2).map(Character.init))
    }

    // MARK: chatter

    /// Leading talk about the translation, up to its colon (or the end of its sentence).
    static let leadingChatter: [NSRegularExpression] = [
        #"^\s*(sure|certainly|of course|okay|ok)\b[^:\n]{0,80}?(translation|translated|english|text)[^:\n]{0,40}:\s*"#,
        #"^\s*(here(?:'s| is| are)|below is)\b[^:\n]{0,80}?(translation|translated|english|text)[^:\n]{0,40}:\s*"#,
        #"^\s*(the\s+)?(english\s+)?translation(\s+of[^:\n]{0,60})?(\s+is)?\s*:\s*"#,
        #"^\s*(translated|english)(\s+text)?\s*:\s*"#,
        #"^\s*(sure|certainly|of course)[!.,]\s+"#,
    ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }
    /// Trailing offers and notes.
    static let trailingChatter = try! NSRegularExpression(
        pattern: #"\s*(\(?\s*note\s*:|let me know\b|i hope (this|that) helps|if you (have|need) any|feel free to)[\s\S]*$"#,
        options: [.caseInsensitive])
    /// An answer that declines, talks instead of translating, or opens by saying the instruction
    /// back ("Please translate the following text into English:", seen from Qwen2.5 1.5B on a
    /// unit prompted alone); a story's "asked him to translate the text" is not.
    static let refusal = try! NSRegularExpression(
        pattern: #"^\s*(i'?m sorry|i am sorry|sorry,|i cannot|i can'?t|as an ai|i'?m unable|it seems|it looks like|this (text|passage|sentence) (is|appears|seems)|(please\s+)?translate\s+(the\s+|this\s+)?(following\s+)?(text|passage|sentence))"#,
        options: [.caseInsensitive])

    /// The answer without its chatter, what was removed, and whether it is a refusal.
    static func stripChatter(_ answer: String) -> (text: String, stripped: String, refusal: Bool) {
        var text = answer, removed: [String] = []
        for re in leadingChatter {
            let ns = text as NSString
            guard let m = re.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { continue }
            // Nothing after the announcement: the answer is all chatter.
            if m.range.length == ns.length { return (text, "", true) }
            removed.append(ns.substring(with: m.range))
            text = ns.substring(from: m.range.length)
            break
        }
        let ns = text as NSString
        if let m = trailingChatter.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)), m.range.location > 0 {
            removed.append(ns.substring(with: m.range))
            text = ns.substring(to: m.range.location)
        }
        text = text.trimmingCharacters(in: .whitespaces)
        // "Sure, here is …: "The house…"": the quotes were the chatter's, not the book's.
        if !removed.isEmpty, text.count >= 2, let f = text.first, let l = text.last,
           (f == "\"" && l == "\"") || (f == "“" && l == "”"), !text.dropFirst().dropLast().contains(f) {
            text = String(text.dropFirst().dropLast())
        }
        let isRefusal = refusal.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
        return (text, removed.joined(separator: " … ").trimmingCharacters(in: .whitespaces), isRefusal)
    }
}
