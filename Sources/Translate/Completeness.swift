import Evaluate
import Foundation

/// Which units of a run need another look: a unit with no English or with Chinese left in it is
/// incomplete (any run, guard or not); one the output guard flagged is left out of training.
/// report.md lists both by chapter and unit, and `translate --retry-flagged` translates them again.
public enum Completeness {
    /// Why a record is listed ("missing", "chinese", or the guard's flags), empty when it is fine.
    public static func problems(_ r: SegmentRecord) -> [String] {
        guard r.reference != true else { return [] }   // the user's own English (--reference)
        var p = r.flags ?? []
        let text = r.heading ? String(r.translation.drop(while: { $0 != ":" }).dropFirst()) : r.translation
        if r.heading ? false : !text.unicodeScalars.contains(where: { $0.properties.isAlphabetic && !OutputGuard.isHan($0) }) {
            if !p.contains(OutputGuard.Flag.empty.rawValue) { p.append(OutputGuard.Flag.empty.rawValue) }
        }
        if text.unicodeScalars.filter(OutputGuard.isHan).count > OutputGuard.maxHan, !p.contains(OutputGuard.Flag.chinese.rawValue) {
            p.append(OutputGuard.Flag.chinese.rawValue)
        }
        return p
    }

    /// Run positions of the records with problems: what `--retry-flagged` translates again.
    public static func flagged(_ records: [SegmentRecord]) -> [Int] {
        records.indices.filter { !problems(records[$0]).isEmpty }
    }

    /// report.md's sections: the guard's account per chapter (when it ran), and every chapter with
    /// missing, untranslated or flagged units, with their unit numbers.
    static func markdown(plan: UnitPlan, records: [SegmentRecord], guardOn: Bool) -> String {
        var s = ""
        if guardOn {
            s += "## Output guard\n\n"
            s += "Units failing a check were translated once more (alone, without the adapter); those still failing are kept in the book and left out of Temp-LoRA's training.\n\n"
            s += "| chapter | units | retried | flagged (not trained on) | share | chatter stripped |\n|---|---|---|---|---|---|\n"
            var all = (units: 0, retried: 0, flagged: 0, stripped: 0)
            for c in plan.chapters {
                let rs = records.filter { $0.chapter == c.number }
                let row = (rs.count, rs.filter { $0.retriedFor != nil }.count, rs.filter { $0.flags != nil }.count,
                           rs.filter { $0.stripped != nil }.count)
                all = (all.units + row.0, all.retried + row.1, all.flagged + row.2, all.stripped + row.3)
                s += "| \(c.number) | \(row.0) | \(row.1) | \(row.2) | \(percent(row.2, row.0)) | \(row.3) |\n"
            }
            s += "| all | \(all.units) | \(all.retried) | \(all.flagged) | \(percent(all.flagged, all.units)) | \(all.stripped) |\n\n"
            var counts: [String: Int] = [:]
            for r in records { for f in r.flags ?? [] { counts[f, default: 0] += 1 } }
            if !counts.isEmpty {
                s += "Flags of the units kept flagged: " + OutputGuard.Flag.allCases.compactMap { f in
                    counts[f.rawValue].map { "\(f.rawValue) \($0)" }
                }.joined(separator: ", ") + ".\n\n"
            }
        }
        s += "## Completeness\n\n"
        var listed = 0
        var lines = ""
        for c in plan.chapters {
            let rs = records.filter { $0.chapter == c.number }
            let expected = plan.units.filter { $0.chapter == c.number }.count
            let bad = rs.filter { !problems($0).isEmpty }
            guard !bad.isEmpty || rs.count < expected else { continue }
            listed += 1
            var what = bad.map { "\($0.unit) (\(problems($0).joined(separator: ", ")))" }
            if rs.count < expected { what.append("units \(rs.count)–\(expected - 1) not translated yet") }
            lines += "| \(c.number) | \(what.joined(separator: "; ")) |\n"
        }
        if listed == 0 { return s + "Every unit of every chapter has English and no Chinese left in it\(guardOn ? ", and passed the output guard" : "").\n\n" }
        s += "Chapters with units missing, untranslated or flagged (`translate --retry-flagged --resume` translates these units again):\n\n"
        s += "| chapter | units (why) |\n|---|---|\n" + lines + "\n"
        return s
    }

    private static func percent(_ a: Int, _ b: Int) -> String {
        b == 0 ? "–" : String(format: "%.1f%%", 100 * Double(a) / Double(b))
    }
}
