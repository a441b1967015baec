import Base
import Foundation
import TestSupport
import Text
import XCTest

/// Kills `yanfu translate` with SIGKILL (after a unit, while a Temp-LoRA update trains, while a
/// parallel run trains in the background), resumes it, and compares the run folders with an
/// uninterrupted run's byte for byte (translation.txt, bilingual.md, adapter/, and segments.jsonl
/// without its timing fields).
///
/// The kill points are seeded: each test draws them from SplitMix64 (Base) seeded with
/// $YANFU_KILL_SEED (decimal, or hexadecimal after 0x) or, unset, `defaultSeed`. Every failure
/// message of this class ends with the seed, so `YANFU_KILL_SEED=<seed> swift test -c release
/// --skip-build --filter ResumeKillTests/<test>` draws the same kill points again. A kill after
/// k units replays exactly; a kill within an update replays the same fraction of that update's
/// measured length, which still depends on the machine's load.
final class ResumeKillTests: XCTestCase {
    static let seedVariable = "YANFU_KILL_SEED"
    static let defaultSeed: UInt64 = 0x5941_4E46   // "YANF": its first draws kill in the first of the two updates
    /// The seed in force, nil when $YANFU_KILL_SEED is set but not a number.
    static let seed: UInt64? = parseSeed(ProcessInfo.processInfo.environment[seedVariable])

    static func parseSeed(_ text: String?) -> UInt64? {
        guard let t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return defaultSeed }
        return t.lowercased().hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    }

    var seedNote: String {
        guard let seed = Self.seed else {
            return "[\(Self.seedVariable)=\(ProcessInfo.processInfo.environment[Self.seedVariable] ?? "") is not a seed]"
        }
        return "[kill seed \(seed); replay with \(Self.seedVariable)=\(seed)]"
    }

    struct SeedError: Error, CustomStringConvertible {
        var description: String { "\(ResumeKillTests.seedVariable) must be a decimal or 0x-hexadecimal 64-bit number" }
    }

    /// Every failure of this class names the seed.
    override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        super.recordFailure(withDescription: description + " " + seedNote, inFile: filePath, atLine: lineNumber, expected: expected)
    }

    /// This test's generator of kill points (each test starts from the seed, so one test replays alone).
    func killPoints() throws -> SplitMix64 {
        guard let seed = Self.seed else { throw SeedError() }
        print("\(name): \(seedNote)")
        return SplitMix64(seed: seed)
    }

    /// A number in `range` drawn from the generator alone (no library sampling that could change).
    func draw(_ range: Range<Int>, _ rng: inout SplitMix64) -> Int {
        range.lowerBound + Int(rng.next() % UInt64(range.count))
    }

    /// Small on purpose: chapter 1 of the tiny book (4 units), a chunk every ~2 units, 1 step.
    func arguments(_ out: String, model: String, chapters: String = "1", strategy: String = "cascaded") -> [String] {
        ["translate", TranslateTestSupport.fixtures + "/tiny.txt", "--out", out, "--model", model,
         "--temp-lora", strategy, "--chapters", chapters, "--chunk-tokens", "24", "--epochs", "1", "--rank", "4",
         "--threads", "2", "--glossary", TranslateTestSupport.fixtures + "/tiny-glossary.tsv"]
    }

    /// Starts the binary (in folder `cwd` when given); returns the process and its live stderr.
    func start(_ args: [String], in cwd: String? = nil) throws -> (Process, ChildProcess.Output) {
        let (p, _, err) = try TranslateTestSupport.start(args, in: cwd)
        return (p, err)
    }

    @discardableResult
    func runToEnd(_ args: [String], in cwd: String? = nil) throws -> String {
        let r = try TranslateTestSupport.run(args, in: cwd)
        XCTAssertEqual(r.status, 0, "yanfu \(args.joined(separator: " ")) failed:\n\(r.stderr)")
        return r.stderr
    }

    /// Runs yanfu expecting exit 1 with `message`, and the folder `out` left byte for byte as it was.
    func assertRefused(_ args: [String], saying message: String, leaves out: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = TranslateTestSupport.files(out)
        let r = try TranslateTestSupport.run(args)
        XCTAssertEqual(r.status, 1, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), r.stderr, file: file, line: line)
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

    func assertSameRun(_ a: String, _ b: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for f in ["translation.txt", "bilingual.md"] {
            XCTAssertNotNil(FileManager.default.contents(atPath: a + "/" + f), f, file: file, line: line)
            XCTAssertEqual(FileManager.default.contents(atPath: a + "/" + f), FileManager.default.contents(atPath: b + "/" + f), "\(what): \(f)", file: file, line: line)
        }
        XCTAssertEqual(try TranslateTestSupport.segmentsWithoutTimings(a), try TranslateTestSupport.segmentsWithoutTimings(b), "\(what): segments.jsonl", file: file, line: line)
        let fa = TranslateTestSupport.files(a + "/adapter"), fb = TranslateTestSupport.files(b + "/adapter")
        XCTAssertFalse(fa.isEmpty, "adapter written", file: file, line: line)
        XCTAssertEqual(fa, fb, "\(what): adapter/", file: file, line: line)
    }

    // MARK: uninterrupted runs, one per strategy and test process

    nonisolated(unsafe) static var referenceFolder: String?
    nonisolated(unsafe) static var references: [String: String] = [:]

    /// The uninterrupted run of `arguments` with `strategy`, made once per test process.
    func reference(_ strategy: String, model: String) throws -> String {
        if let r = Self.references[strategy] { return r }
        let root = Self.referenceFolder ?? TranslateTestSupport.temporaryDirectory("resume-references")
        Self.referenceFolder = root
        let out = root + "/" + strategy
        try? FileManager.default.removeItem(atPath: out)
        try runToEnd(arguments(out, model: model, strategy: strategy))
        XCTAssertEqual(lines(out + "/segments.jsonl"), 4, "chapter 1 of the tiny book")
        Self.references[strategy] = out
        return out
    }

    override class func tearDown() {
        if let r = referenceFolder { try? FileManager.default.removeItem(atPath: r) }
        referenceFolder = nil
        references = [:]
        super.tearDown()
    }

    /// The adapter updates of a finished run (run.json): index, units, seconds, and how many
    /// versions of the adapter it made (one per step, one more when the held-out check undid it).
    func updates(_ run: String) throws -> [(update: Int, lastUnit: Int, seconds: Double, versions: Int)] {
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))) as? [String: Any])
        let list = try XCTUnwrap(info["updates"] as? [[String: Any]], "run.json has its updates")
        return try list.map { (try XCTUnwrap($0["update"] as? Int), try XCTUnwrap($0["last_unit"] as? Int), try XCTUnwrap($0["seconds"] as? Double),
                               try XCTUnwrap($0["losses"] as? [Double]).count + ($0["rolled_back"] as? Bool == true ? 1 : 0)) }
    }

    // MARK: kills

    func testKillAfterSeededUnitThenResumeIsByteIdentical() throws {
        let model = try TranslateTestSupport.modelPath()
        var rng = try killPoints()
        let dir = TranslateTestSupport.temporaryDirectory("resume-unit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reference = try reference("cascaded", model: model)
        let units = lines(reference + "/segments.jsonl")

        // Killed right after a seeded number of records.
        let k = draw(1..<units, &rng)
        let atUnit = dir + "/unit"
        let (p1, _) = try start(arguments(atUnit, model: model))
        let killed1 = kill(p1) { lines(atUnit + "/segments.jsonl") >= k }
        XCTAssertTrue(killed1, "the run ended before the kill")
        let resumed1 = try runToEnd(arguments(atUnit, model: model) + ["--resume"])
        XCTAssertTrue(resumed1.contains("resuming after unit"), resumed1)
        try assertSameRun(reference, atUnit, "killed after \(k) unit(s)")

        // A finished folder is refused without --resume or --force.
        try assertRefused(arguments(reference, model: model), saying: "already exists; add --resume", leaves: reference)
    }

    /// Cascaded Temp-LoRA: waits for the note that a chunk's training started, and kills the run a
    /// seeded fraction (5-50 %) of that update's length (as the uninterrupted run measured it)
    /// later. The log as the process left it must show the training started and not finished; if
    /// the update was already over (a loaded machine can be faster or slower than the reference
    /// run), the kill is tried again on a new run with half the delay, up to 4 times.
    func testKillDuringTempLoRAUpdateThenResumeIsByteIdentical() throws {
        let model = try TranslateTestSupport.modelPath()
        var rng = try killPoints()
        let dir = TranslateTestSupport.temporaryDirectory("resume-update")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reference = try reference("cascaded", model: model)
        let done = try updates(reference)
        XCTAssertGreaterThanOrEqual(done.count, 1, "the tiny chapter trains at least once")
        let u = done[draw(0..<done.count, &rng)]
        let fraction = 0.05 + 0.45 * rng.nextDouble()
        let started = "chunk \(u.update + 1) done", finished = "update \(u.update + 1) on units"

        var landed: (folder: String, delay: Double)?
        for attempt in 0..<4 where landed == nil {
            let delay = fraction * u.seconds / Double(1 << attempt)
            let out = dir + "/attempt-\(attempt)"
            let (p, err) = try start(arguments(out, model: model))
            let killed = kill(p, after: delay) { err.value.contains(started) }
            err.waitForEnd()
            let log = err.value
            XCTAssertTrue(killed, "the run ended before the kill:\n\(log)")
            XCTAssertTrue(log.contains(started + " (units") && log.contains("): training"), log)
            if killed && !log.contains(finished) {
                landed = (out, delay)
            } else {
                print("\(name): update \(u.update + 1) was over \(delay) s after it started; again with half the delay")
            }
        }
        let killed = try XCTUnwrap(landed, "no kill landed within update \(u.update + 1) (\(u.seconds) s in the reference run)")
        print("\(name): killed \(killed.delay) s into update \(u.update + 1) (\(u.seconds) s in the reference run)")
        XCTAssertLessThanOrEqual(lines(killed.folder + "/segments.jsonl"), u.lastUnit + 1, "no unit after the chunk was written")
        let resumed = try runToEnd(arguments(killed.folder, model: model) + ["--resume"])
        XCTAssertTrue(resumed.contains("resuming after unit \(u.lastUnit + 1) of 4"), resumed)
        XCTAssertTrue(resumed.contains(finished), "the resume trains the update again:\n\(resumed)")
        try assertSameRun(reference, killed.folder, "killed \(killed.delay) s into update \(u.update + 1)")
    }

    /// Parallel Temp-LoRA: waits for the note that a chunk's training went to the background, and
    /// kills the run a seeded 0-100 % of that update's measured length later: while the next units
    /// are translated beside the training or, for the last chunk, while the run waits for it at
    /// the end (the note comes before the wait for the previous chunk's training, so the kill may
    /// also land in that wait). The resumed run completes with every unit once, in order,
    /// and equals the uninterrupted parallel run byte for byte: generation uses the adapter
    /// snapshot taken at the chunk's end, which does not depend on when the background training
    /// finishes, and a checkpoint with a training in flight trains that chunk again on resume.
    func testKillParallelRunWhileTrainingInTheBackgroundThenResume() throws {
        let model = try TranslateTestSupport.modelPath()
        var rng = try killPoints()
        let dir = TranslateTestSupport.temporaryDirectory("resume-parallel")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reference = try reference("parallel", model: model)
        let done = try updates(reference)
        XCTAssertGreaterThanOrEqual(done.count, 1)
        let u = done[draw(0..<done.count, &rng)]
        let delay = rng.nextDouble() * u.seconds
        let started = "chunk \(u.update + 1) done"

        let out = dir + "/killed"
        let (p, err) = try start(arguments(out, model: model, strategy: "parallel"))
        let killed = kill(p, after: delay) { err.value.contains(started) }
        err.waitForEnd()
        XCTAssertTrue(killed, "the run ended before the kill:\n\(err.value)")
        XCTAssertTrue(err.value.contains("swapping adapters, training in the background"), err.value)
        let before = lines(out + "/segments.jsonl")
        print("\(name): killed \(delay) s after chunk \(u.update + 1) went to the background, \(before) unit(s) written")

        let resumed = try runToEnd(arguments(out, model: model, strategy: "parallel") + ["--resume"])
        XCTAssertTrue(resumed.contains("resuming after unit \(before) of 4"), resumed)
        // Completion, and no unit lost or written twice.
        let records = try TranslateTestSupport.segmentsWithoutTimings(out)
        XCTAssertEqual(records.compactMap { $0["index"] as? Int }, Array(0..<4), "every unit once, in order")
        XCTAssertTrue(records.allSatisfy { !(($0["translation"] as? String) ?? "").isEmpty }, "every unit translated")
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as? [String: Any])
        XCTAssertEqual(info["finished"] as? Bool, true)
        XCTAssertNoThrow(try BookReader.read(file: out + "/translation.epub"))
        try assertSameRun(reference, out, "parallel, killed \(delay) s after chunk \(u.update + 1) went to the background")
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
    /// after a seeded unit and resumed, leaves the same folder as an uninterrupted run, its two
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
        var rng = try killPoints()
        let k = draw(1..<units, &rng)
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
