import Evaluate
import Foundation
import XCTest

/// The run folder's formats written by `translate` and read back through Evaluate's types, the
/// way `compare` and `translate --resume` read them: each must survive the round trip unchanged.
final class RunFilesTests: XCTestCase {
    func testTranslateRunReadsBackThroughEvaluate() throws {
        let model = try TranslateTestSupport.modelPath()
        let dir = TranslateTestSupport.temporaryDirectory("runfiles")
        let book = dir + "/book.txt", glossary = dir + "/names.tsv", out = dir + "/run"
        try "第一章 山路\n\n周叔走上山路。他看见一盏灯。\n\n第二章 夜\n\n夜里很静。周叔睡了。\n".write(toFile: book, atomically: true, encoding: .utf8)
        // A comment, a blank line and spaces around the fields: the one parser's rules.
        try "# names\n周叔\tUncle Zhou\n\n 灯 \t lamp \n".write(toFile: glossary, atomically: true, encoding: .utf8)

        let r = try TranslateTestSupport.run(["translate", book, "--out", out, "--model", model, "--temp-lora", "off",
                                              "--glossary", glossary])
        XCTAssertEqual(r.status, 0, r.stderr)

        // segments.jsonl: every line parses and writes back to the same bytes.
        let lines = try String(contentsOfFile: out + "/segments.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        let records = try RunFolderReader.read(out)
        XCTAssertEqual(records.count, lines.count)
        XCTAssertEqual(records.map(\.chapter), [1, 1, 1, 2, 2, 2], "a heading and two sentences per chapter")
        for (record, line) in zip(records, lines) {
            XCTAssertEqual(try record.jsonLine(), line)
            XCTAssertEqual(try SegmentRecord.parse(line), record)
        }
        XCTAssertEqual(records.map(\.source).joined(), "第一章 山路周叔走上山路。他看见一盏灯。第二章 夜夜里很静。周叔睡了。")

        // run.json: the settings the command was given, and the same bytes when written again.
        let runJSON = try Data(contentsOf: URL(fileURLWithPath: out + "/" + RunInfo.fileName))
        let info = try RunInfo.decode(runJSON)
        XCTAssertEqual(try info.json(), runJSON)
        XCTAssertTrue(info.finished)
        XCTAssertEqual(info.settings.strategy, .off)
        XCTAssertEqual(info.settings.glossary.map { URL(fileURLWithPath: $0).lastPathComponent }, "names.tsv")
        XCTAssertEqual(info.architecture, "gemma3")
        XCTAssertEqual(info.chapterSeconds.keys.sorted(), ["1", "2"])
        XCTAssertFalse(String(decoding: runJSON, as: UTF8.self).contains("modelSHA256"), "snake_case keys")

        // The glossary the run used is the one compare counts.
        let entries = try Glossary.read(file: glossary).entries
        XCTAssertEqual(entries, [GlossaryEntry(source: "周叔", target: "Uncle Zhou"), GlossaryEntry(source: "灯", target: "lamp")])
        let units = records.map { NameConsistency.Unit(source: $0.source, translation: $0.translation) }
        let terms = NameConsistency.glossary(entries, runs: [units])
        XCTAssertEqual(terms.map(\.source), ["周叔", "灯"])
        XCTAssertEqual(terms.map { $0.runs[0].units }, [2, 1], "周叔 in two units, 灯 in one")
    }

    /// An update's count of adapter versions: a skipped step (loss or gradient norm not finite)
    /// leaves the adapter as it was, an undo moves it on; run.json written before skipped steps
    /// were recorded counts the steps whose loss is not finite as the skipped ones.
    func testAdapterVersionsOfAnUpdate() {
        func update(_ losses: [Float], skipped: Int? = nil, undone: Bool = false) -> UpdateRecord {
            var u = UpdateRecord(update: 0, firstUnit: 0, lastUnit: 3, tokens: 10, targetTokens: 5, losses: losses,
                                 seconds: 1, blockingSeconds: 1)
            u.skippedSteps = skipped
            u.rolledBack = undone ? true : nil
            return u
        }
        XCTAssertEqual(update([0.5, 0.4]).adapterVersions, 2)
        XCTAssertEqual(update([0.5, 0.4], undone: true).adapterVersions, 3)
        XCTAssertEqual(update([0.5, 0.4], skipped: 1).adapterVersions, 1, "a finite loss whose gradient norm was not")
        XCTAssertEqual(update([.nan, 0.4]).adapterVersions, 1, "an older run.json")
    }
}
