import Evaluate
import Foundation
import Text
import XCTest

/// Line-aligned files, GuoFeng files and run folders as scoring inputs, and their errors.
final class InputTests: XCTestCase {
    typealias V = TestVectors
    var dir: URL!

    override func setUpWithError() throws { dir = try FixturePaths.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testLinesFollowSacreBLEUsReader() throws {
        // Only "\n" ends a line; U+001C and U+2028 stay inside; the final newline adds no segment.
        let p = try write("a.txt", "one\u{1C}two\n\nthree\u{2028}x\r\n")
        XCTAssertEqual(try SegmentFile.readLines(p), ["one\u{1C}two", "", "three\u{2028}x\r"])
        XCTAssertEqual(try SegmentFile.readLines(try write("b.txt", "last without newline")), ["last without newline"])
        XCTAssertEqual(try SegmentFile.readLines(try write("c.txt", "")), [])
    }

    func testInvalidUTF8NamesLineAndOffset() throws {
        let url = dir.appendingPathComponent("bad.txt")
        try Data([0x6F, 0x6B, 0x0A, 0x61, 0xE4, 0xB8, 0x0A]).write(to: url)  // truncated 3-byte sequence
        XCTAssertThrowsError(try SegmentFile.readLines(url.path)) { error in
            XCTAssertEqual(error as? EvaluateError, .invalidUTF8(path: url.path, line: 2, byteOffset: 4))
            XCTAssertEqual("\(error)", "\(url.path):2: invalid UTF-8 at byte offset 4; expected UTF-8 text")
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try SegmentSet.read(dir.appendingPathComponent("nope.txt").path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("nope.txt: no such file"), "\(error)")
        }
    }

    func testCountMismatchNamesBothCountsAndFiles() throws {
        let h = SegmentSet(segments: ["a", "b", "c"], origin: "hyp.txt")
        let r = SegmentSet(segments: ["a", "b"], origin: "ref.txt")
        XCTAssertThrowsError(try ScoringInput.align(hypotheses: h, references: [r], documentLevel: false)) { error in
            XCTAssertEqual("\(error)", "segment count mismatch: hyp.txt has 3 segments but ref.txt has 2; "
                + "inputs must be line-aligned (one segment per line)")
        }
    }

    func testDocumentIDFileGivesV13() throws {
        let h = try SegmentSet.read(try write("h.txt", V.h.joined(separator: "\n") + "\n"))
            .withDocumentIDs(fromFile: try write("ids.txt", "d1\nd1\nd1\nd2\nd2\n"))
        let r = try SegmentSet.read(try write("r.txt", V.r.joined(separator: "\n") + "\n"))
        let s = try documentBLEU(hypotheses: h, references: [r])
        XCTAssertEqual(s.score, 45.15871057299044)
        let same = try documentBLEU(hyps: V.h, refs: [V.r], documentIDs: ["a", "a", "a", "b", "b"])
        XCTAssertEqual(same.score, s.score)
        XCTAssertThrowsError(try documentBLEU(hypotheses: SegmentSet(segments: V.h, origin: "h"),
                                              references: [SegmentSet(segments: V.r, origin: "r")])) { error in
            XCTAssertTrue("\(error)".contains("no documents"), "\(error)")
        }
    }

    func testGuoFengFileChaptersAreDocuments() throws {
        let guofeng = "<BOOK id=\"b\">\n<CHAPTER id=\"1\">\n" + V.r[0..<3].joined(separator: "\n")
            + "\n</CHAPTER>\n<CHAPTER id=\"2\">\n" + V.r[3...].joined(separator: "\n") + "\n</CHAPTER>\n"
        let ref = try SegmentSet.read(try write("ref.en", guofeng))
        XCTAssertEqual(ref.segments, V.r)
        XCTAssertEqual(ref.documentIDs, ["b/1", "b/1", "b/1", "b/2", "b/2"])
        // A plain hypothesis borrows the reference's chapters: d-BLEU = V13, s-BLEU = V1.
        let hyp = try SegmentSet.read(try write("hyp.en", V.h.joined(separator: "\n") + "\n"))
        XCTAssertEqual(try documentBLEU(hypotheses: hyp, references: [ref]).score, 45.15871057299044)
        let aligned = try ScoringInput.align(hypotheses: hyp, references: [ref], documentLevel: false)
        XCTAssertEqual(try BLEU().corpusScore(hyps: aligned.hypotheses, refs: aligned.references).score,
                       38.49679289215302)
    }

    func testRunFolderIgnoresTornLastLine() throws {
        let run = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        var jsonl = ""
        for (i, t) in V.h.enumerated() {
            let chapter = i < 3 ? 1 : 2
            let object: [String: Any] = ["chapter": chapter, "unit": i, "source": "源\(i)", "translation": t]
            jsonl += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        jsonl += "{\"chapter\": 2, \"unit\": 5, \"source\": \"x\", \"transl"  // cut off mid-write
        try Data(jsonl.utf8).write(to: run.appendingPathComponent("segments.jsonl"))
        let set = try SegmentSet.read(run.path)
        XCTAssertEqual(set.segments, V.h)
        XCTAssertEqual(set.documentIDs, ["1", "1", "1", "2", "2"])
        let ref = SegmentSet(segments: V.r, origin: "ref")
        XCTAssertEqual(try documentBLEU(hypotheses: set, references: [ref]).score, 45.15871057299044)
    }

    func testRunFolderBadLineInTheMiddleIsAnError() throws {
        let run = dir.appendingPathComponent("run2")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let text = "{\"chapter\":1,\"unit\":0,\"source\":\"a\",\"translation\":\"b\"}\n{\"chapter\":\"one\"}\n"
            + "{\"chapter\":1,\"unit\":1,\"source\":\"a\",\"translation\":\"b\"}\n"
        try Data(text.utf8).write(to: run.appendingPathComponent("segments.jsonl"))
        XCTAssertThrowsError(try RunFolderReader.read(run.path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("segments.jsonl:2: field \"chapter\" is not an integer"), "\(error)")
        }
    }

    func testPerChapterSeriesAndUnborrowableChapters() throws {
        let ids = ["c1", "c1", "c1", "c2", "c2"]
        let hyp = SegmentSet(segments: TestVectors.h, documentIDs: ids, origin: "hyp")
        let ref = SegmentSet(segments: TestVectors.r, origin: "ref")
        let series = try perDocumentScores(BLEU(), hypotheses: hyp, references: [ref])
        XCTAssertEqual(series.map(\.document), ["c1", "c2"])
        let first = try BLEU().corpusScore(hyps: [TestVectors.h[0..<3].joined(separator: " ")],
                                           refs: [[TestVectors.r[0..<3].joined(separator: " ")]])
        XCTAssertEqual(series[0].score.score, first.score)
        let short = SegmentSet(segments: Array(TestVectors.r.prefix(4)), origin: "short.txt")
        XCTAssertThrowsError(try documentBLEU(hypotheses: hyp, references: [short])) { error in
            XCTAssertTrue("\(error)".hasPrefix("short.txt has no chapters and 4 segments, but the chapters of hyp cover 5"), "\(error)")
        }
    }

    func testConfidenceAndShortSignatureFormatting() throws {
        var s = try BLEU().corpusScore(hyps: ["The cat sat on the mat.", "He did not say a word."],
                                       refs: [["The cat was sitting on the mat.", "He said nothing."]])
        s.signature = s.signature.withBootstrap(samples: 1000, seed: 12345)
        s.confidence = (25.1, 18.9)
        XCTAssertEqual(s.formatted(width: 1), "BLEU|nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 26.3 (μ = 25.1 ± 18.9) 57.1/33.3/20.0/12.5 (BP = 1.000 ratio = 1.167 hyp_len = 14 ref_len = 12)")
        XCTAssertEqual(s.signature.formatted(short: true), "#:1|bs:1000|rs:12345|c:mixed|e:no|tok:13a|s:exp|v:2.6.0")
    }

    func testChapterAlignedBooksBecomeDocuments() throws {
        func book(_ chapters: [(Int, [String])]) -> String {
            chapters.map { "CHAPTER \($0.0).\n\n" + $0.1.joined(separator: " ") + "\n" }.joined(separator: "\n")
        }
        let hyp = try write("hyp.txt", book([(1, Array(TestVectors.h[0..<3])), (2, Array(TestVectors.h[3...])),
                                             (3, ["Only in the hypothesis."])]))
        let ref = try write("ref.txt", book([(1, Array(TestVectors.r[0..<3])), (2, Array(TestVectors.r[3...]))]))
        let docs = try ChapterDocuments.read(systems: [hyp], references: [ref])
        XCTAssertEqual(docs.systems[0].documentIDs, ["chapter 1", "chapter 2"])
        XCTAssertEqual(docs.references[0].segments[1], TestVectors.r[3...].joined(separator: " "))
        XCTAssertEqual(docs.warnings.count, 1)
        XCTAssertTrue(docs.warnings[0].contains("chapter 3 is not in every book"), docs.warnings[0])
        XCTAssertEqual(try documentBLEU(hypotheses: docs.systems[0], references: docs.references).score,
                       45.15871057299044)

        // A stray byte (invalid UTF-8 and in every legacy encoding tried) fails, naming the place, unless read lossily.
        var bytes = Array(try String(contentsOfFile: hyp, encoding: .utf8).utf8)
        bytes.insert(0xFF, at: bytes.firstIndex(of: UInt8(ascii: "\n"))! + 1)
        let damaged = try write("damaged.txt", "")
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        XCTAssertThrowsError(try ChapterDocuments.read(systems: [damaged], references: [ref])) { e in
            XCTAssertTrue("\(e)".hasPrefix(damaged + ": byte offset ") && "\(e)".contains("--lossy"), "\(e)")
        }
        let lossy = try ChapterDocuments.read(systems: [damaged], references: [ref], decoding: DecodeOptions(lossy: true))
        XCTAssertEqual(lossy.systems[0].segments, ["\u{FFFD} " + docs.systems[0].segments[0], docs.systems[0].segments[1]])
        XCTAssertTrue(lossy.warnings.contains { $0.hasPrefix(damaged + ": replaced 1 invalid") }, "\(lossy.warnings)")
    }

    func testChapterDocumentsPairVolumesThatRestartNumbering() throws {
        let hyp = try write("hyp.txt", "BOOK I\n\nChapter 1\n\nHe left.\n\nChapter 2\n\nHe arrived.\n\n"
            + "BOOK II\n\nChapter 1\n\nHe left again.\n\nChapter 2\n\nHe arrived again.\n")
        let ref = try write("ref.txt", "BOOK I\n\nChapter 1\n\nHe went away.\n\n"
            + "BOOK II\n\nChapter 1\n\nHe went away again.\n\nChapter 2\n\nHe came again.\n\nChapter 3\n\nHe stayed.\n")
        let docs = try ChapterDocuments.read(systems: [hyp], references: [ref])
        XCTAssertEqual(docs.systems[0].documentIDs, ["chapter 1 of volume 1", "chapter 1 of volume 2", "chapter 2 of volume 2"])
        XCTAssertEqual(docs.systems[0].segments, ["He left.", "He left again.", "He arrived again."])
        XCTAssertEqual(docs.references[0].segments, ["He went away.", "He went away again.", "He came again."])
        XCTAssertEqual(docs.warnings, [hyp + ": chapter 2 of volume 1 is not in every book and is left out",
                                       ref + ": chapter 3 of volume 2 is not in every book and is left out"])
    }
}
