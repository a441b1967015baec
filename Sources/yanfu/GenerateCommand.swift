import ArgumentParser
import Foundation
import Kernels
import LLM

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a language model.",
        discussion: """
            The prompt is tokenized like llama.cpp's (BOS added when the model asks for it, \
            special-token text such as <start_of_turn> parsed). Tokens stream to stdout as they \
            are produced; --json prints one object at the end instead, with the prompt ids, the \
            text and the top --top-logits logits of the first predicted position. Temperature 0 \
            (the default) is greedy decoding.

            Example:
              yanfu generate --prompt $'zh: 我们明天去北京。\\nen:' --max-tokens 16 --stop $'\\n'
            """
    )

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path

    @Option(help: "Prompt text.")
    var prompt: String

    @Option(help: "Maximum number of tokens to generate.")
    var maxTokens: Int = 128

    @Option(help: "Sampling temperature (0: greedy).")
    var temperature: Float = 0

    @Option(help: "Random seed for sampling.")
    var seed: UInt64 = 0

    @Option(help: "Keep only the K most likely tokens (0: all).")
    var topK: Int = 0

    @Option(help: "Nucleus sampling threshold (1: off).")
    var topP: Float = 1

    @Option(help: "Repetition penalty (1: off).")
    var repeatPenalty: Float = 1

    @Option(help: "Stop when this text is produced (repeatable).")
    var stop: [String] = []

    @Option(help: "With --json: how many top logits of the first predicted position to report.")
    var topLogits: Int = 10

    @Option(help: "LoRA adapter: a PEFT folder or a GGUF LoRA file, applied on the fly.")
    var adapter: String?

    @Option(help: "Threads (default: all cores).")
    var threads: Int = KernelThreads.cores

    @Flag(help: "Print one JSON object instead of streaming text.")
    var json = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
        if maxTokens < 0 { throw ValidationError("--max-tokens must be ≥ 0") }
        if topK < 0 { throw ValidationError("--top-k must be ≥ 0") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if repeatPenalty <= 0 { throw ValidationError("--repeat-penalty must be > 0") }
        if threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if topLogits < 0 { throw ValidationError("--top-logits must be ≥ 0") }
    }

    func run() throws {
        let options = GenerationOptions(maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP,
                                        repetitionPenalty: repeatPenalty, seed: seed, stopStrings: stop)
        do {
            let lm = try LanguageModel.load(path: model, threads: threads)
            let lora = try adapter.map { try LoRAAdapter.load(from: $0, model: lm) }
            let result = try lm.generate(prompt: prompt, options: options, adapter: lora) { piece in
                if !json {
                    FileHandle.standardOutput.write(Data(piece.utf8))
                }
                return true
            }
            if json {
                let top = topIndices(result.firstLogits, topLogits).map { ["id": $0, "logit": Double(result.firstLogits[$0])] as [String: Any] }
                let obj: [String: Any] = [
                    "prompt_ids": result.promptIds.map { Int($0) }, "ids": result.ids.map { Int($0) },
                    "text": result.text, "top_logits": top, "stop_reason": result.reason.rawValue,
                ]
                let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print()
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Indices of the k largest values, best first.
func topIndices(_ x: [Float], _ k: Int) -> [Int] {
    if k <= 0 || x.isEmpty { return [] }
    return Array(x.indices.sorted { x[$0] > x[$1] }.prefix(k))
}
