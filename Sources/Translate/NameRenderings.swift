import Evaluate
import Foundation

/// The English a translation run gives each of the book's names (`NameFinder`'s candidates),
/// learnt from its (Chinese unit, English translation) pairs as they come, so that the run can
/// settle on one rendering per name and keep it.
///
/// A rendering is a name in the English as `NameConsistency` reads names (a run of capitalised
/// words such as "Pao-yü", "Hsi Jen", "Madame Wang"; a sentence's first word only if the run also
/// capitalises it mid-sentence), any part of one ("Pao-yü" in "Chia Pao-yü"), optionally led by up
/// to two title words written in lower case or as a capitalised function word ("lady Feng",
/// "dowager lady Chia", "Miss Lin"). A name settles on a rendering once it has occurred in at
/// least `minUnits` units, the rendering is in at least `minShare` of their translations and in at
/// most a quarter of that share of the other units', and no such rendering is more strongly tied
/// to the name (Dice coefficient; a longer rendering found in nearly all the same units wins: "lady
/// Feng" over "Feng"). A rendering can only become clear in a unit whose translation uses it, so
/// that is where it is checked. The first settled rendering is kept for the rest of the run;
/// adding the same pairs in the same order rebuilds the same state (a resume).
public struct NameRenderings: Sendable {
    public let names: [String]
    public let minUnits: Int
    public let minShare: Double
    /// Pairs added so far.
    public private(set) var pairs = 0

    /// Per name: its units, and per rendering the units of the name whose translation holds it.
    private var nameUnits: [Int]
    private var joint: [[String: Int]]
    /// Per rendering: the units (of any name or none) whose translation holds it.
    private var renderingUnits: [String: Int] = [:]
    /// Words seen capitalised in mid-sentence: only renderings made of these can settle.
    private var midSentence: Set<String> = []
    /// How a rendering with title words was written in mid-sentence ("Madame Wang", "lady Feng").
    private var surfaces: [String: [String: Int]] = [:]
    private var settledIndex: [Int: Int] = [:]  // name → position in `settledOrder`
    private var settledOrder: [GlossaryEntry] = []

    /// `names`: the candidates to learn (duplicates are ignored).
    public init(names: [String], minUnits: Int = 3, minShare: Double = 0.6) {
        var seen = Set<String>()
        self.names = names.filter { !$0.isEmpty && seen.insert($0).inserted }
        self.minUnits = max(1, minUnits)
        self.minShare = minShare
        nameUnits = Array(repeating: 0, count: self.names.count)
        joint = Array(repeating: [:], count: self.names.count)
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
        for n in names.indices where source.contains(names[n]) {
            nameUnits[n] += 1
            for r in found.renderings { joint[n][r, default: 0] += 1 }
            if settledIndex[n] == nil, let r = clearRendering(n, among: found.renderings) {
                settledIndex[n] = settledOrder.count
                settledOrder.append(GlossaryEntry(source: names[n], target: surface(r)))
            }
        }
    }

    /// The rendering name `n` is now clearly tied to, from those in the current unit.
    private func clearRendering(_ n: Int, among current: [String]) -> String? {
        let units = nameUnits[n]
        guard units >= minUnits else { return nil }
        let others = pairs - units
        var eligible: [(rendering: String, together: Int, dice: Double)] = []
        for r in current where EnglishNames.canSettle(r, midSentence: midSentence) {
            let together = joint[n][r] ?? 0, all = renderingUnits[r] ?? 0
            let share = Double(together) / Double(units)
            let elsewhere = others == 0 ? 0 : Double(all - together) / Double(others)
            guard share >= minShare, elsewhere * 4 <= share else { continue }
            eligible.append((r, together, 2 * Double(together) / Double(units + all)))
        }
        guard let top = eligible.max(by: { ($0.dice, $1.rendering) < ($1.dice, $0.rendering) }) else { return nil }
        // "lady Feng" over "Feng" when the longer goes with the name in nearly every unit the shorter does.
        let longer = eligible.filter {
            $0.rendering.hasSuffix(" " + top.rendering) && Double($0.together) >= 0.9 * Double(top.together)
        }
        return (longer.max { ($0.rendering.count, $0.dice, $1.rendering) < ($1.rendering.count, $1.dice, $0.rendering) } ?? top).rendering
    }

    /// How a rendering was written mid-sentence most often (its key lower-cases leading titles).
    private func surface(_ key: String) -> String {
        guard let forms = surfaces[key] else { return key }
        return forms.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
    }
}
