import Evaluate
import Foundation

/// The English a translation run gives each of the book's names (`NameFinder`'s candidates),
/// learnt from its (Chinese unit, English translation) pairs as they come, so that the run can
/// settle on one rendering per name and keep it.
///
/// A rendering is a name in the English as `NameConsistency` reads names (a run of capitalised
/// words such as "Pao-yü", "Hsi Jen", "Madame Wang"; a sentence's first word only if the run also
/// capitalises it mid-sentence), optionally led by up to two title words ("lady Feng", "dowager
/// lady Chia", "Mrs. Hsüeh"); see `EnglishNames`. A name settles on a rendering when
/// - the name has occurred in at least `minUnits` units;
/// - the rendering is a whole name (not "Chen" of "Chen Mo") in at least `minShare` of their
///   translations, and at least `minPrecision` of all the translations that hold it are the name's;
/// - no other name of the unit is more strongly tied to it (Dice coefficient: 金釧儿's "Chin
///   Ch'uan-erh" beside 香菱), and no other name has settled on it, unless one name holds the other
///   (鳳姐 and 鳳姐儿 may share "lady Feng");
/// - no unrelated rendering qualifies as well (two of them in most of the name's units: not clear).
/// Among the qualifying, the most strongly tied wins, or a longer one found in nearly all the same
/// units ("lady Feng" over "Feng"). A rendering only becomes clear in a unit whose translation uses
/// it, so that is where it is checked. The first settled rendering is kept for the rest of the run,
/// and adding the same pairs in the same order rebuilds the same state (a resume).
public struct NameRenderings: Sendable {
    public let names: [String]
    public let minUnits: Int
    public let minShare: Double
    public let minPrecision: Double
    /// Pairs added so far.
    public private(set) var pairs = 0

    /// Per name: its units, and per rendering the units of the name whose translation holds it.
    private var nameUnits: [Int]
    private var joint: [[String: Together]]
    /// Per rendering: the units (of any name or none) whose translation holds it.
    private var renderingUnits: [String: Int] = [:]
    /// Words seen capitalised in mid-sentence: only renderings made of these can settle.
    private var midSentence: Set<String> = []
    /// How a rendering with title words was written in mid-sentence ("Madame Wang", "lady Feng").
    private var surfaces: [String: [String: Int]] = [:]
    private var settledIndex: [Int: Int] = [:]  // name → position in `settledOrder`
    private var settledOrder: [GlossaryEntry] = []
    /// Settled renderings (keys) with the name that settled on each.
    private var owners: [String: Int] = [:]
    /// The names by their first character, to find those of a unit in one pass over it.
    private let byFirst: [Unicode.Scalar: [(index: Int, scalars: [Unicode.Scalar])]]

    /// Units of a name whose translation holds a rendering: at all, and as a whole name.
    private struct Together: Sendable {
        var any: Int32 = 0
        var whole: Int32 = 0
    }

    /// `names`: the candidates to learn (duplicates are ignored).
    public init(names: [String], minUnits: Int = 3, minShare: Double = 0.6, minPrecision: Double = 0.5) {
        var seen = Set<String>()
        let names = names.filter { !$0.isEmpty && seen.insert($0).inserted }
        self.names = names
        self.minUnits = max(1, minUnits)
        self.minShare = minShare
        self.minPrecision = minPrecision
        nameUnits = Array(repeating: 0, count: names.count)
        joint = Array(repeating: [:], count: names.count)
        byFirst = Dictionary(grouping: names.indices.map { ($0, Array(names[$0].unicodeScalars)) }) { $0.1[0] }
    }

    /// The names `source` holds, in the order of `names`.
    private func present(in source: String) -> [Int] {
        let s = Array(source.unicodeScalars)
        var found = Set<Int>()
        for i in s.indices {
            for (n, name) in byFirst[s[i]] ?? [] where !found.contains(n) && i + name.count <= s.count
                && s[i..<(i + name.count)].elementsEqual(name) {
                found.insert(n)
            }
        }
        return found.sorted()
    }

    /// The settled names in the order they settled, each with its rendering.
    public func settled() -> [GlossaryEntry] { settledOrder }

    /// The rendering `name` settled on, if it has.
    public func rendering(of name: String) -> String? {
        names.firstIndex(of: name).flatMap { settledIndex[$0] }.map { settledOrder[$0].target }
    }

    public mutating func add(source: String, translation: String) {
        pairs += 1
        let found = EnglishNames(translation)
        midSentence.formUnion(found.midSentenceWords)
        for (key, surface) in found.surfaces { surfaces[key, default: [:]][surface, default: 0] += 1 }
        for r in found.renderings { renderingUnits[r, default: 0] += 1 }
        let present = present(in: source)
        for n in present {
            nameUnits[n] += 1
            for r in found.renderings {
                joint[n][r, default: Together()].any += 1
                if found.whole.contains(r) { joint[n][r]!.whole += 1 }
            }
        }
        let current = found.renderings.filter(found.whole.contains)
        for n in present where settledIndex[n] == nil {
            guard let r = clearRendering(n, among: current, present: present) else { continue }
            settledIndex[n] = settledOrder.count
            settledOrder.append(GlossaryEntry(source: names[n], target: surface(r)))
            if owners[r] == nil { owners[r] = n }
        }
    }

    private func dice(_ n: Int, _ r: String) -> Double {
        2 * Double(joint[n][r]?.whole ?? 0) / Double(nameUnits[n] + (renderingUnits[r] ?? 0))
    }

    /// One name inside the other: 鳳姐 and 鳳姐儿, 黛玉 and 林黛玉.
    private func nested(_ m: Int, _ n: Int) -> Bool { names[m].contains(names[n]) || names[n].contains(names[m]) }

    /// The rendering name `n` is now clearly tied to, from the whole names of the current unit.
    private func clearRendering(_ n: Int, among current: [String], present: [Int]) -> String? {
        let units = nameUnits[n]
        guard units >= minUnits else { return nil }
        var eligible: [(rendering: String, together: Int, dice: Double)] = []
        for r in current where EnglishNames.canSettle(r, midSentence: midSentence) {
            if let owner = owners[r], !nested(owner, n) { continue }
            let t = joint[n][r] ?? Together(), all = renderingUnits[r] ?? 0
            guard Double(t.whole) >= minShare * Double(units), Double(t.any) >= minPrecision * Double(all) else { continue }
            let d = dice(n, r)
            if present.contains(where: { $0 != n && !nested($0, n) && dice($0, r) > d }) { continue }
            eligible.append((r, Int(t.whole), d))
        }
        guard let top = eligible.max(by: { ($0.dice, $1.rendering) < ($1.dice, $0.rendering) }) else { return nil }
        if eligible.contains(where: { !Self.related($0.rendering, top.rendering) }) { return nil }
        // "lady Feng" over "Feng" when the longer goes with the name in nearly every unit the shorter does.
        let longer = eligible.filter {
            $0.rendering.hasSuffix(" " + top.rendering) && Double($0.together) >= 0.9 * Double(top.together)
        }
        return (longer.max { ($0.rendering.count, $0.dice, $1.rendering) < ($1.rendering.count, $1.dice, $0.rendering) } ?? top).rendering
    }

    /// One rendering's words inside the other's ("Chia Pao-yü" and "Pao-yü").
    static func related(_ a: String, _ b: String) -> Bool {
        let (x, y) = (" \(a) ", " \(b) ")
        return x.contains(y) || y.contains(x)
    }

    /// How a rendering was written mid-sentence most often (its key lower-cases leading titles).
    private func surface(_ key: String) -> String {
        guard let forms = surfaces[key] else { return key }
        return forms.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
    }
}
