import Base
import Foundation
import Kernels

/// Speed of one model on this machine, measured the way llama-bench does (pp512 / tg128).
public struct ModelBenchmark: Sendable {
    public var promptTokens: Int
    public var generatedTokens: Int
    /// Tokens already in the context when each timed phase starts (llama-bench's -d).
    public var depth: Int
    public var repetitions: Int
    /// Median over repetitions.
    public var prefillTokensPerSecond: Double
    public var decodeTokensPerSecond: Double
    public var prefillSamples: [Double]
    public var decodeSamples: [Double]
    /// CPU time used per wall-clock second during each phase (median), divided by the threads:
    /// 1.0 means the threads had their cores to themselves; less means other processes took them.
    public var prefillCPUShare: Double
    public var decodeCPUShare: Double

    /// Runs `repetitions` rounds (after one warm-up) of: a `promptTokens` prefill, and
    /// `generatedTokens` single-token decodes, each after `depth` tokens of context (prefilled
    /// untimed; 0: an empty context). Token ids are fixed pseudo-random vocabulary entries, as
    /// llama-bench uses random tokens.
    public static func run(_ model: LanguageModel, promptTokens: Int = 512, generatedTokens: Int = 128,
                           depth: Int = 0, repetitions: Int = 3) -> ModelBenchmark {
        var rng = SplitMix64(seed: 1234)
        let vocab = UInt64(model.config.vocabSize)
        let prompt = (0..<promptTokens).map { _ in Int32(truncatingIfNeeded: rng.next() % vocab) }
        let context = (0..<depth).map { _ in Int32(truncatingIfNeeded: rng.next() % vocab) }
        let session = model.makeSession(capacity: depth + max(promptTokens, generatedTokens) + 1)
        func start() {
            session.reset()
            if depth > 0 { session.prefill(context, logits: .last) }
        }
        let threads = Double(KernelThreads.count)
        // (tokens per second, CPU share) of one timed phase.
        func timed(_ tokens: Int, _ body: () -> Void) -> (Double, Double) {
            let c0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
            body()
            let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            return (Double(tokens) / wall, (cpuSeconds() - c0) / wall / threads)
        }
        func prefill() -> (Double, Double) {
            start()
            return timed(promptTokens) { session.prefill(prompt, logits: .last) }
        }
        func decode() -> (Double, Double) {
            start()
            return timed(generatedTokens) {
                var id = prompt[0]
                for _ in 0..<generatedTokens { id = Int32(argmax(session.decode(id))) }
            }
        }
        _ = prefill()
        _ = decode()
        var pp: [(Double, Double)] = [], tg: [(Double, Double)] = []
        for _ in 0..<max(1, repetitions) {
            pp.append(prefill())
            tg.append(decode())
        }
        return ModelBenchmark(promptTokens: promptTokens, generatedTokens: generatedTokens, depth: depth, repetitions: max(1, repetitions),
                              prefillTokensPerSecond: median(pp.map(\.0)), decodeTokensPerSecond: median(tg.map(\.0)),
                              prefillSamples: pp.map(\.0), decodeSamples: tg.map(\.0),
                              prefillCPUShare: median(pp.map(\.1)), decodeCPUShare: median(tg.map(\.1)))
    }
}

/// User + system CPU time of the whole process (all threads), in seconds.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

/// The 1-minute load average (other processes competing for the cores), if known.
public var loadAverage: Double? {
    guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8), let f = s.split(separator: " ").first else { return nil }
    return Double(f)
}

func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    if s.isEmpty { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// llama-bench's figures for the same model, from its JSON output.
public struct LlamaBenchResult: Sendable {
    public var prefillTokensPerSecond: Double?
    public var decodeTokensPerSecond: Double?

    /// Runs `llama-bench -m MODEL -t THREADS -p 512 -n 128 [-d DEPTH] -o json` and parses the averages.
    public static func run(executable: String, model: String, threads: Int, promptTokens: Int = 512,
                           generatedTokens: Int = 128, depth: Int = 0, repetitions: Int = 5) throws -> LlamaBenchResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["-m", model, "-t", String(threads), "-p", String(promptTokens), "-n", String(generatedTokens),
                       "-r", String(repetitions), "-o", "json"] + (depth > 0 ? ["-d", String(depth)] : [])
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw PerplexityError(description: "\(executable) exited with status \(p.terminationStatus)")
        }
        return try parse(data)
    }

    static func parse(_ data: Data) throws -> LlamaBenchResult {
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw PerplexityError(description: "llama-bench output: expected a JSON array of results")
        }
        var r = LlamaBenchResult()
        for row in rows {
            let np = (row["n_prompt"] as? Int) ?? 0, ng = (row["n_gen"] as? Int) ?? 0
            let ts = row["avg_ts"] as? Double
            if np > 0 && ng == 0 { r.prefillTokensPerSecond = ts }
            if ng > 0 && np == 0 { r.decodeTokensPerSecond = ts }
        }
        return r
    }

    /// `llama-bench` from the PATH, if there is one.
    public static func findOnPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/llama-bench"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
