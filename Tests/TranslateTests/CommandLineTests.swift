import Evaluate
import Foundation
import LLM
import XCTest

/// The release `yanfu` binary end to end on small real inputs (Gemma 3 270M, text files written
/// here): `score`, `tokenize`, `perplexity`, `finetune` and `adapter export` exit 0, write their
/// files, and their `--json` values equal the library's for the same input; a missing input file
/// exits non-zero with a message naming it.
final class CommandLineTests: XCTestCase {
    nonisolated(unsafe) static var gemma: LanguageModel?

    /// Gemma 3 270M loaded in this process (2 threads, as the commands below are told).
    func model() throws -> LanguageModel {
        if let m = Self.gemma { return m }
        let m = try LanguageModel.load(path: try TranslateTestSupport.modelPath(), threads: 2)
        Self.gemma = m
        return m
    }

    var dir = ""

    override func setUpWithError() throws {
        dir = TranslateTestSupport.temporaryDirectory("cli-\(name.filter { $0.isLetter || $0.isNumber })")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ args: [String], input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try TranslateTestSupport.run(args, input: input)
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// The numbers of `key` in JSON `text`, read by Swift's correctly rounded parser
    /// (Foundation's JSONSerialization on Linux reads some doubles one bit off).
    func numbers(_ key: String, in text: String) -> [Double] {
        let pattern = try! NSRegularExpression(pattern: "\"\(key)\": *(-?[0-9][0-9.eE+-]*)")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).flatMap { Double(text[$0]) }
        }
    }

    /// A missing file: non-zero exit, the file's name on stderr, nothing on stdout.
    func assertNamesMissingFile(_ args: [String], _ missing: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), file: file, line: line)
        let r = try run(args)
        XCTAssertNotEqual(r.status, 0, "yanfu \(args.joined(separator: " ")) succeeded", file: file, line: line)
        XCTAssertTrue(r.stderr.contains((missing as NSString).lastPathComponent), "the message names the file: \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    static let chinese = """
        第一章　早晨
        小明早上七点起床。他吃了一个苹果，喝了一杯牛奶。妈妈说：“快去上学！今天要考试。”
        小明跑到学校，老师在教室里等他。今天天气很好，阳光照在窗户上。同学们都在看书。
        """

    // MARK: score

    func testScoreJSONEqualsTheLibrary() throws {
        let hyps = ["Xiao Ming got up at seven in the morning.", "He ate an apple and drank a glass of milk.",
                    "Mom said: \"Go to school! There is a test today.\"", "The teacher was waiting in the classroom."]
        let refs = ["Xiao Ming gets up at seven o'clock in the morning.", "He ate an apple and drank a cup of milk.",
                    "Mother said, \"Hurry to school! You have an exam today.\"", "The teacher waited for him in the classroom."]
        let hyp = try write(hyps.joined(separator: "\n") + "\n", "hyp.txt")
        let ref = try write(refs.joined(separator: "\n") + "\n", "ref.txt")
        let r = try run(["score", "--hyp", hyp, "--ref", ref, "--metrics", "bleu,chrf,ter", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let scores = try XCTUnwrap(try json(r.stdout) as? [[String: Any]], r.stdout)
        XCTAssertEqual(scores.map { $0["name"] as? String }, ["BLEU", "chrF2", "TER"])
        let expected = [try BLEU().corpusScore(hyps: hyps, refs: [refs]).score,
                        try CHRF().corpusScore(hyps: hyps, refs: [refs]).score,
                        try TER().corpusScore(hyps: hyps, refs: [refs]).score]
        XCTAssertGreaterThan(expected[0], 0, "a score that could be told apart from an empty one")
        // The shortest round-trip decimal: the very same doubles.
        XCTAssertEqual(numbers("score", in: r.stdout), expected)
        XCTAssertTrue((scores[0]["signature"] as? String)?.hasPrefix("nrefs:1|") ?? false, "\(scores[0])")
    }

    func testScoreMissingHypothesisFile() throws {
        let ref = try write("a b c\n", "ref.txt")
        try assertNamesMissingFile(["score", "--hyp", dir + "/no-such-hyp.txt", "--ref", ref], dir + "/no-such-hyp.txt")
        // and a missing reference
        let hyp = try write("a b c\n", "hyp.txt")
        try assertNamesMissingFile(["score", "--hyp", hyp, "--ref", dir + "/no-such-ref.txt"], dir + "/no-such-ref.txt")
    }

    // MARK: tokenize

    func testTokenizeIdsEqualTheLibrarysTokenizer() throws {
        let path = try TranslateTestSupport.modelPath()
        let tok = try Tokenizer.load(modelPath: path)
        let text = "小明早上七点起床。<start_of_turn>user\nHello, world!"
        let r = try run(["tokenize", "--model", path, "--json", text])
        XCTAssertEqual(r.status, 0, r.stderr)
        let ids = try XCTUnwrap((try json(r.stdout) as? [String: Any])?["ids"] as? [Int], r.stdout)
        let expected = try tok.encode(text, addBOS: tok.addBOS, parseSpecial: true, addEOS: tok.addBOS && tok.addEOS)
        XCTAssertEqual(ids, expected.map(Int.init))
        XCTAssertTrue(tok.addBOS, "Gemma asks for BOS")
        XCTAssertEqual(ids.first, Int(tok.bosId))
        XCTAssertTrue(ids.contains(Int(try XCTUnwrap(tok.encode("<start_of_turn>", addBOS: false, parseSpecial: true).first))))

        // From stdin, without BOS, control-token text as plain text.
        let r2 = try run(["tokenize", "--model", path, "--json", "--no-bos", "--no-parse-special", "-"], input: text)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let ids2 = try XCTUnwrap((try json(r2.stdout) as? [String: Any])?["ids"] as? [Int], r2.stdout)
        XCTAssertEqual(ids2, try tok.encode(text, addBOS: false, parseSpecial: false).map(Int.init))
        XCTAssertNotEqual(ids2, Array(ids.dropFirst()), "plain text splits <start_of_turn>")
    }

    func testTokenizeMissingModelFile() throws {
        let missing = dir + "/no-such-model.gguf"
        try assertNamesMissingFile(["tokenize", "--model", missing, "--json", "你好"], missing)
    }

    // MARK: perplexity

    func testPerplexityJSONEqualsTheLibrary() throws {
        let path = try TranslateTestSupport.modelPath()
        let file = try write(Self.chinese + "\n", "zh.txt")
        let r = try run(["perplexity", "--model", path, "--file", file, "--ctx", "16", "--chunks", "3", "--threads", "2", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try XCTUnwrap(try json(r.stdout) as? [String: Any], r.stdout)
        let ppl = try XCTUnwrap(numbers("ppl", in: r.stdout).first, r.stdout)
        XCTAssertTrue(ppl.isFinite && ppl > 1, "\(ppl)")
        // The command drops the file's one trailing newline.
        let expected = try model().perplexity(text: Self.chinese, context: 16, maxChunks: 3)
        XCTAssertEqual(expected.running.count, 3, "the text is long enough for 3 windows")
        XCTAssertEqual(ppl, expected.perplexity)
        XCTAssertEqual(numbers("ppl_stderr", in: r.stdout), [expected.standardError])
        XCTAssertEqual(obj["tokens_scored"] as? Int, expected.tokensScored)
        XCTAssertEqual(obj["tokens_scored"] as? Int, 3 * 7, "as llama-perplexity: positions ctx/2 to ctx-2 of each window predict the next token")
        XCTAssertEqual(obj["chunks"] as? Int, 3)
    }

    func testPerplexityMissingTextFile() throws {
        let missing = dir + "/no-such-text.txt"
        try assertNamesMissingFile(["perplexity", "--model", try TranslateTestSupport.modelPath(), "--file", missing, "--ctx", "16"], missing)
    }

    // MARK: finetune, adapter export

    /// `finetune` writes the adapter and optimizer state the library's trainer writes for the same
    /// settings (bit for bit); `adapter export` turns it into a GGUF LoRA file and a PEFT folder
    /// that load as the same adapter.
    func testFinetuneThenAdapterExport() throws {
        let path = try TranslateTestSupport.modelPath()
        let data = try write(Self.chinese + "\n", "train.txt")
        let out = dir + "/adapter"
        let r = try run(["finetune", "--model", path, "--data", data, "--out", out, "--rank", "2", "--alpha", "4",
                         "--targets", "q,v", "--layers", "0-3", "--ctx", "16", "--epochs", "1", "--max-steps", "2",
                         "--threads", "2", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let steps = try r.stdout.split(separator: "\n").map { try XCTUnwrap(try json(String($0)) as? [String: Any]) }
        XCTAssertEqual(steps.map { $0["step"] as? Int }, [1, 2])
        for s in steps { XCTAssertTrue((s["loss"] as? Double).map { $0.isFinite && $0 > 0 } ?? false, "\(s)") }
        for f in ["adapter_model.safetensors", "adapter_config.json", "optimizer.safetensors", "trainer_state.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f)
        }

        // The library, same settings: the same losses and the same adapter.
        let lm = try model()
        let cfg = LoRAConfig(rank: 2, alpha: 4, dropout: 0.05, targets: [.q, .v], layers: 0...3, seed: 42)
        let trainer = try LoRATrainer(model: lm, adapter: try LoRAAdapter(model: lm, config: cfg),
                                      optimizer: AdamWConfig(learningRate: 5e-5, warmupSteps: 2, maxGradNorm: 1.0), threads: 2)
        let examples = try TrainingData.plainText(Self.chinese, tokenizer: try lm.tokenizer(), context: 16)
        XCTAssertGreaterThanOrEqual(examples.count, 2)
        for (k, ex) in examples.prefix(2).enumerated() {
            let s = try trainer.step(tokens: ex.tokens, lossMask: ex.lossMask)
            trainer.advanceSchedule()
            // The loss is a Float: its JSON digits read back as the same Float.
            XCTAssertEqual((steps[k]["loss"] as? Double).map(Float.init), s.loss, "step \(k + 1)")
        }
        let written = try LoRAAdapter.load(from: out, model: lm)
        XCTAssertEqual(written.modules.count, 2 * 4, "q and v of layers 0-3")
        XCTAssertEqual(written.config.rank, 2)
        XCTAssertTrue(written.modules.contains { $0.b.contains { $0 != 0 } }, "two steps moved B")
        XCTAssertTrue(written.isBitIdentical(to: trainer.adapter), "the command's adapter is the library's")

        let gguf = dir + "/lora.gguf"
        let e = try run(["adapter", "export", out, "--format", "gguf", "--out", gguf, "--model", path])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stdout.contains("wrote \(gguf) (8 modules, rank 2, alpha 4.0)"), e.stdout)
        let fromGGUF = try LoRAAdapter.load(from: gguf, model: lm)
        XCTAssertTrue(fromGGUF.isBitIdentical(to: written), "the GGUF file holds the same adapter")
        XCTAssertEqual(fromGGUF.config.alpha, 4)

        let peft = dir + "/peft"
        let e2 = try run(["adapter", "export", gguf, "--format", "peft", "--out", peft, "--model", path])
        XCTAssertEqual(e2.status, 0, e2.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: peft + "/adapter_model.safetensors"))
        XCTAssertTrue(try LoRAAdapter.load(from: peft, model: lm).isBitIdentical(to: written), "GGUF back to PEFT")
    }

    func testFinetuneMissingDataFile() throws {
        let missing = dir + "/no-such-data.txt"
        try assertNamesMissingFile(["finetune", "--model", try TranslateTestSupport.modelPath(), "--data", missing,
                                    "--out", dir + "/adapter", "--ctx", "16"], missing)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/adapter"), "no adapter folder")
    }

    func testAdapterExportMissingAdapter() throws {
        let missing = dir + "/no-such-adapter"
        try assertNamesMissingFile(["adapter", "export", missing, "--format", "gguf", "--out", dir + "/x.gguf",
                                    "--model", try TranslateTestSupport.modelPath()], missing)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.gguf"), "nothing written")
    }
}
