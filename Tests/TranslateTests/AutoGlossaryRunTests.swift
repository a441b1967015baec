import Evaluate
import Foundation
import LLM
import TestSupport
import Translate
import XCTest

/// The automatic glossary in a real run (Gemma 3 270M, the sample book, Temp-LoRA off): names
/// settle on the English the run gives them, are shown in the prompt from then on, are written to
/// names.tsv and tallied in report.md, and a run extended on resume prompts exactly as one made
/// in one go (the memory is rebuilt from segments.jsonl).
final class AutoGlossaryRunTests: XCTestCase {
    func settings(_ model: String, chapters: ClosedRange<Int>) -> TranslateSettings {
        var s = TranslateSettings(book: TranslateTestSupport.packageRoot + "/Corpora/sample/zh.txt", model: model, threads: 2)
        s.strategy = .off
        s.chapters = chapters
        s.outputGuard = true
        s.autoGlossary = true
        return s
    }

    func testNamesSettleAreShownFromThenOnAndSurviveAResume() throws {
        let model = try TranslateTestSupport.modelPath()
        let bundle = try ModelBundle(path: model, threads: 2)
        let root = TranslateTestSupport.temporaryDirectory("auto-glossary")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = RunFolder(path: root + "/whole")
        try Translator(settings: settings(model, chapters: 1...2), bundle: bundle, folder: whole).run(resume: false, force: false)

        let records = try whole.records()
        let names = try Glossary.read(file: whole.names).entries
        XCTAssertFalse(names.isEmpty, "the sample's names settle (周伯 appears in most units)")
        var shownNames = 0
        for n in names {
            let units = records.indices.filter { records[$0].source.contains(n.source) && !records[$0].heading }
            // A name is shown once it has settled, in every unit that holds it after that (one
            // that settled in its last unit is never shown).
            let shown = units.filter { records[$0].glossary.contains(n.source) }
            guard let first = shown.first else { continue }
            shownNames += 1
            XCTAssertEqual(shown, units.filter { $0 >= first }, n.source)
            XCTAssertGreaterThanOrEqual(units.filter { $0 < first }.count, 3, "\(n.source) settled after at least 3 units")
        }
        XCTAssertGreaterThan(shownNames, 0, "a settled name is shown in later units")
        let report = try String(contentsOfFile: whole.report, encoding: .utf8)
        XCTAssertTrue(report.contains("| \(names[0].source) | \(names[0].target) |"), report)

        // The same run in two sessions: chapter 1, then resumed with chapters 1-2.
        let parts = RunFolder(path: root + "/parts")
        try Translator(settings: settings(model, chapters: 1...1), bundle: bundle, folder: parts).run(resume: false, force: false)
        try Translator(settings: settings(model, chapters: 1...2), bundle: bundle, folder: parts).run(resume: true, force: false)
        XCTAssertEqual(try TranslateTestSupport.segmentsWithoutTimings(parts.path), try TranslateTestSupport.segmentsWithoutTimings(whole.path))
        XCTAssertEqual(FileManager.default.contents(atPath: parts.names), FileManager.default.contents(atPath: whole.names))
    }
}
