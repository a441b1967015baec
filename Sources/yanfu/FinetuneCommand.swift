import ArgumentParser
import Foundation
import LLM

/// `yanfu finetune`: trains a LoRA adapter on a text file.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Train a LoRA adapter on a text file (plain text, or TSV translation pairs).",
        discussion: """
            Plain text is cut into windows of --ctx tokens with loss on every token. With --tsv \
            (or a .tsv file), each line 'chinese<TAB>english' is rendered as 'zh: …' / 'en: …' \
            lines and the loss is on the English side only; pairs are packed into windows of \
            --ctx tokens. Windows are trained in file order, one AdamW step each, for --epochs \
            passes; the warmup schedule advances once per step. One JSON line per step is \
            printed with --json ({"step","epoch","loss","grad_norm","lr","tokens","seconds",…}).

            The adapter is written to --out as a PEFT folder (adapter_model.safetensors + \
            adapter_config.json, loadable by PeftModel.from_pretrained), with the optimizer \
            state beside it (optimizer.safetensors, trainer_state.json) so that --resume can \
            continue exactly. Use `yanfu adapter export` for llama.cpp's GGUF LoRA format.

            Example:
              yanfu finetune --data pages.txt --out adapters/hlm --rank 64 --alpha 64 --epochs 2 --ctx 1024 --json
            """
    )

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path
    @Option(help: "Training text file (UTF-8).") var data: String
    @Option(help: "Output adapter folder.") var out: String
    @Flag(help: "Read --data as tab-separated zh/en pairs (implied by a .tsv extension).") var tsv = false
    @Option(help: "LoRA rank.") var rank = 64
    @Option(help: "LoRA alpha (scale alpha/rank).") var alpha: Float = 64
    @Option(help: "LoRA dropout.") var dropout: Float = 0.05
    @Option(help: "Comma-separated layer kinds among q,k,v,o,gate,up,down.") var targets = "q,k,v,o,gate,up,down"
    @Option(help: "Only layers FIRST-LAST (e.g. 6-17; default: all).") var layers: String?
    @Option(help: "Peak learning rate.") var lr: Float = 5e-5
    @Option(help: "Warmup steps (linear from 0).") var warmup = 2
    @Option(help: "AdamW weight decay.") var weightDecay: Float = 0
    @Option(help: "Global gradient-norm clipping (0: off).") var maxGradNorm: Float = 1.0
    @Option(help: "Passes over the data.") var epochs = 2
    @Option(help: "Tokens per training window.") var ctx = 1024
    @Option(help: "Stop after this many steps in total.") var maxSteps: Int?
    @Option(help: "Seed of the A initialisation and dropout masks.") var seed: UInt64 = 42
    @Option(help: "Threads.") var threads = 2
    @Option(help: "Continue from a folder written by an earlier run (adapter + optimizer state).") var resume: String?
    @Flag(help: "Multiply through the frozen weights in f32, exact to the dequantized model (default: int16 blocks on AVX512-VNNI for quantized models, about 1.3× faster, logits within ~1e-4).")
    var f32Products = false
    @Flag(help: "One JSON object per step on stdout.") var json = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
        if rank < 1 || epochs < 1 || ctx < 8 || threads < 1 { throw ValidationError("--rank, --epochs, --threads must be ≥ 1 and --ctx ≥ 8") }
        if !(lr >= 0) || !(dropout >= 0 && dropout < 1) { throw ValidationError("--lr must be ≥ 0 and --dropout in [0, 1)") }
    }

    /// Writes a line unbuffered, so that step lines appear as they happen even through a pipe.
    func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    func layerRange() throws -> ClosedRange<Int>? {
        guard let layers else { return nil }
        let p = layers.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard p.count == 2, let a = p[0], let b = p[1], a <= b else {
            throw LoRAError("--layers '\(layers)': expected FIRST-LAST, e.g. 0-17")
        }
        return a...b
    }

    func run() throws {
        do {
            guard let bytes = FileManager.default.contents(atPath: data) else { throw LoRAError("\(data): cannot read the file") }
            guard let text = String(data: bytes, encoding: .utf8) else { throw LoRAError("\(data): not valid UTF-8") }
            let lm = try LanguageModel.load(path: model, threads: threads)
            let tok = try lm.tokenizer()
            let examples = tsv || data.lowercased().hasSuffix(".tsv")
                ? try TrainingData.tsvPairs(text, tokenizer: tok, context: ctx, file: data)
                : try TrainingData.plainText(text, tokenizer: tok, context: ctx)
            let trainer: LoRATrainer
            if let resume {
                trainer = try LoRATrainer.loadState(from: resume, model: lm)
            } else {
                let cfg = LoRAConfig(rank: rank, alpha: alpha, dropout: dropout, targets: try LoRATarget.parseList(targets),
                                     layers: try layerRange(), seed: seed)
                let opt = AdamWConfig(learningRate: lr, weightDecay: weightDecay, warmupSteps: warmup, maxGradNorm: maxGradNorm)
                trainer = try LoRATrainer(model: lm, adapter: try LoRAAdapter(model: lm, config: cfg), optimizer: opt, threads: threads)
            }
            if f32Products { trainer.integerProducts = false }
            if !json {
                emit("training \(trainer.adapter.parameterCount) LoRA parameters on \(examples.count) window(s) × \(epochs) epoch(s)")
            }
            var step = 0
            outer: for epoch in 0..<epochs {
                for ex in examples {
                    if let m = maxSteps, step >= m { break outer }
                    let r = try trainer.step(tokens: ex.tokens, lossMask: ex.lossMask)
                    trainer.advanceSchedule()
                    step += 1
                    if json {
                        let obj: [String: Any] = [
                            "step": trainer.stepsTaken, "epoch": epoch + 1, "loss": Double(r.loss), "grad_norm": Double(r.gradNorm),
                            "lr": Double(r.learningRate), "tokens": r.tokens, "target_tokens": r.targetTokens,
                            "seconds": r.seconds, "forward_s": r.forwardSeconds, "backward_s": r.backwardSeconds,
                            "optimizer_s": r.optimizerSeconds, "skipped": r.skipped,
                        ]
                        emit(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
                    } else {
                        emit(String(format: "step %d (epoch %d): loss %.4f  grad norm %.3f  lr %.2e  %.2f s%@", trainer.stepsTaken,
                                     epoch + 1, r.loss, r.gradNorm, r.learningRate, r.seconds, r.skipped ? "  (skipped)" : ""))
                    }
                }
            }
            try trainer.saveState(to: out)
            if !json { emit("adapter written to \(out)") }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
