import Foundation
import Text
import XCTest

/// Kills `yanfu translate` with SIGKILL at a random unit and at a random moment of a Temp-LoRA
/// update, resumes it, and compares the run folders with an uninterrupted run's byte for byte
/// (translation.txt, bilingual.md, adapter/, and segments.jsonl without its two timing fields).
final class ResumeKillTests: XCTestCase {
    /// Small on purpose: chapter 1 of the tiny book (4 units), a chunk every ~2 units, 1 step.
    func arguments(_ out: String, model: String, chapters: String = "1", strategy: String = "cascaded") -> [String] {
        ["translate", TranslateTestSupport.fixtures + "/tiny.txt", "--out", out, "--model", model,
         "--temp-lora", strategy, "--chapters", chapters, "--chunk-tokens", "24", "--epochs", "1", "--rank", "4",
         "--threads", "2", "--glossary", TranslateTestSupport.fixtures + "/tiny-glossary.tsv"]
    }

    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ d: Data) { lock.lock(); text += String(decoding: d, as: UTF8.self); lock.unlock() }
        var value: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    /// Starts the binary (in folder `cwd` when given); returns the process and its live stderr.
    func start(_ args: [String], in cwd: String? = nil) throws -> (Process, Output) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TranslateTestSupport.binary())
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let err = Pipe(), out = Output()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { h in out.append(h.availableData) }
        try p.run()
        return (p, out)
    }

    func runToEnd(_ args: [String], in cwd: String? = nil) throws -> String {
        let (p, out) = try start(args, in: cwd)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "yanfu \(args.joined(separator: " ")) failed:\n\(out.value)")
        return out.value
    }

    /// Runs yanfu expecting exit 1 with `message`, and the folder `out` left byte for byte as it was.
    func assertRefused(_ args: [String], saying message: String, leaves out: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = TranslateTestSupport.files(out)
        let (p, err) = try start(args)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1, file: file, line: line)
        XCTAssertTrue(err.value.contains(message), err.value, file: file, line: line)
        XCTAssertEqual(TranslateTestSupport.files(out), before, "a refused run leaves the folder as it was", file: file, line: line)
    }

    func lines(_ file: String) -> Int {
        (FileManager.default.contents(atPath: file).map { $0.filter { $0 == 10 }.count }) ?? 0
    }

    /// Waits until `condition` holds (or the process ends), then kills it with SIGKILL.
    func kill(_ p: Process, after delay: TimeInterval = 0, when condition: () -> Bool) -> Bool {
        while p.isRunning && !condition() { usleep(5_000) }
        if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
        guard p.isRunning else { return false }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return true
    }

    func assertSameRun(_ a: String, _ b: String, _ what: String) throws {
        for f in ["translation.txt", "bilingual.md"] {
            XCTAssertEqual(FileManager.default.contents(atPath: a + "/" + f), FileManager.default.contents(atPath: b + "/" + f), "\(what): \(f)")
        }
        XCTAssertEqual(try TranslateTestSupport.segmentsWithoutTimings(a), try TranslateTestSupport.segmentsWithoutTimings(b), "\(what): segments.jsonl")
        let fa = TranslateTestSupport.files(a + "/adapter"), fb = TranslateTestSupport.files(b + "/adapter")
        XCTAssertFalse(fa.isEmpty, "adapter written")
        XCTAssertEqual(fa, fb, "\(what): adapter/")
    }

    func testKillAtRandomUnitAndDuringUpdateThenResumeIsByteIdentical() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let dir = TranslateTestSupport.temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SystemRandomNumberGenerator()

        let reference = dir + "/reference"
        _ = try runToEnd(arguments(reference, model: model))
        let units = lines(reference + "/segments.jsonl")
        XCTAssertEqual(units, 4)

        // 1. Killed right after a random number of records.
        let k = Int.random(in: 1..<units, using: &rng)
        let atUnit = dir + "/unit"
        let (p1, _) = try start(arguments(atUnit, model: model))
        let killed1 = kill(p1) { lines(atUnit + "/segments.jsonl") >= k }
        XCTAssertTrue(killed1, "the run ended before the kill")
        let resumed1 = try runToEnd(arguments(atUnit, model: model) + ["--resume"])
        XCTAssertTrue(resumed1.contains("resuming after unit"), resumed1)
        try assertSameRun(reference, atUnit, "killed after \(k) unit(s)")

        // 2. Killed at a random moment while an adapter update trains.
        let during = dir + "/update"
        let (p2, out2) = try start(arguments(during, model: model))
        let delay = Double.random(in: 0..<1.5, using: &rng)
        let killed2 = kill(p2, after: delay) { out2.value.contains("training") }
        XCTAssertTrue(killed2, "the run ended before the kill")
        _ = try runToEnd(arguments(during, model: model) + ["--resume"])
        try assertSameRun(reference, during, "killed \(delay) s into an update")

        // A finished folder is refused without --resume or --force.
        try assertRefused(arguments(reference, model: model), saying: "already exists; add --resume", leaves: reference)
    }

    /// A finished run of chapter 1, resumed with --chapters 1-2, equals a run of 1-2 from the
    /// start. Parallel, because its last checkpoint has an update in flight, which the extension
    /// must train again; the rest of the path is the same for every strategy.
    func testResumingWithMoreChaptersExtendsTheRun() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let dir = TranslateTestSupport.temporaryDirectory("extend")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = dir + "/whole", extended = dir + "/extended"
        _ = try runToEnd(arguments(whole, model: model, chapters: "1-2", strategy: "parallel"))
        // The first part starts in the fixtures folder with the book and glossary named relatively; the
        // extension names the same files by their full paths.
        let fixtures = TranslateTestSupport.fixtures + "/"
        let relative = arguments(extended, model: model, chapters: "1", strategy: "parallel")
            .map { $0.hasPrefix(fixtures) ? String($0.dropFirst(fixtures.count)) : $0 }
        XCTAssertTrue(relative.contains("tiny.txt"))
        _ = try runToEnd(relative, in: fixtures)
        let firstPart = lines(extended + "/segments.jsonl")
        XCTAssertGreaterThan(lines(whole + "/segments.jsonl"), firstPart, "chapter 2 adds units")
        let log = try runToEnd(arguments(extended, model: model, chapters: "1-2", strategy: "parallel") + ["--resume"])
        XCTAssertTrue(log.contains("extending the run from chapters 1 to 1-2"), log)
        try assertSameRun(whole, extended, "chapter 1 extended to 1-2")

        // Cutting the run back, shifting it, or changing any other setting is refused.
        try assertRefused(arguments(extended, model: model, chapters: "1", strategy: "parallel") + ["--resume"],
                          saying: "the run has chapters 1-2 and --chapters 1 does not begin with them", leaves: extended)
        try assertRefused(arguments(extended, model: model, chapters: "2", strategy: "parallel") + ["--resume"],
                          saying: "does not begin with them", leaves: extended)
        try assertRefused(arguments(extended, model: model, chapters: "1-2", strategy: "parallel") + ["--resume", "--unit-tokens", "50"],
                          saying: "the settings differ from the run's (see run.json): unit_tokens: 96 in the run, 50 now", leaves: extended)
    }

    /// A chat model's run records its layout; a resume without --layout keeps the run's (a run
    /// from before the choice, whose run.json has none, keeps the paper's), and another one given
    /// is refused.
    func testResumeKeepsTheRunsLayout() throws {
        let model = try TranslateTestSupport.qwen05BPath()
        _ = try TranslateTestSupport.binary()
        let dir = TranslateTestSupport.temporaryDirectory("layout")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func layout(_ run: String) throws -> String? {
            let info = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))) as! [String: Any]
            return (info["settings"] as! [String: Any])["layout"] as? String
        }
        let turns = dir + "/turns", paper = dir + "/paper"
        _ = try runToEnd(arguments(turns, model: model, strategy: "off"))
        XCTAssertEqual(try layout(turns), "turns", "the default for a chat model")
        _ = try runToEnd(arguments(turns, model: model, chapters: "1-2", strategy: "off") + ["--resume"])
        XCTAssertEqual(try layout(turns), "turns")
        try assertRefused(arguments(turns, model: model, chapters: "1-2", strategy: "off") + ["--resume", "--layout", "paper"],
                          saying: "layout: \"turns\" in the run, \"paper\" now", leaves: turns)

        _ = try runToEnd(arguments(paper, model: model, strategy: "off") + ["--layout", "paper"])
        // As written before there was a choice: no layout at all, and camelCase keys (run.json's
        // keys became snake_case on 2026-12-06; older runs still resume).
        let runJSON = paper + "/run.json"
        func camel(_ value: Any) -> Any {
            if let a = value as? [Any] { return a.map(camel) }
            guard let d = value as? [String: Any] else { return value }
            return Dictionary(uniqueKeysWithValues: d.map { key, v in
                let words = key.split(separator: "_")
                let name = String(words[0]) + words.dropFirst().map { $0 == "sha256" ? "SHA256" : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
                return (name, camel(v))
            })
        }
        var info = camel(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runJSON)))) as! [String: Any]
        XCTAssertNotNil(info["modelSHA256"], "the camelCase form of model_sha256")
        var settings = info["settings"] as! [String: Any]
        settings["layout"] = nil
        info["settings"] = settings
        try JSONSerialization.data(withJSONObject: info, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: runJSON))
        _ = try runToEnd(arguments(paper, model: model, chapters: "1-2", strategy: "off") + ["--resume"])
        XCTAssertNil(try layout(paper), "still the paper's layout, still unrecorded")
    }

    /// A run from an EPUB (two chapters, a picture, a footnote, a cover page), killed with SIGKILL
    /// after a random unit and resumed, leaves the same folder as an uninterrupted run, its two
    /// EPUBs byte for byte; epubcheck accepts both, and report.md lists what was kept aside.
    func testKillAndResumeFromAnEPUB() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let dir = TranslateTestSupport.temporaryDirectory("resume-epub")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let book = dir + "/tiny.epub"
        try TinyEPUB.write(to: book)
        // Temp-LoRA off keeps it cheap: the adapter's resume is covered above; here it is the book.
        func args(_ out: String) -> [String] {
            ["translate", book, "--out", out, "--model", model, "--temp-lora", "off", "--chapters", "1-2", "--threads", "2"]
        }
        let reference = dir + "/reference"
        _ = try runToEnd(args(reference))
        let units = lines(reference + "/segments.jsonl")
        XCTAssertGreaterThanOrEqual(units, 7, "two headings and five paragraphs")
        let k = Int.random(in: 1..<units)
        let killed = dir + "/killed"
        let (p, _) = try start(args(killed))
        XCTAssertTrue(kill(p) { lines(killed + "/segments.jsonl") >= k }, "the run ended before the kill")
        // Whatever the moment, no half-written EPUB is left under its final name.
        for name in ["translation.epub", "bilingual.epub"] where FileManager.default.fileExists(atPath: killed + "/" + name) {
            XCTAssertNoThrow(try BookReader.read(file: killed + "/" + name), name)
        }
        _ = try runToEnd(args(killed) + ["--resume"])
        for f in ["translation.txt", "bilingual.md", "translation.epub", "bilingual.epub"] {
            let a = FileManager.default.contents(atPath: reference + "/" + f), b = FileManager.default.contents(atPath: killed + "/" + f)
            XCTAssertNotNil(a, f)
            XCTAssertEqual(a, b, "killed after \(k) unit(s): \(f)")
        }
        XCTAssertEqual(try TranslateTestSupport.segmentsWithoutTimings(reference), try TranslateTestSupport.segmentsWithoutTimings(killed))
        let report = try String(contentsOfFile: killed + "/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("| OPS/chapter 1.xhtml block 5 | note | 苹果是红色的。 |"), report)
        XCTAssertTrue(report.contains("| OPS/cover.xhtml block 2 | cover (from the package's guide or landmarks) | 小明的一天 |"), report)
        for name in ["translation.epub", "bilingual.epub"] {
            let check = try EPUBCheck.run(killed + "/" + name)
            XCTAssertEqual(check.errors, 0, "\(name):\n\(check.output)")
        }
    }

    /// A resume refuses a model file that changed under the same path (here: one byte appended,
    /// which still loads).
    func testResumeRefusesAChangedModelFile() throws {
        let original = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let dir = TranslateTestSupport.temporaryDirectory("model-changed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/model.gguf", out = dir + "/run"
        try FileManager.default.copyItem(atPath: original, toPath: model)
        let args = arguments(out, model: model, strategy: "off")
        _ = try runToEnd(args)
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: model))
        h.seekToEndOfFile()
        h.write(Data([0]))
        try h.close()
        try assertRefused(args + ["--resume"], saying: "the model file changed since the run started", leaves: out)
    }

    /// A session killed after a finished chapter keeps its wall time and that chapter's time in
    /// run.json, so the report of the resumed run counts both sessions.
    func testKilledSessionKeepsItsTimeUpToItsLastChapter() throws {
        let model = try TranslateTestSupport.modelPath()
        _ = try TranslateTestSupport.binary()
        let dir = TranslateTestSupport.temporaryDirectory("killed-time")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run"
        let args = arguments(out, model: model, chapters: "1-2", strategy: "off")
        let (p, _) = try start(args)
        XCTAssertTrue(kill(p) { lines(out + "/segments.jsonl") >= 5 }, "the run ended before the kill")   // chapter 1 has 4 units
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as? [String: Any])
        let sessions = try XCTUnwrap(info["sessions"] as? [[String: Any]])
        XCTAssertEqual(sessions.count, 1)
        XCTAssertGreaterThan(try XCTUnwrap(sessions.first?["seconds"] as? Double), 0)
        XCTAssertGreaterThan(try XCTUnwrap((info["chapter_seconds"] as? [String: Double])?["1"]), 0)
        _ = try runToEnd(args + ["--resume"])
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains(" s in 2 session(s) |"), report)
    }
}
