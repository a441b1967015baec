import Evaluate
import Foundation

/// report.md: timings, speed, training losses over the book, Temp-LoRA overhead, glossary use.
enum Report {
    static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func markdown(settings: TranslateSettings, info: RunInfo, records: [SegmentRecord],
                         plan: UnitPlan, glossary: GlossaryTally) -> String {
        func f(_ x: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", x) }
        var s = "# Translation report\n\n"
        s += "- book: `\(settings.book)`\n- model: `\(settings.model)` (\(info.architecture), SHA-256 `\(info.modelSHA256.prefix(16))…`)\n"
        s += "- template: \(info.template.rawValue); Temp-LoRA: \(settings.strategy.rawValue)"
        if settings.strategy != .off {
            s += " (Δ \(settings.chunkTokens), L_T \(settings.trainContextTokens), \(settings.epochs) steps/chunk, r \(settings.lora.rank), α \(settings.lora.alpha), lr \(settings.optimizer.learningRate), kv-reuse \(settings.kvReuse))"
        }
        s += "\n- context L_X \(settings.contextTokens) tokens; units ≤ \(settings.unitSentences) sentences / \(settings.unitTokens) tokens; repetition penalty \(settings.repetitionPenalty)\n"
        if let r = settings.reference { s += "- reference English: `\(r)`\(settings.dictionary.map { " (aligned with the dictionary `\($0)`)" } ?? "")\n" }
        s += "- threads \(settings.threads)\(settings.strategy == .parallel ? " (training \(settings.trainThreads), generation \(max(1, settings.threads - settings.trainThreads)))" : ""); yanfu \(info.yanfuVersion)\n\n"

        let gen = records.reduce(0) { $0 + $1.generatedTokens }
        let genSec = records.reduce(0.0) { $0 + $1.seconds }
        let prefilled = records.reduce(0) { $0 + $1.prefilledTokens }
        let wall = info.sessions.reduce(0.0) { $0 + $1.seconds }
        s += "## Timings\n\n"
        s += "| | value |\n|---|---|\n"
        s += "| units | \(records.count) in \(plan.chapters.count) chapter(s) |\n"
        s += "| wall time (all sessions) | \(f(wall)) s in \(info.sessions.count) session(s) |\n"
        s += "| translating (prompt + generation) | \(f(genSec)) s |\n"
        s += "| generated tokens | \(gen) (\(f(genSec > 0 ? Double(gen) / genSec : 0)) tok/s including prompt processing) |\n"
        s += "| prompt tokens run (not from cache) | \(prefilled) |\n"
        // Records written before prefill was timed lack it: split only when all have it.
        if records.allSatisfy({ $0.prefillSeconds != nil }) {
            let prefillSec = records.reduce(0.0) { $0 + ($1.prefillSeconds ?? 0) }
            let decodeSec = genSec - prefillSec
            s += "| prompt processing | \(f(prefillSec)) s (\(f(prefillSec > 0 ? Double(prefilled) / prefillSec : 0)) tok/s) |\n"
            s += "| generation | \(f(decodeSec)) s (\(f(decodeSec > 0 ? Double(gen) / decodeSec : 0)) tok/s) |\n"
        }
        let copies = records.filter { $0.rejectedCopies != nil }.count
        let alone = records.filter { $0.withoutContext == true }.count
        s += "| units translated again (the answer copied an earlier line) | \(copies), \(alone) of them without the context |\n\n"
        s += "| chapter | units | seconds |\n|---|---|---|\n"
        for c in plan.chapters {
            let n = records.filter { $0.chapter == c.number }.count
            s += "| \(c.number) \(c.heading)\(c.given != nil ? " (reference)" : "") | \(n) | \(f(info.chapterSeconds[String(c.number)] ?? 0)) |\n"
        }
        s += "\n"
        s += given(settings: settings, plan: plan)
        if settings.strategy != .off {
            let ups = info.updates
            let train = ups.reduce(0.0) { $0 + $1.seconds }
            let blocking = ups.reduce(0.0) { $0 + $1.blockingSeconds }
            s += "## Temp-LoRA\n\n"
            s += "- updates: \(ups.count); seconds per update: median \(f(median(ups.map(\.seconds)))), total training \(f(train)) s\n"
            s += "- time the translation waited for training: \(f(blocking)) s = \(f(genSec > 0 ? 100 * blocking / genSec : 0))% on top of translating (the Temp-LoRA overhead)\n"
            let checked = ups.filter { $0.heldOutLoss != nil }
            if !checked.isEmpty {
                s += "- updates checked on held-out pairs: \(checked.count); undone because they raised that loss: \(ups.filter { $0.rolledBack == true }.count)\n"
            }
            s += "\n| update | units | tokens (trained) | losses | held-out loss | seconds | waited |\n|---|---|---|---|---|---|---|\n"
            for u in ups {
                let held = u.heldOutLoss.map { h in String(format: "%.3f → %.3f", h[0], h[1]) + (u.rolledBack == true ? " (undone)" : "") } ?? "–"
                s += "| \(u.update + 1) | \(u.firstUnit)–\(u.lastUnit) | \(u.tokens) (\(u.targetTokens)) | \(u.losses.map { String(format: "%.3f", $0) }.joined(separator: " → ")) | \(held) | \(f(u.seconds)) | \(f(u.blockingSeconds)) |\n"
            }
            s += "\n"
        }
        if !glossary.terms.isEmpty {
            s += "## Glossary\n\nUnits whose source holds the term (units from the reference left out), and how many of their translations hold its target.\n\n"
            s += "| source | target | units | target used | rate |\n|---|---|---|---|---|\n"
            for t in glossary.terms {
                s += "| \(t.source) | \(t.target) | \(t.units) | \(t.hits) | \(t.units > 0 ? f(100 * Double(t.hits) / Double(t.units), 0) + "%" : "–") |\n"
            }
            let u = glossary.terms.reduce(0) { $0 + $1.units }, h = glossary.terms.reduce(0) { $0 + $1.hits }
            s += "| all | | \(u) | \(h) | \(u > 0 ? f(100 * Double(h) / Double(u), 0) + "%" : "–") |\n\n"
        }
        return s
    }

    /// The chapters whose English came from --reference, and what the aligner left out of them.
    static func given(settings: TranslateSettings, plan: UnitPlan) -> String {
        let chapters = plan.chapters.filter { $0.given != nil }
        guard let file = settings.reference, !chapters.isEmpty else { return "" }
        var s = "## From the reference\n\n"
        s += "Chapter(s) \(chapters.map { String($0.number) }.joined(separator: ", ")) are the English of `\(file)`, not generated: "
        s += "chapters paired by heading number, sentences by the aligner, one unit per aligned pair (marked `\"reference\": true` "
        s += "in segments.jsonl). They were the bilingual context and Temp-LoRA's training text like translated units. "
        s += "Sentences the aligner paired with nothing are not in the run.\n\n"
        s += "| chapter | pairs | Chinese sentences without English | reference sentences without Chinese |\n|---|---|---|---|\n"
        for c in chapters {
            let g = c.given!
            s += "| \(c.number) \(c.heading) | \(g.pairs) | \(g.unpairedSource) | \(g.unpairedReference) |\n"
        }
        return s + "\n"
    }
}
