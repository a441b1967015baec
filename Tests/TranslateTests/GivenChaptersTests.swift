import Evaluate
import Foundation
import Text
import Translate
import XCTest

/// `translate --reference` without a model: which chapters are given, their units, and the
/// refusals of a reference that cannot serve, from the library and from the command line (which
/// must refuse before it loads the model).
final class GivenChaptersTests: XCTestCase {
    static let sample = TranslateTestSupport.packageRoot + "/Corpora/sample"

    var dir = ""

    override func setUpWithError() throws {
        dir = TranslateTestSupport.temporaryDirectory("given-\(name.filter { $0.isLetter || $0.isNumber })")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The first `lines` lines of the sample's English (36: the title and chapters 1-2), plus `extra`.
    func english(lines: Int, extra: String = "", name: String = "en.txt") throws -> String {
        let en = try String(contentsOfFile: Self.sample + "/en.txt", encoding: .utf8)
        let path = dir + "/" + name
        try (en.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).joined(separator: "\n") + "\n" + extra)
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func book() throws -> Book { try Translator.readBook(Self.sample + "/zh.txt") }

    func plan(_ given: GivenChapters?, chapters: ClosedRange<Int>? = nil) throws -> UnitPlan {
        try UnitPlan.make(book: book(), file: Self.sample + "/zh.txt", chapters: chapters, tokenBudget: 96, maxSentences: 1,
                          given: given, countTokens: { $0.count })
    }

    /// The given chapters' pairs are exactly the aligner's, as eval-ppl reads the same two files;
    /// they become the units of chapters 1-2 with their English, in book order, and chapters 3-4
    /// are cut into sentences to translate as without a reference.
    func testReferenceChaptersBecomeUnitsOfAlignedPairs() throws {
        let en = try english(lines: 36)
        let given = try GivenChapters.read(reference: en, book: book(), bookFile: Self.sample + "/zh.txt", chapters: nil)
        XCTAssertEqual(given.chapters.values.map(\.number).sorted(), [1, 2])
        XCTAssertEqual(given.warnings, [])
        let corpus = try ReferenceCorpus.read(source: Self.sample + "/zh.txt", reference: en)
        let pairs = given.chapters.values.sorted { $0.number < $1.number }.flatMap { c in c.pairs.map { (c.number, $0) } }
        XCTAssertEqual(pairs.map(\.0), corpus.pairs.map(\.chapter))
        XCTAssertEqual(pairs.map(\.1.source), corpus.pairs.map(\.source))
        XCTAssertEqual(pairs.map(\.1.target), corpus.pairs.map(\.target))

        let plain = try plan(nil), withReference = try plan(given)
        XCTAssertEqual(withReference.chapters.map(\.number), [0, 1, 2, 3, 4])
        XCTAssertEqual(withReference.chapters.map { $0.given?.pairs }, [nil, pairs.filter { $0.0 == 1 }.count, pairs.filter { $0.0 == 2 }.count, nil, nil])
        let units = withReference.units
        XCTAssertEqual(units.filter { $0.reference != nil }.map(\.chapter), Array(repeating: 1, count: 1 + given.chapters.values.first { $0.number == 1 }!.pairs.count)
                       + Array(repeating: 2, count: 1 + given.chapters.values.first { $0.number == 2 }!.pairs.count))
        let heading = try XCTUnwrap(units.first { $0.chapter == 1 })
        XCTAssertTrue(heading.isHeading)
        XCTAssertEqual(heading.source, "第一章　渡口")
        XCTAssertEqual(heading.reference, "Chapter 1: The Ferry")
        XCTAssertEqual(units.filter { $0.chapter == 1 && !$0.isHeading }.map(\.reference), pairs.filter { $0.0 == 1 }.map(\.1.target))
        XCTAssertEqual(units.filter { $0.chapter == 1 }.map(\.unit), Array(0...pairs.filter { $0.0 == 1 }.count), "numbered in order")
        // Paragraphs never go backwards, so the outputs group them as the book does.
        let paragraphs = units.filter { $0.chapter == 2 && !$0.isHeading }.compactMap(\.paragraph)
        XCTAssertEqual(paragraphs, paragraphs.sorted())
        XCTAssertGreaterThan(Set(paragraphs).count, 3)
        // The other chapters are as without a reference.
        XCTAssertEqual(units.filter { $0.chapter != 1 && $0.chapter != 2 }, plain.units.filter { $0.chapter != 1 && $0.chapter != 2 })
        XCTAssertTrue(units.filter { $0.chapter >= 3 }.allSatisfy { $0.reference == nil })
    }

    /// Chapters are paired whatever --chapters selects, so a run extended later sees the same
    /// pairs; a reference chapter the book lacks, or outside the selection, is a warning.
    func testSelectionAndExtraChapters() throws {
        let en = try english(lines: 36, extra: "\nChapter 9: Elsewhere\n\nSomething happened far away.\n")
        let all = try GivenChapters.read(reference: en, book: book(), bookFile: "zh.txt", chapters: nil)
        let first = try GivenChapters.read(reference: en, book: book(), bookFile: "zh.txt", chapters: 1...1)
        XCTAssertEqual(first.chapters.values.map(\.number), [1])
        XCTAssertEqual(first.chapters.values.first, all.chapters.values.first { $0.number == 1 }, "chapter 1 aligned as when both are selected")
        XCTAssertEqual(first.warnings, ["\(en): chapter(s) 9 are not in zh.txt; not used",
                                        "\(en): chapter(s) 2 are outside --chapters 1; not used"])
        XCTAssertEqual(try plan(first, chapters: 1...3).units.filter { $0.reference != nil }.map(\.chapter).max(), 1)
    }

    func testUnusableReferencesAreRefusedNamingTheFile() throws {
        let book = try book()
        func refusal(_ reference: String, chapters: ClosedRange<Int>? = nil) -> String {
            do {
                _ = try GivenChapters.read(reference: reference, book: book, bookFile: "zh.txt", chapters: chapters)
                return "accepted"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(refusal(dir + "/none.txt"), dir + "/none.txt: no such reference file (--reference)")
        let elsewhere = dir + "/elsewhere.txt"
        try "Chapter 7: Far\n\nA river.\n\nChapter 8: Away\n\nA town.\n".write(toFile: elsewhere, atomically: true, encoding: .utf8)
        XCTAssertEqual(refusal(elsewhere), elsewhere + ": no chapter of the reference (7, 8) has a number the book's chapters have (1, 2, 3, 4); "
                       + "expected English chapters headed like the book's (\"Chapter 1\", \"CHAPTER I.\")")
        let en = try english(lines: 36)
        XCTAssertEqual(refusal(en, chapters: 3...4), en + ": none of the reference's chapters (1, 2) is among the chapters to translate "
                       + "(--chapters 3-4); select them too, so that the run learns from them")
        // Windows-1252 (a curly quote as byte 0x93) is not UTF-8: refused with the place, not read as Chinese.
        let cp1252 = dir + "/cp1252.txt"
        try Data("Chapter 1: The Ferry\n\nHe said, ".utf8 + [0x93] + Data("Wait!\".\n".utf8)).write(to: URL(fileURLWithPath: cp1252))
        let bad = refusal(cp1252)
        XCTAssertTrue(bad.hasPrefix(cp1252 + ": cannot read the reference English (--reference): byte offset 31 (line 3): invalid UTF-8"), bad)
        XCTAssertTrue(bad.contains("--reference-encoding"), bad)
        let headingsOnly = dir + "/headings.txt"
        try "Chapter 1: The Ferry\n\nChapter 2: The Inn\n".write(toFile: headingsOnly, atomically: true, encoding: .utf8)
        XCTAssertEqual(refusal(headingsOnly), headingsOnly + ": the aligner paired none of the sentences of chapter(s) 1, 2 with the book's; "
                       + "expected their English translation")
    }

    /// The command refuses a bad reference before anything heavy: the model named here does not
    /// exist, and the run folder is not created.
    func testCommandRefusesABadReferenceBeforeLoadingTheModel() throws {
        _ = try TranslateTestSupport.binary()
        let out = dir + "/run", model = dir + "/no-model.gguf"
        func translate(_ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try TranslateTestSupport.run(["translate", Self.sample + "/zh.txt", "--out", out, "--model", model] + extra)
        }
        let missing = try translate(["--reference", dir + "/none.txt"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains(dir + "/none.txt: no such reference file (--reference)"), missing.stderr)
        let en = try english(lines: 36)
        let unselected = try translate(["--reference", en, "--chapters", "3-4"])
        XCTAssertEqual(unselected.status, 1)
        XCTAssertTrue(unselected.stderr.contains("none of the reference's chapters (1, 2) is among the chapters to translate (--chapters 3-4)"), unselected.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no run folder")
        XCTAssertFalse(missing.stderr.contains(model) || unselected.stderr.contains(model), "the model is never reached")
        let stray = try translate(["--dictionary", dir + "/cedict.txt"])
        XCTAssertEqual(stray.status, 1)
        XCTAssertTrue(stray.stderr.contains("--dictionary: needs --reference"), stray.stderr)
    }

    /// Records of runs made before --reference have no `reference` field and still decode; a
    /// generated record writes none, a given one writes `"reference":true`.
    func testSegmentRecordsMarkGivenUnitsOnly() throws {
        let old = try SegmentRecord.parse(#"{"chapter":1,"unit":0,"source":"甲。","translation":"A."}"#)
        XCTAssertNil(old.reference)
        XCTAssertFalse(try old.jsonLine().contains("reference"))
        var given = old
        given.reference = true
        XCTAssertTrue(try given.jsonLine().contains(#""reference":true"#))
        XCTAssertEqual(try SegmentRecord.parse(try given.jsonLine()), given)
    }
}
