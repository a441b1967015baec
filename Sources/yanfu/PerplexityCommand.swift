import ArgumentParser
import Foundation
import Kernels
import LLM

struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity of a text file, with llama-perplexity's protocol.",
        discussion: """
            The file (UTF-8; one trailing newline dropped) is tokenized once with one BOS and \
            without parsing special-token text, cut into windows of --ctx tokens, each starting \
            with BOS and run with an empty cache; only the second half of each window is scored. \
            The running perplexity is printed per window as [k]value, then the final one with its \
            ± like llama-perplexity. Needs at least 2×ctx tokens.

            Example:
              yanfu perplexity --file ../shared/corpora/hongloumeng/zh.txt --ctx 512 --chunks 8
            """
    )

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path

    @Option(help: "Text file (UTF-8).")
    var file: String

    @Option(help: "Window length in tokens.")
    var ctx: Int = 512

    @Option(help: "Maximum number of windows (default: all).")
    var chunks: Int?

    @Option(help: "Use only the first N bytes of the file (cut back to a whole UTF-8 character).")
    var bytes: Int?

    @Option(help: "LoRA adapter: a PEFT folder or a GGUF LoRA file, applied on the fly.")
    var adapter: String?

    @Option(help: "Threads (default: all cores).")
    var threads: Int = KernelThreads.cores

    @Flag(help: "Print {\"ppl\", \"ppl_stderr\", \"tokens_scored\"} as JSON.")
    var json = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
        if ctx < 4 || ctx % 2 != 0 { throw ValidationError("--ctx must be an even number ≥ 4") }
        if let c = chunks, c < 1 { throw ValidationError("--chunks must be ≥ 1") }
        if let b = bytes, b < 1 { throw ValidationError("--bytes must be ≥ 1") }
        if threads < 1 { throw ValidationError("--threads must be ≥ 1") }
    }

    func run() throws {
        do {
            guard FileManager.default.fileExists(atPath: file) else {
                throw PerplexityError(description: "\(file): no such file")
            }
            guard var data = FileManager.default.contents(atPath: file) else {
                throw PerplexityError(description: "\(file): cannot be read")
            }
            if let b = bytes, b < data.count {
                var n = b
                while n > 0 && (data[n] & 0xC0) == 0x80 { n -= 1 }   // don't split a character
                data = data.prefix(n)
            }
            guard var text = String(data: data, encoding: .utf8) else {
                let bad = firstInvalidUTF8(data)
                throw PerplexityError(description: "\(file): not valid UTF-8 (first bad byte at offset \(bad))")
            }
            if text.hasSuffix("\n") && !text.hasSuffix("\r\n") { text.removeLast() }
            else if text.hasSuffix("\r\n") { text = String(text.dropLast()) + "\r" }
            let lm = try LanguageModel.load(path: model, threads: threads)
            let lora = try adapter.map { try LoRAAdapter.load(from: $0, model: lm) }
            let result = try lm.perplexity(text: text, context: ctx, maxChunks: chunks, adapter: lora) { k, ppl in
                if !json {
                    FileHandle.standardOutput.write(Data(String(format: "[%d]%.4f,", k, ppl).utf8))
                }
            }
            if json {
                let obj: [String: Any] = ["ppl": result.perplexity, "ppl_stderr": result.standardError,
                                          "tokens_scored": result.tokensScored, "ctx": ctx, "chunks": result.running.count]
                let out = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                print(String(decoding: out, as: UTF8.self))
            } else {
                print()
                print(String(format: "Final estimate: PPL = %.4f +/- %.5f", result.perplexity, result.standardError))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Offset of the first byte that does not start or continue a valid UTF-8 sequence.
func firstInvalidUTF8(_ data: Data) -> Int {
    let bytes = [UInt8](data)
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        let len = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
        if len == 0 || i + len > bytes.count { return i }
        for j in 1..<len where bytes[i + j] & 0xC0 != 0x80 { return i }
        if String(bytes: bytes[i..<i + len], encoding: .utf8) == nil { return i }
        i += len
    }
    return bytes.count
}
