import Evaluate
import Foundation
import Text
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// `yanfu compare` of run folders: chapter pairing with books, GuoFeng files and line-aligned
/// references, metrics per run and chapter, the report folder and its JSON.
final class RunComparisonTests: XCTestCase {
    var dir: URL!
    var rows: [SampleRuns.Row]!
    let sample = SampleRuns.sample

    override func setUpWithError() throws {
        dir = try FixturePaths.temporaryDirectory()
        rows = try SampleRuns.rows()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A run that renders 陈墨 as "Chen Mu" in every other unit that names him.
    func drifted(_ name: String = "drift", perUnit: Int = 1) throws -> URL {
        var k = 0
        return try SampleRuns.write(name, in: dir, rows: rows, perUnit: perUnit) { row in
            guard row.zh.contains("陈墨") else { return row.en }
            k += 1
            return k % 2 == 0 ? row.en.replacingOccurrences(of: "Chen Mo", with: "Chen Mu") : row.en
        }
    }

    func compare(_ runs: [URL], reference: String, glossary: Bool = false, ppl: [PerplexityEval] = [])
        throws -> RunComparison.Result {
        let texts = try runs.map { try ChapteredText.run($0.path) }
        let pairing = try ChapterPairing(runs: texts, references: [try ChapteredText.reference(reference, runs: texts)])
        let terms = glossary ? try Glossary.read(file: sample.appendingPathComponent("glossary.tsv").path).entries : nil
        return try RunComparison(pairing: pairing, names: RunComparison.defaultNames(runs.map(\.path)),
                                 metrics: [BLEU(), CHRF()], bootstrap: PairedBootstrap(samples: 200, seed: 7),
                                 glossary: terms, perplexity: ppl, commandLine: "yanfu compare a b").run()
    }

    func testBookReferencePairsChaptersByNumberAndSkipsTheTitle() throws {
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let drift = try drifted()
        let book = try ChapteredText.reference(sample.appendingPathComponent("en.txt").path,
                                               runs: [try ChapteredText.run(exact.path)])
        XCTAssertEqual(book.kind, .book)
        XCTAssertEqual(book.order, [1, 2, 3, 4])
        XCTAssertEqual(book.chapters[2]?.first, "Chapter 2: The Wangjiang Inn")
        // The same book saved as UTF-16 (not a line file, which must be UTF-8) reads the same.
        let text = try String(contentsOf: sample.appendingPathComponent("en.txt"), encoding: .utf8)
        let utf16 = dir.appendingPathComponent("en-utf16.txt")
        try XCTUnwrap(text.data(using: .utf16)).write(to: utf16)   // with a byte-order mark
        let again = try ChapteredText.reference(utf16.path, runs: [try ChapteredText.run(exact.path)])
        XCTAssertEqual(again.chapters, book.chapters)
        // Saved as Windows-1252 (its dashes become byte 0x97), it reads the same when its encoding is named.
        let cp1252 = dir.appendingPathComponent("en-1252.txt")
        try Data(try ICU.encode(text, as: "windows-1252")).write(to: cp1252)
        let named = try ChapteredText.reference(cp1252.path, runs: [try ChapteredText.run(exact.path)],
                                                decoding: DecodeOptions(encoding: "windows-1252"))
        XCTAssertEqual(named.chapters, book.chapters)
        XCTAssertEqual(named.warnings, [])

        let result = try compare([exact, drift], reference: sample.appendingPathComponent("en.txt").path)
        XCTAssertEqual(result.chapters, [1, 2, 3, 4])
        XCTAssertEqual(result.skipped.map(\.chapters), [[0], [0]], "each run's title chapter is left out")
        XCTAssertEqual(result.runs.map(\.name), ["exact", "drift"])
        XCTAssertNotNil(result.sentenceLevelUnavailable, "a book's sentences are not aligned with units")
        XCTAssertTrue(result.sentence.isEmpty)
        let dBLEU = try XCTUnwrap(result.document.first { $0.metricKey == "bleu" })
        // An identical run scores 100.00000000000004 (exp of a sum of logs): 1e-13 is 2.5× that gap.
        XCTAssertEqual(dBLEU.results[0].score.score, 100, accuracy: 1e-13)
        print("compare: drift d-BLEU \(dBLEU.results[1].score.score), exact \(dBLEU.results[0].score.score)")
        XCTAssertLessThan(dBLEU.results[1].score.score, 99.5)
        XCTAssertGreaterThan(dBLEU.results[1].score.score, 98)   // measured 98.70
        XCTAssertNil(dBLEU.results[0].pValue)
        XCTAssertNotNil(dBLEU.results[1].pValue)
        let series = try XCTUnwrap(result.byChapter.first { $0.metricKey == "bleu" })
        for score in series.runs[0] { XCTAssertEqual(score, 100, accuracy: 1e-13) }
        XCTAssertTrue(series.runs[1].contains { $0 < 100 })
    }

    func testGuoFengReferenceSkipsChapterZeroAndAlignsSentences() throws {
        let guofeng = sample.appendingPathComponent("guofeng/sample.en").path
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let drift = try drifted()
        let result = try compare([exact, drift], reference: guofeng)
        XCTAssertEqual(result.references[0].kind, .guofeng)
        XCTAssertEqual(result.chapters, [1, 2, 3, 4])
        XCTAssertEqual(result.skipped.count, 2)
        XCTAssertNil(result.sentenceLevelUnavailable)
        XCTAssertEqual(result.sentenceCount, 146, "142 sentences and 4 headings")
        let sentenceBLEU = try XCTUnwrap(result.sentence.first { $0.metricKey == "bleu" })
        XCTAssertEqual(sentenceBLEU.results[0].score.score, 100, accuracy: 1e-13)
        print("compare: drift sentence BLEU \(sentenceBLEU.results[1].score.score), exact \(sentenceBLEU.results[0].score.score)")
        XCTAssertLessThan(sentenceBLEU.results[1].score.score, 100)

        // Units of two sentences: no sentence alignment, but d-BLEU is the same.
        let packed = try SampleRuns.write("packed", in: dir, rows: rows, perUnit: 2)
        let docOnly = try compare([packed], reference: guofeng)
        XCTAssertTrue(docOnly.sentence.isEmpty)
        XCTAssertTrue(docOnly.sentenceLevelUnavailable?.hasPrefix("chapter 1 has ") ?? false,
                      docOnly.sentenceLevelUnavailable ?? "nil")
        XCTAssertEqual(docOnly.document[0].results[0].score.score, 100, accuracy: 1e-13)
    }

    /// `yanfu score --hyp RUN --ref guofeng/sample.en --document-level`: the run has 5 chapters
    /// (0 = title) and the GuoFeng file 4; unpaired they cannot be scored, paired they can.
    func testScoreDocumentLevelOfRunAgainstGuoFengPairsChapters() throws {
        let guofeng = sample.appendingPathComponent("guofeng/sample.en").path
        let run = try SampleRuns.write("run", in: dir, rows: rows, perUnit: 3)
        XCTAssertThrowsError(try ScoringInput.align(hypotheses: try SegmentSet.read(run.path),
                                                    references: [try SegmentSet.read(guofeng)], documentLevel: true))
        let text = try ChapteredText.run(run.path)
        let pairing = try ChapterPairing(runs: [text], references: [try ChapteredText.reference(guofeng, runs: [text])])
        XCTAssertEqual(pairing.warnings, ["\(run.path): chapter 0 not in every run and reference, left out"])
        let score = try documentBLEU(hypotheses: pairing.documentSet(text), references: [pairing.documentSet(pairing.references[0])])
        XCTAssertEqual(score.score, 100, accuracy: 1e-13)
    }

    /// A run still translating (run.json not finished, chapter 3 begun but not in its chapter
    /// times): chapter 3 is left out for every run, with the reason; once the run is finished, or
    /// without run.json, every chapter counts.
    func testChapterAnUnfinishedRunStoppedInsideIsLeftOut() throws {
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let chapter3 = rows.indices.filter { rows[$0].chapter == 3 }
        let partial = try SampleRuns.write("partial", in: dir, rows: Array(rows[..<(chapter3[0] + 4)]))
        let info = partial.appendingPathComponent("run.json")
        // run.json as translate writes it (the same type), so reader and writer cannot drift apart.
        func writeInfo(finished: Bool) throws {
            var run = RunInfo(yanfuVersion: "test", settings: TranslateSettings(book: "zh.txt", model: "m.gguf", threads: 1),
                              template: .chatml, modelSHA256: "", modelBytes: 0, architecture: "qwen2", kernelThreads: 1,
                              blas: "", started: "2026-12-06T00:00:00Z")
            run.finished = finished
            run.chapterSeconds = ["0": 1.5, "1": 40.2, "2": 35.0]
            try run.json().write(to: info)
        }
        try writeInfo(finished: false)
        XCTAssertEqual(try ChapteredText.run(partial.path).unfinished, [3])
        let book = sample.appendingPathComponent("en.txt").path
        let result = try compare([exact, partial], reference: book)
        XCTAssertEqual(result.chapters, [1, 2])
        XCTAssertEqual(result.skipped.map(\.origin), [exact.path, exact.path, partial.path, partial.path, book, book])
        XCTAssertEqual(result.skipped.map(\.chapters), [[3], [0, 4], [3], [0], [3], [4]])
        XCTAssertEqual(result.skipped[2].reason, "unfinished in this run: translate stopped inside it or is still running")
        XCTAssertEqual(result.skipped[0].reason, "unfinished in another run")
        let dBLEU = try XCTUnwrap(result.document.first { $0.metricKey == "bleu" })
        XCTAssertEqual(dBLEU.results[1].score.score, 100, accuracy: 1e-13, "the finished chapters are the reference's")

        try writeInfo(finished: true)
        XCTAssertEqual(try compare([exact, partial], reference: book).chapters, [1, 2, 3])
        try FileManager.default.removeItem(at: info)
        XCTAssertEqual(try compare([exact, partial], reference: book).chapters, [1, 2, 3])
        try Data("{not json".utf8).write(to: info)
        let damaged = try ChapteredText.run(partial.path)
        XCTAssertEqual(damaged.unfinished, [])
        XCTAssertEqual(damaged.warnings.count, 1)
        XCTAssertTrue(damaged.warnings[0].hasPrefix(info.path), damaged.warnings[0])
    }

    /// Chapters a run took from `translate --reference` (records marked "reference": true) are its
    /// reference's English, not a translation: left out for every run, with the reason.
    func testChaptersGivenByTranslateReferenceAreLeftOut() throws {
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let given = try SampleRuns.write("given", in: dir, rows: rows)
        let segments = given.appendingPathComponent("segments.jsonl")
        let marked = try String(contentsOf: segments, encoding: .utf8).split(separator: "\n").map { line -> String in
            var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if [1, 2].contains(record["chapter"] as? Int) { record["reference"] = true }
            return String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
        }
        try Data((marked.joined(separator: "\n") + "\n").utf8).write(to: segments)
        XCTAssertEqual(try ChapteredText.run(given.path).given, [1, 2])
        XCTAssertEqual(try ChapteredText.run(exact.path).given, [])
        let book = sample.appendingPathComponent("en.txt").path
        let result = try compare([exact, given], reference: book)
        XCTAssertEqual(result.chapters, [3, 4])
        XCTAssertEqual(result.skipped.map(\.origin), [exact.path, exact.path, given.path, given.path, book])
        XCTAssertEqual(result.skipped.map(\.chapters), [[1, 2], [0], [1, 2], [0], [1, 2]])
        XCTAssertEqual(result.skipped.map(\.reason), ["taken from --reference by a run", "not in every run and reference",
                                                      "given to translate as reference English (--reference), not translated",
                                                      "not in every run and reference", "taken from --reference by a run"])
    }

    func testLineAlignedReferenceBorrowsTheRunsChapters() throws {
        let run = try SampleRuns.write("run", in: dir, rows: rows)
        let lines = dir.appendingPathComponent("ref.txt")
        try Data((rows.map(\.en).joined(separator: "\n") + "\n").utf8).write(to: lines)
        let result = try compare([run], reference: lines.path)
        XCTAssertEqual(result.references[0].kind, .lines)
        XCTAssertEqual(result.chapters, [0, 1, 2, 3, 4])
        XCTAssertTrue(result.skipped.isEmpty)
        XCTAssertEqual(result.sentenceCount, rows.count)
    }

    func testNameTableShowsBothRenderingsOfADriftingName() throws {
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let drift = try drifted()
        let result = try compare([exact, drift], reference: sample.appendingPathComponent("en.txt").path, glossary: true)
        let terms = try XCTUnwrap(result.glossaryTerms)
        XCTAssertEqual(terms.count, 13)
        let chenMo = try XCTUnwrap(terms.first { $0.source == "陈墨" })
        XCTAssertEqual(chenMo.runs[0].renderings.map(\.name), ["Chen Mo"])
        XCTAssertEqual(chenMo.runs[0].share, 1)
        XCTAssertEqual(Set(chenMo.runs[1].renderings.map(\.name)), ["Chen Mo", "Chen Mu"])
        XCTAssertEqual(chenMo.runs[1].units, chenMo.runs[0].units)
        let share = try XCTUnwrap(chenMo.runs[1].share)
        print("glossary: Chen Mo share \(share)")
        XCTAssertEqual(share, 0.5)   // every other unit with Chen Mo says Chen Mu: exactly half (measured)
        // The drifting run is split down the middle for Chen Mo: its majority way holds half too.
        XCTAssertEqual(chenMo.runs[0].majorityShare, 1)
        XCTAssertEqual(chenMo.runs[1].majorityShare, 0.5)
        let means = NameConsistency.means(terms, runs: 2)
        XCTAssertEqual(means.count, 2)
        let exactMean = try XCTUnwrap(means[0]), driftMean = try XCTUnwrap(means[1])
        XCTAssertGreaterThan(exactMean.majority, driftMean.majority)
        // Names that co-occur with Chen Mo belong to their own terms.
        let zhou = try XCTUnwrap(terms.first { $0.source == "周伯" })
        XCTAssertEqual(zhou.runs[0].renderings.first?.name, "Uncle Zhou")
        XCTAssertFalse(chenMo.runs[0].renderings.contains { $0.name == "Uncle Zhou" })
    }

    func testFrequentNamesWithoutGlossary() throws {
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let drift = try drifted()
        let result = try compare([exact, drift], reference: sample.appendingPathComponent("en.txt").path)
        let names = try XCTUnwrap(result.frequentNames)
        XCTAssertEqual(names.count, 15)
        XCTAssertTrue(names.map(\.name).contains("Mo"))
        XCTAssertFalse(names.contains { ["The", "He", "She", "I"].contains($0.name) }, "\(names.map(\.name))")
        for n in names { XCTAssertEqual(n.runs[0], n.reference, n.name) }
        let mo = try XCTUnwrap(names.first { $0.name == "Mo" })
        XCTAssertLessThan(mo.runs[1], mo.reference)
        XCTAssertEqual(names.map(\.reference), names.map(\.reference).sorted(by: >))
    }

    func testReportFolderFilesAndJSON() throws {
        let exact = try SampleRuns.write("exact", in: dir, rows: rows)
        let drift = try drifted()
        let ppl = try PerplexityEval.read(FixturePaths.evaluate("eval-ppl").path)
        let result = try compare([exact, drift], reference: sample.appendingPathComponent("en.txt").path,
                                 glossary: true, ppl: [ppl])
        let out = dir.appendingPathComponent("out/report")
        let written = try result.write(to: out.path)
        for file in ["report.md", "compare.json", "dbleu-by-chapter.svg", "dchrf-by-chapter.svg", "ppl-by-chapter.svg"] {
            XCTAssertTrue(written.contains(out.appendingPathComponent(file).path), file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), file)
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        for needle in ["## Scores", "## d-BLEU by chapter", "## Name consistency", "## Skipped chapters",
                       "## Reference perplexity by chapter", "`yanfu compare a b`".replacingOccurrences(of: "`", with: ""),
                       "| 陈墨 | Chen Mo |", "coarse", "(dbleu-by-chapter.svg)", "(ppl-by-chapter.svg)"] {
            XCTAssertTrue(report.contains(needle), "report.md lacks \(needle)")
        }
        let svg = try String(contentsOf: out.appendingPathComponent("dbleu-by-chapter.svg"), encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, "one line per run")
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        let pplSVG = try String(contentsOf: out.appendingPathComponent("ppl-by-chapter.svg"), encoding: .utf8)
        XCTAssertEqual(pplSVG.components(separatedBy: "<polyline").count - 1, 2, "base and Temp-LoRA")

        let data = try Data(contentsOf: out.appendingPathComponent("compare.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["command", "references", "runs", "chapters", "skipped", "bootstrap",
                                        "document_level", "sentence_level", "by_chapter", "names", "perplexity"])
        XCTAssertEqual(json["chapters"] as? [Int], [1, 2, 3, 4])
        let doc = try XCTUnwrap(json["document_level"] as? [String: Any])
        let metrics = try XCTUnwrap(doc["metrics"] as? [[String: Any]])
        XCTAssertEqual(metrics.map { $0["name"] as? String }, ["d-BLEU", "d-chrF2"])
        let results = try XCTUnwrap(metrics[0]["results"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["run"] as? String }, ["exact", "drift"])
        XCTAssertEqual(results[0]["score"] as? Double ?? 0, 100, accuracy: 1e-13)
        XCTAssertTrue(results[0]["p_value"] is NSNull)
        XCTAssertNotNil(results[1]["p_value"] as? Double)
        let sentence = try XCTUnwrap(json["sentence_level"] as? [String: Any])
        XCTAssertEqual(sentence["available"] as? Bool, false)
        let names = try XCTUnwrap(json["names"] as? [String: Any])
        XCTAssertEqual((names["glossary"] as? [Any])?.count, 13)
        let skipped = try XCTUnwrap(json["skipped"] as? [[String: Any]])
        XCTAssertEqual(skipped.map { $0["chapters"] as? [Int] }, [[0], [0]])
        let perplexity = try XCTUnwrap(json["perplexity"] as? [[String: Any]])
        XCTAssertEqual((perplexity.first?["chapters"] as? [Any])?.count, 4)
    }

    /// The runs of Eval/metrics/make_compare_fixture.py, scored by sacreBLEU on chapters paired in Python.
    func testChapterDocumentsMatchSacreBLEU() throws {
        let data = try Data(contentsOf: FixturePaths.evaluate("compare-sample.json"))
        let fixture = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let specs = try XCTUnwrap(fixture["runs"] as? [[String: Any]])
        XCTAssertEqual(specs.count, 2)
        let runs = try specs.map { spec -> URL in
            let every = try XCTUnwrap(spec["chen_mu_every"] as? Int), oldZhou = try XCTUnwrap(spec["old_zhou"] as? Bool)
            var seen = 0
            return try SampleRuns.write(try XCTUnwrap(spec["name"] as? String), in: dir, rows: rows,
                                        perUnit: try XCTUnwrap(spec["per_unit"] as? Int)) { row in
                var en = row.en
                if row.zh.contains("陈墨") {
                    seen += 1
                    if seen % every == 0 { en = en.replacingOccurrences(of: "Chen Mo", with: "Chen Mu") }
                }
                if oldZhou && row.zh.contains("周伯") { en = en.replacingOccurrences(of: "Uncle Zhou", with: "Old Zhou") }
                return en
            }
        }
        for reference in ["en.txt", "guofeng/sample.en"] {
            let result = try compare(runs, reference: sample.appendingPathComponent(reference).path)
            XCTAssertEqual(result.chapters, fixture["chapters"] as? [Int], reference)
            for (r, spec) in specs.enumerated() {
                XCTAssertEqual(result.runs[r].units, spec["units"] as? Int, reference)
                for (key, field) in [("bleu", "d_bleu"), ("chrf", "d_chrf")] {
                    let metric = try XCTUnwrap(result.document.first { $0.metricKey == key })
                    let expected = try XCTUnwrap(spec[field] as? Double)
                    // Against sacreBLEU's scores: within a few ulps (1e-13 relative holds; it was 1e-9).
                    XCTAssertEqual(metric.results[r].score.score, expected, accuracy: 1e-13 * expected, "\(reference) \(field)")
                    let series = try XCTUnwrap(result.byChapter.first { $0.metricKey == key }).runs[r]
                    let byChapter = try XCTUnwrap(spec["\(key)_by_chapter"] as? [Double])
                    XCTAssertEqual(byChapter.count, 4, "the fixture scores the sample's four chapters")
                    XCTAssertEqual(series.count, byChapter.count)
                    for (got, want) in zip(series, byChapter) { XCTAssertEqual(got, want, accuracy: 1e-13 * want, "\(reference) \(key)") }
                }
            }
        }
    }

    func testErrorsNameTheFileAndWhatWasExpected() throws {
        let missing = dir.appendingPathComponent("nope").path
        XCTAssertThrowsError(try ChapteredText.run(missing)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(missing): no such run folder; expected a folder written by"), "\(error)")
        }
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ChapteredText.run(empty.path)) { error in
            XCTAssertTrue("\(error)".contains("segments.jsonl is missing"), "\(error)")
        }
        try Data().write(to: empty.appendingPathComponent("segments.jsonl"))
        XCTAssertThrowsError(try ChapteredText.run(empty.path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("segments.jsonl: no translated units; expected one JSON record per line "
                + "with chapter, unit, source and translation"), "\(error)")
        }
        // A book whose only chapter is one the run does not have.
        let run = try ChapteredText.run(try SampleRuns.write("run", in: dir, rows: rows).path)
        let other = dir.appendingPathComponent("other.txt")
        try Data("Chapter 9: Elsewhere\n\nNothing in common here.\n".utf8).write(to: other)
        XCTAssertThrowsError(try ChapterPairing(runs: [run], references: [try ChapteredText.reference(other.path, runs: [run])])) { error in
            XCTAssertTrue("\(error)".hasPrefix("no chapter in common: \(run.origin) has 0–4; \(other.path) has 9"), "\(error)")
        }
        // Neither aligned lines nor headings.
        let prose = dir.appendingPathComponent("prose.txt")
        try Data("Just one line.\n".utf8).write(to: prose)
        XCTAssertThrowsError(try ChapteredText.reference(prose.path, runs: [run])) { error in
            XCTAssertTrue("\(error)".contains("no numbered chapter headings found; expected a run folder, a GuoFeng file"), "\(error)")
            XCTAssertTrue("\(error)".contains("line-aligned file with \(run.unitCount) lines"), "\(error)")
        }
    }

    func testDefaultNamesAreFolderNamesUnlessTheyClash() {
        XCTAssertEqual(RunComparison.defaultNames(["runs/off", "runs/lora/"]), ["off", "lora"])
        XCTAssertEqual(RunComparison.defaultNames(["a/off", "b/off", "c/x"]), ["a/off", "b/off", "x"])
    }
}
