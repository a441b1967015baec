import Evaluate
/// translation.txt and bilingual.md, rebuilt from the records (so they are a function of
/// segments.jsonl alone).
enum Outputs {
    /// Per chapter: the heading's translation (if any), then its paragraphs.
    private static func chapters(plan: UnitPlan, records: [SegmentRecord]) -> [(info: UnitPlan.ChapterInfo, heading: SegmentRecord?, paragraphs: [(source: String, target: String)])] {
        var out: [(UnitPlan.ChapterInfo, SegmentRecord?, [(String, String)])] = []
        var i = 0
        for (pos, info) in plan.chapters.enumerated() {
            var heading: SegmentRecord?
            var paras: [(String, String)] = []
            var lastPara: Int?
            while i < records.count && plan.units[i].chapterPosition == pos {
                let r = records[i]
                if r.heading { heading = r } else {
                    if r.paragraph != lastPara || paras.isEmpty {
                        paras.append((r.source, r.translation))
                    } else {
                        paras[paras.count - 1].0 += r.source
                        paras[paras.count - 1].1 += (paras[paras.count - 1].1.isEmpty ? "" : " ") + r.translation
                    }
                    lastPara = r.paragraph
                }
                i += 1
            }
            if heading != nil || !paras.isEmpty { out.append((info, heading, paras)) }
        }
        return out
    }

    static func translation(plan: UnitPlan, records: [SegmentRecord]) -> String {
        var s = ""
        for c in chapters(plan: plan, records: records) {
            if !s.isEmpty { s += "\n" }
            if let h = c.heading { s += h.translation + "\n\n" }
            for p in c.paragraphs { s += p.target + "\n\n" }
        }
        return s.hasSuffix("\n\n") ? String(s.dropLast()) : s
    }

    static func bilingual(plan: UnitPlan, records: [SegmentRecord]) -> String {
        var s = ""
        for c in chapters(plan: plan, records: records) {
            if let h = c.heading { s += "## \(h.source)\n\n## \(h.translation)\n\n" }
            for p in c.paragraphs { s += "\(p.source)\n\n\(p.target)\n\n" }
            s += "---\n\n"
        }
        return s
    }
}
