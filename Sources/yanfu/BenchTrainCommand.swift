import ArgumentParser
import Foundation
import Evaluate
import LLM

/// `yanfu bench train`: the time of one Temp-LoRA step.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time one Temp-LoRA training step (forward, backward, AdamW) on the model.",
        discussion: """
            Builds one sequence of --context masked tokens followed by --target tokens with loss \
            (from --text, else a fixed pseudo-random sequence), attaches a fresh LoRA adapter \
            (default r=64, alpha=64, all seven linear kinds) and runs --steps optimizer steps, \
            reporting the median step time with its forward/backward/optimizer breakdown, the \
            activation memory of the training graph and the process's peak resident memory. \
            The same step (same tokens, rank, alpha, dropout, targets and threads) is then timed \
            in PyTorch + transformers + PEFT in f32, the peer, and the ratio is shown: the \
            interpreter is --python, else $YANFU_PYTHON, else ~/.cache/peers/venv/bin/python, \
            else python3 on PATH; it needs torch, transformers, peft and gguf (pip install them in a \
            virtual environment; a CPU build of torch is enough). \
            --no-peer skips it.

            Example:
              yanfu bench train --threads 2 --json
            """
    )

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path
    @Option(help: "Masked context tokens.") var context = 512
    @Option(help: "Target tokens (with loss).") var target = 512
    @Option(help: "LoRA rank.") var rank = 64
    @Option(help: "LoRA alpha.") var alpha: Float = 64
    @Option(help: "LoRA dropout.") var dropout: Float = 0.05
    @Option(help: "Comma-separated targets among q,k,v,o,gate,up,down.") var targets = "q,k,v,o,gate,up,down"
    @Option(help: "Steps to time (the median is reported).") var steps = 3
    @Option(help: "Threads.") var threads = 2
    @Option(help: "Text file whose tokens fill the sequence (default: pseudo-random tokens).") var text: String?
    @Option(help: "Python interpreter with torch, transformers, peft and gguf for the peer.") var python: String?
    @Flag(help: "Multiply through the frozen weights in f32 (default: integer products on AVX512-VNNI for quantized models: Q4_K and Q6_K forward in int8, the rest in int16).")
    var f32Products = false
    @Flag(help: "Do not time the PyTorch + PEFT peer.") var noPeer = false
    @Flag(help: "Print the report as JSON (train_step_s, forward_s, backward_s, optimizer_s, peer_step_s, …).") var json = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
        if context < 0 || target < 1 { throw ValidationError("--context must be ≥ 0 and --target ≥ 1") }
        if steps < 1 || threads < 1 || rank < 1 { throw ValidationError("--steps, --threads and --rank must be ≥ 1") }
    }

    func run() throws {
        do {
            var bench = TrainBenchmark()
            bench.contextTokens = context
            bench.targetTokens = target
            bench.steps = steps
            bench.threads = threads
            bench.f32Products = f32Products
            bench.lora = LoRAConfig(rank: rank, alpha: alpha, dropout: dropout, targets: try LoRATarget.parseList(targets))
            let body = try text.map { path -> String in
                guard let s = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw LoRAError("\(path): cannot read as UTF-8 text")
                }
                return s
            }
            // The model is released before the peer runs, so the peer has the machine's memory.
            let (r, ids) = try { () throws -> (TrainBenchmark.Report, [Int32]) in
                let lm = try LanguageModel.load(path: model, threads: threads)
                return (try bench.run(model: lm, text: body), try bench.sequence(model: lm, text: body))
            }()
            var peer: PEFTStepPeer.Timing?
            var peerMissing = "no Python with torch, transformers, peft and gguf; set --python or YANFU_PYTHON"
            if !noPeer {
                candidates: for candidate in MetricsBenchmark.pythonCandidates(explicit: python) {
                    switch try PEFTStepPeer.measure(python: candidate, model: model, ids: ids, contextTokens: context, lora: bench.lora,
                                                    lr: bench.optimizer.learningRate, steps: steps, threads: threads) {
                    case .measured(let t): peer = t; break candidates
                    case .missingPackages(let why): peerMissing = why
                    case .failed(let why): peerMissing = why; break candidates
                    }
                }
            }
            let mb = { (b: Int) in Double(b) / 1_048_576 }
            if json {
                let obj: [String: Any] = [
                    "train_step_s": r.stepSeconds, "forward_s": r.forwardSeconds, "backward_s": r.backwardSeconds,
                    "optimizer_s": r.optimizerSeconds, "steps_s": r.steps.map(\.seconds), "losses": r.steps.map { Double($0.loss) },
                    "tokens": r.tokens, "target_tokens": r.targetTokens, "threads": r.threads, "rank": r.rank,
                    "alpha": Double(r.alpha), "targets": r.targets, "products": r.integerProducts ? "integer" : "f32", "trainable_parameters": r.trainableParameters,
                    "activation_mb": mb(r.activationBytes), "peak_rss_mb": r.peakResidentBytes.map(mb) ?? NSNull(),
                    "peer_step_s": peer.map { $0.stepSeconds } ?? NSNull(), "peer_forward_s": peer.map { $0.forwardSeconds } ?? NSNull(),
                    "peer_backward_s": peer.map { $0.backwardSeconds } ?? NSNull(),
                    "peer_optimizer_s": peer.map { $0.optimizerSeconds } ?? NSNull(),
                    "peer_peak_rss_mb": peer.map { mb($0.peakResidentBytes) } ?? NSNull(),
                    "peer": peer?.description ?? NSNull(), "peer_error": peer == nil && !noPeer ? peerMissing : NSNull(),
                    "speedup_vs_peer": peer.map { $0.stepSeconds / r.stepSeconds } ?? NSNull(),
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "one step, %d tokens (%d with loss), r=%d, %@, %d threads, %@ products", r.tokens, r.targetTokens,
                             r.rank, r.targets.joined(separator: ","), r.threads, r.integerProducts ? "integer" : "f32"))
                print(String(format: "  step %.3f s (median of %d)  forward %.3f s  backward %.3f s  optimizer %.3f s",
                             r.stepSeconds, r.steps.count, r.forwardSeconds, r.backwardSeconds, r.optimizerSeconds))
                print(String(format: "  activations %.0f MiB  peak RSS %.0f MiB  trainable parameters %d",
                             mb(r.activationBytes), r.peakResidentBytes.map(mb) ?? 0, r.trainableParameters))
                if let p = peer {
                    print("peer: \(p.description)")
                    print(String(format: "  step %.3f s  forward %.3f s  backward %.3f s  optimizer %.3f s  peak RSS %.0f MiB",
                                 p.stepSeconds, p.forwardSeconds, p.backwardSeconds, p.optimizerSeconds, mb(p.peakResidentBytes)))
                    print(String(format: "  Yanfu is %.2fx the peer's speed", p.stepSeconds / r.stepSeconds))
                } else if !noPeer {
                    print("peer: not measured (\(peerMissing))")
                }
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
