import ArgumentParser
import Foundation
import Kernels
import LLM

struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Measure prompt processing and generation speed of a model (llama-bench style).",
        discussion: """
            Prompt processing: a fresh 512-token prefill; generation: 128 tokens decoded one at a \
            time from an empty context. Each is run once to warm up, then --repetitions times; the \
            median is reported with peak memory (VmHWM) and the OpenBLAS kernel. When llama-bench \
            is on the PATH (or given with --llama-bench) it is run with the same settings and the \
            ratio is shown. Other processes on the machine add noise: repeat and compare medians.

            Example:
              yanfu bench model --model ~/.cache/yanfu/models/gemma-3-270m-q4_k_m.gguf --threads 2
              yanfu bench model --depth 1024 --prompt-tokens 64    (speeds as translating sees them)
            """
    )

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path

    @Option(help: "Threads (default: all cores).")
    var threads: Int = KernelThreads.cores

    @Option(help: "Prompt tokens to process.")
    var promptTokens: Int = 512

    @Option(help: "Tokens to generate.")
    var genTokens: Int = 128

    @Option(help: "Tokens of context before each timed phase, as llama-bench's -d (0: an empty context). A translation unit is decoded after some 500–2,000 tokens of bilingual context.")
    var depth: Int = 0

    @Option(help: "Measured repetitions (after one warm-up).")
    var repetitions: Int = 3

    @Option(help: "llama-bench executable to compare with (default: from the PATH).")
    var llamaBench: String?

    @Flag(help: "Skip the llama-bench comparison.")
    var noLlamaBench = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Time one Temp-LoRA training step instead: the same as `yanfu bench train` (with --model, --threads, --json).")
    var train = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
        guard threads >= 1, promptTokens >= 1, genTokens >= 1, repetitions >= 1 else {
            throw ValidationError("--threads, --prompt-tokens, --gen-tokens and --repetitions must be positive")
        }
        guard depth >= 0 else { throw ValidationError("--depth must be 0 or more") }
    }

    func run() throws {
        if train {
            var t = try BenchTrainCommand.parse(["--model", model, "--threads", String(threads)])
            t.json = json
            return try t.run()
        }
        let lm: LanguageModel
        do {
            lm = try LanguageModel.load(path: model, threads: threads)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let b = ModelBenchmark.run(lm, promptTokens: promptTokens, generatedTokens: genTokens, depth: depth,
                                  repetitions: repetitions)
        let peakMB = Double(MemoryUsage.peakResidentBytes ?? 0) / 1_048_576
        var peer: LlamaBenchResult?
        var peerError: String?
        if !noLlamaBench, let exe = llamaBench ?? LlamaBenchResult.findOnPath() {
            do {
                peer = try LlamaBenchResult.run(executable: exe, model: model, threads: threads,
                                                promptTokens: promptTokens, generatedTokens: genTokens,
                                                depth: depth, repetitions: repetitions)
            } catch {
                peerError = "\(error)"
            }
        }
        if json {
            var obj: [String: Any] = [
                "model": model, "threads": threads, "prompt_tokens": promptTokens, "gen_tokens": genTokens, "depth": depth,
                "repetitions": repetitions, "prefill_tok_s": b.prefillTokensPerSecond, "decode_tok_s": b.decodeTokensPerSecond,
                "prefill_samples": b.prefillSamples, "decode_samples": b.decodeSamples,
                "peak_rss_mb": peakMB, "prefill_cpu_share": b.prefillCPUShare, "decode_cpu_share": b.decodeCPUShare,
                "load_average": loadAverage ?? -1, "blas_core": KernelThreads.blasCoreName, "simd": KernelThreads.avx512Enabled ? "avx512" : KernelThreads.simdEnabled ? "avx2" : "scalar",
            ]
            if let p = peer {
                if let v = p.prefillTokensPerSecond {
                    obj["llama_prefill_tok_s"] = v
                    obj["prefill_ratio"] = b.prefillTokensPerSecond / v
                }
                if let v = p.decodeTokensPerSecond {
                    obj["llama_decode_tok_s"] = v
                    obj["decode_ratio"] = b.decodeTokensPerSecond / v
                }
            }
            if let e = peerError { obj["llama_bench_error"] = e }
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        func f(_ x: Double?) -> String { x.map { String(format: "%8.1f", $0) } ?? "       –" }
        func ratio(_ a: Double, _ b: Double?) -> String { b.map { String(format: "%5.2f×", a / $0) } ?? "" }
        print("model: \(model)")
        print("threads: \(threads), OpenBLAS core: \(KernelThreads.blasCoreName), SIMD: \(KernelThreads.avx512Enabled ? "AVX-512" : KernelThreads.simdEnabled ? "AVX2+FMA" : "scalar")")
        let at = depth > 0 ? " @ d\(depth)" : "", w = 12 + at.count
        print("test".padding(toLength: w, withPad: " ", startingAt: 0) + "yanfu tok/s   llama.cpp tok/s   ratio")
        print("pp\(promptTokens)\(at)".padding(toLength: w, withPad: " ", startingAt: 0)
              + "\(f(b.prefillTokensPerSecond))      \(f(peer?.prefillTokensPerSecond))          \(ratio(b.prefillTokensPerSecond, peer?.prefillTokensPerSecond))")
        print("tg\(genTokens)\(at)".padding(toLength: w, withPad: " ", startingAt: 0)
              + "\(f(b.decodeTokensPerSecond))      \(f(peer?.decodeTokensPerSecond))          \(ratio(b.decodeTokensPerSecond, peer?.decodeTokensPerSecond))")
        print(String(format: "peak memory (VmHWM): %.0f MB", peakMB))
        print(String(format: "CPU share of the %d threads: prefill %.0f%%, decode %.0f%%; load average %.1f%@", threads,
                     100 * b.prefillCPUShare, 100 * b.decodeCPUShare, loadAverage ?? -1,
                     b.decodeCPUShare < 0.8 ? " (other processes are using the cores: figures are pessimistic)" : ""))
        print("samples: pp \(b.prefillSamples.map { String(format: "%.1f", $0) }.joined(separator: " ")); tg \(b.decodeSamples.map { String(format: "%.1f", $0) }.joined(separator: " "))")
        if let e = peerError { print("llama-bench: \(e)") }
    }
}
