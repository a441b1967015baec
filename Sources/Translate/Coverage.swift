import Evaluate
import Foundation
import Text

/// report.md's account of what was not translated: every block of the book is either behind
/// a record of segments.jsonl or listed here with its file and place and the reason, so no
/// text is left out silently.
public enum Coverage {
    public struct Item: Sendable, Equatable {
        /// "OEBPS/ch1.xhtml block 3" for an EPUB, "line 12" for a text file.
        public var place: String
        public var reason: String
        public var text: String
    }

    public static func untranslated(book: Book, plan: UnitPlan, records: [SegmentRecord]) -> [Item] {
        var done = Set<[Int]>()
        var headed = Set<Int>()
        for (i, _) in records.enumerated() where i < plan.units.count {
            let u = plan.units[i]
            let index = plan.chapters[u.chapterPosition].index
            if let p = u.paragraph { done.insert([index, p]) } else { headed.insert(index) }
        }
        let selected = Set(plan.chapters.map(\.index))
        // Given chapters whose units are all recorded: a paragraph of theirs without a unit is
        // one whose sentences the aligner paired with no English.
        let givenDone = Set(plan.chapters.indices.filter { pos in
            plan.chapters[pos].given != nil && (plan.units.lastIndex { $0.chapterPosition == pos }.map { $0 < records.count } ?? true)
        }.map { plan.chapters[$0].index })
        var lineStarts: [Int] = [0]
        if book.epub == nil {
            for (k, b) in book.text.utf8.enumerated() where b == 10 { lineStarts.append(k + 1) }
        }
        func line(_ offset: Int) -> Int {
            var lo = 0, hi = lineStarts.count - 1
            while lo < hi { let mid = (lo + hi + 1) / 2; if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 } }
            return lo + 1
        }
        var items: [Item] = []
        for k in book.epub?.keptAside ?? [] {
            items.append(Item(place: k.location.description, reason: k.reason, text: k.text))
        }
        for c in [book.preface].compactMap({ $0 }) + book.chapters {
            let name = c.index == 0 ? "preface" : "chapter \(UnitPlan.number(of: c))"
            let locations = book.epub?.paragraphs[c.index]
            func place(_ k: Int) -> String {
                if let l = locations, k < l.count { return l[k].description }
                return "line \(line(c.paragraphs[k].range.lowerBound))"
            }
            if !selected.contains(c.index) {
                let first = c.paragraphs.isEmpty ? "" : place(0)
                items.append(Item(place: first.isEmpty ? name : "\(name), from \(first)",
                                  reason: "\(name) not selected (--chapters): its heading and \(c.paragraphs.count) paragraph(s)",
                                  text: c.heading.isEmpty ? (c.paragraphs.first?.text ?? "") : c.heading))
                continue
            }
            if !c.heading.isEmpty && !headed.contains(c.index) {
                let h = book.epub?.headings[c.index]?.first?.description ?? "line \(line(c.headingRange.lowerBound))"
                items.append(Item(place: h, reason: "\(name): heading not translated (run unfinished)", text: c.heading))
            }
            for (k, p) in c.paragraphs.enumerated() where !done.contains([c.index, k]) {
                let hasSentence = c.sentences.contains { $0.paragraph == k && !$0.text.allSatisfy(\.isWhitespace) }
                let reason = p.isSeparator ? "decoration (no sentence)"
                    : !hasSentence ? "no sentence to translate"
                    : givenDone.contains(c.index) ? "the aligner paired it with no English of the reference"
                    : "not translated yet (run unfinished)"
                items.append(Item(place: place(k), reason: "\(name): \(reason)", text: p.text))
            }
            for f in book.epub?.figures[c.index] ?? [] {
                items.append(Item(place: f.location.description, reason: "\(name): picture \(f.path), carried over untranslated", text: f.alt))
            }
        }
        return items
    }

    static func markdown(book: Book, plan: UnitPlan, records: [SegmentRecord]) -> String {
        let items = untranslated(book: book, plan: plan, records: records)
        var s = "## Not translated\n\n"
        if let e = book.epub {
            s += "The EPUB has \(e.blockCount) block(s) of text and pictures; chapter titles from the \(e.chapterTitlesFrom).\n\n"
        }
        guard !items.isEmpty else { return s + "Nothing: every block of the book was translated.\n" }
        s += "Blocks not translated, each kept aside on purpose: \(items.count).\n\n"
        s += "| where | why | text |\n|---|---|---|\n"
        for i in items {
            let text = i.text.count > 40 ? String(i.text.prefix(40)) + "…" : i.text
            s += "| \(cell(i.place)) | \(cell(i.reason)) | \(cell(text)) |\n"
        }
        return s
    }

    private static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
