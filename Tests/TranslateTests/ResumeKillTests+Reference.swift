import Foundation
import Text
import Translate
import XCTest

/// `translate --reference`, run by the binary: the sample's chapters 1-2 with their English given,
/// a short chapter 3 to translate after them (and the title line before them). Cascaded Temp-LoRA
/// with Δ 1024 trains on the given pairs before chapter 3 is translated; a run killed during that
/// training and resumed equals the uninterrupted one.
extension ResumeKillTests {
    /// The inputs, written once into the class's folder: zh.txt (the sample's title, chapters 1-2
    /// and the first two sentences of chapter 3) and en-1-2.txt (the sample's English title and
    /// chapters 1-2).
    func referenceInputs() throws -> (book: String, english: String) {
        let root = Self.referenceFolder ?? TranslateTestSupport.temporaryDirectory("resume-references")
        Self.referenceFolder = root
        let book = root + "/zh.txt", english = root + "/en-1-2.txt"
        if !FileManager.default.fileExists(atPath: english) {
            let sample = TranslateTestSupport.packageRoot + "/Corpora/sample/"
            func firstLines(_ file: String) throws -> String {
                try String(contentsOfFile: sample + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                    .prefix(36).joined(separator: "\n") + "\n"
            }
            try (firstLines("zh.txt") + "第三章　雨夜\n\n　　第二天下午，天忽然阴了下来。到了晚上，大雨哗哗地下个不停，落霞江的水一下子涨了很多。\n")
                .write(toFile: book, atomically: true, encoding: .utf8)
            try firstLines("en.txt").write(toFile: english, atomically: true, encoding: .utf8)
        }
        return (book, english)
    }

    /// The run's arguments; `reference`: the file given as --reference (nil: none).
    func referenceArguments(_ out: String, model: String, reference: String?) throws -> [String] {
        ["translate", try referenceInputs().book, "--out", out, "--model", model, "--temp-lora", "cascaded",
         "--chunk-tokens", "1024", "--context-tokens", "256", "--train-context-tokens", "64", "--epochs", "1", "--rank", "4",
         "--threads", "2"] + (reference.map { ["--reference", $0] } ?? [])
    }

    func referenceArguments(_ out: String, model: String) throws -> [String] {
        try referenceArguments(out, model: model, reference: try referenceInputs().english)
    }

    /// The uninterrupted --reference run, made once per test process.
    func referenceRun(model: String) throws -> String {
        if let r = Self.references["given"] { return r }
        let out = try referenceInputs().book.replacingOccurrences(of: "/zh.txt", with: "/given")
        try? FileManager.default.removeItem(atPath: out)
        try runToEnd(try referenceArguments(out, model: model))
        Self.references["given"] = out
        return out
    }

    /// segments.jsonl as dictionaries, timings included.
    func segmentRecords(_ run: String) throws -> [[String: Any]] {
        try String(contentsOfFile: run + "/segments.jsonl", encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testReferenceChaptersAreGivenAndTrainTheAdapterBeforeTranslating() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let run = try referenceRun(model: model)
        let inputs = try referenceInputs()
        let records = try segmentRecords(run)
        let given = records.filter { $0["reference"] as? Bool == true }, generated = records.filter { $0["reference"] == nil }
        XCTAssertEqual(given.count + generated.count, records.count, "\"reference\" is true or absent")

        // Chapters 1-2 are the aligner's pairs with the reference's English, heading first, nothing generated.
        let book = try Translator.readBook(inputs.book)
        let aligned = try GivenChapters.read(reference: inputs.english, book: book, bookFile: inputs.book, chapters: nil)
        let expected = try UnitPlan.make(book: book, file: inputs.book, chapters: nil, tokenBudget: 96, maxSentences: 1, given: aligned,
                                         countTokens: { $0.count }).units.compactMap { u in u.reference.map { (u.chapter, u.source, $0) } }
        XCTAssertEqual(expected.filter { $0.0 == 1 }.count, 1 + aligned.chapters.values.first { $0.number == 1 }!.pairs.count)
        XCTAssertEqual(given.map { $0["chapter"] as? Int }, expected.map(\.0))
        XCTAssertEqual(given.map { $0["source"] as? String }, expected.map(\.1))
        XCTAssertEqual(given.map { $0["translation"] as? String }, expected.map(\.2))
        XCTAssertEqual(given.first?["translation"] as? String, "Chapter 1: The Ferry")
        XCTAssertTrue(given.allSatisfy { $0["generated_tokens"] as? Int == 0 && $0["prompt_tokens"] as? Int == 0 })

        // The title before them and chapter 3 after them are translated, in book order.
        XCTAssertEqual(generated.map { $0["chapter"] as? Int }, [0, 3, 3, 3])
        XCTAssertEqual(records.compactMap { $0["index"] as? Int }, Array(0..<records.count))
        XCTAssertTrue(generated.allSatisfy { ($0["generated_tokens"] as? Int ?? 0) > 0 })
        let firstTranslated = try XCTUnwrap(records.firstIndex { $0["chapter"] as? Int == 3 })
        // The given pairs fill the context (L_X 256) of chapter 3, which the title's prompt lacked.
        XCTAssertGreaterThan(try XCTUnwrap(records[firstTranslated]["prompt_tokens"] as? Int),
                             try XCTUnwrap(records[0]["prompt_tokens"] as? Int) + 100)

        // Temp-LoRA trained on the given chapters before chapter 3, which used that adapter.
        let ups = try updates(run)
        XCTAssertGreaterThanOrEqual(ups.count, 1)
        XCTAssertLessThan(try XCTUnwrap(ups.first).lastUnit, firstTranslated)
        XCTAssertEqual(records[firstTranslated]["adapter_version"] as? Int,
                       ups.filter { $0.lastUnit < firstTranslated }.reduce(0) { $0 + $1.versions })
        XCTAssertGreaterThanOrEqual(records[firstTranslated]["adapter_version"] as? Int ?? 0, 1)

        // The outputs are one book: the reference's English for chapters 1-2.
        let text = try String(contentsOfFile: run + "/translation.txt", encoding: .utf8)
        XCTAssertTrue(text.contains("\n\nChapter 1: The Ferry\n\nThe Luoxia River flowed past the east side of Qingshi Town. "), text)
        XCTAssertTrue(text.contains("\n\nChapter 2: The Wangjiang Inn\n\n"), text)
        XCTAssertTrue(text.contains("Chapter 3:"), text)
        let bilingual = try String(contentsOfFile: run + "/bilingual.md", encoding: .utf8)
        XCTAssertTrue(bilingual.contains("## 第一章　渡口\n\n## Chapter 1: The Ferry\n\n"), bilingual)
        let epub = try BookReader.read(file: run + "/translation.epub")
        XCTAssertTrue(epub.chapters.contains { $0.title.contains("The Ferry") }, "\(epub.chapters.map(\.title))")

        let report = try String(contentsOfFile: run + "/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("- reference English: `\(inputs.english)`"), report)
        XCTAssertTrue(report.contains("| 1 第一章　渡口 (reference) | \(expected.filter { $0.0 == 1 }.count) |"), report)
        let chapterOne = try XCTUnwrap(aligned.chapters.values.first { $0.number == 1 })
        XCTAssertTrue(report.contains("## From the reference\n\nChapter(s) 1, 2 are the English of `\(inputs.english)`"), report)
        XCTAssertTrue(report.contains("| 1 第一章　渡口 | \(chapterOne.pairs.count) | \(chapterOne.unpairedSource) | \(chapterOne.unpairedReference) |"), report)
    }

    /// The reference is one of the run's settings: a resume without it, with another file, or with
    /// its English changed under the same name, is refused and leaves the folder as it was.
    func testResumeOfAReferenceRunRefusesAnotherReference() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let run = try referenceRun(model: model)
        let english = try referenceInputs().english
        let canonical = URL(fileURLWithPath: english).resolvingSymlinksInPath().path
        try assertRefused(try referenceArguments(run, model: model, reference: nil) + ["--resume"],
                          saying: "the settings differ from the run's (see run.json): reference: \"\(canonical)\" in the run, unset now", leaves: run)
        let other = english.replacingOccurrences(of: "en-1-2.txt", with: "other.txt")
        try FileManager.default.copyItem(atPath: english, toPath: other)
        defer { try? FileManager.default.removeItem(atPath: other) }
        try assertRefused(try referenceArguments(run, model: model, reference: other) + ["--resume"],
                          saying: "reference: \"\(canonical)\" in the run, \"\(URL(fileURLWithPath: other).resolvingSymlinksInPath().path)\" now", leaves: run)
        let original = try Data(contentsOf: URL(fileURLWithPath: english))
        defer { try? original.write(to: URL(fileURLWithPath: english)) }
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "Chapter 1: The Ferry", with: "Chapter 1: The Barge").utf8)
            .write(to: URL(fileURLWithPath: english))
        try assertRefused(try referenceArguments(run, model: model) + ["--resume"],
                          saying: "line 2 does not match the English of unit 1 in \(english) (was the reference changed?)", leaves: run)
    }

    /// Killed with SIGKILL a seeded fraction into a Temp-LoRA update on the given chapters (as in
    /// `testKillDuringTempLoRAUpdateThenResumeIsByteIdentical`), resumed: the folder equals the
    /// uninterrupted run's, EPUBs included.
    func testKillWhileTrainingOnReferenceChaptersThenResume() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        var rng = try killPoints()
        let run = try referenceRun(model: model)
        let units = lines(run + "/segments.jsonl")
        let firstTranslated = try XCTUnwrap(try segmentRecords(run).firstIndex { $0["chapter"] as? Int == 3 })
        let onGiven = try updates(run).filter { $0.lastUnit < firstTranslated }
        XCTAssertGreaterThanOrEqual(onGiven.count, 1)
        let u = onGiven[draw(0..<onGiven.count, &rng)]
        let fraction = 0.05 + 0.45 * rng.nextDouble()
        let started = "chunk \(u.update + 1) done", finished = "update \(u.update + 1) on units"
        let dir = TranslateTestSupport.temporaryDirectory("resume-given")
        defer { try? FileManager.default.removeItem(atPath: dir) }

        var landed: (folder: String, delay: Double)?
        for attempt in 0..<4 where landed == nil {
            let delay = fraction * u.seconds / Double(1 << attempt)
            let out = dir + "/attempt-\(attempt)"
            let (p, err) = try start(try referenceArguments(out, model: model))
            let killed = kill(p, after: delay) { err.value.contains(started) }
            err.waitForEnd()
            XCTAssertTrue(killed, "the run ended before the kill:\n\(err.value)")
            if killed && !err.value.contains(finished) { landed = (out, delay) }
        }
        let killed = try XCTUnwrap(landed, "no kill landed within update \(u.update + 1) (\(u.seconds) s in the uninterrupted run)")
        print("\(name): killed \(killed.delay) s into update \(u.update + 1) on units \(u.lastUnit) and before")
        XCTAssertEqual(lines(killed.folder + "/segments.jsonl"), u.lastUnit + 1, "the given units up to the chunk's end were written")
        let resumed = try runToEnd(try referenceArguments(killed.folder, model: model) + ["--resume"])
        XCTAssertTrue(resumed.contains("resuming after unit \(u.lastUnit + 1) of \(units)"), resumed)
        XCTAssertTrue(resumed.contains(finished), "the resume trains the update again:\n\(resumed)")
        try assertSameRun(run, killed.folder, "killed \(killed.delay) s into update \(u.update + 1)")
        for f in ["translation.epub", "bilingual.epub"] {
            XCTAssertEqual(FileManager.default.contents(atPath: run + "/" + f), FileManager.default.contents(atPath: killed.folder + "/" + f), f)
        }
    }
}
