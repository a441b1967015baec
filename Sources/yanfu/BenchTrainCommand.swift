import ArgumentParser
import Foundation
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
            Reference: PyTorch 2.13 + transformers + PEFT in f32 take 11.3 s for this step on \
            2 cores of this machine (DESIGN.md).

            Example:
              yanfu bench train --threads 2 --json
            """
    )

    @Option(help: "GGUF file or Hugging Face folder (default: the default model).")
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
    @Flag(help: "Print the report as JSON (train_step_s, forward_s, backward_s, optimizer_s, …).") var json = false

    func validate() throws {
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
            bench.lora = LoRAConfig(rank: rank, alpha: alpha, dropout: dropout, targets: try LoRATarget.parseList(targets))
            let body = try text.map { path -> String in
                guard let s = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw LoRAError("\(path): cannot read as UTF-8 text")
                }
                return s
            }
            let lm = try LanguageModel.load(path: model, threads: threads)
            let r = try bench.run(model: lm, text: body)
            let mb = { (b: Int) in Double(b) / 1_048_576 }
            if json {
                let obj: [String: Any] = [
                    "train_step_s": r.stepSeconds, "forward_s": r.forwardSeconds, "backward_s": r.backwardSeconds,
                    "optimizer_s": r.optimizerSeconds, "steps_s": r.steps.map(\.seconds), "losses": r.steps.map { Double($0.loss) },
                    "tokens": r.tokens, "target_tokens": r.targetTokens, "threads": r.threads, "rank": r.rank,
                    "alpha": Double(r.alpha), "targets": r.targets, "trainable_parameters": r.trainableParameters,
                    "activation_mb": mb(r.activationBytes), "peak_rss_mb": r.peakResidentBytes.map(mb) ?? NSNull(),
                    "peer_pytorch_peft_f32_s": 11.3, "speedup_vs_peer": 11.3 / r.stepSeconds,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "one step, %d tokens (%d with loss), r=%d, %@, %d threads", r.tokens, r.targetTokens,
                             r.rank, r.targets.joined(separator: ","), r.threads))
                print(String(format: "  step %.3f s (median of %d)  forward %.3f s  backward %.3f s  optimizer %.3f s",
                             r.stepSeconds, r.steps.count, r.forwardSeconds, r.backwardSeconds, r.optimizerSeconds))
                print(String(format: "  activations %.0f MiB  peak RSS %.0f MiB  trainable parameters %d",
                             mb(r.activationBytes), r.peakResidentBytes.map(mb) ?? 0, r.trainableParameters))
                print(String(format: "  PyTorch + PEFT f32 (DESIGN.md): 11.3 s → %.2fx", 11.3 / r.stepSeconds))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
