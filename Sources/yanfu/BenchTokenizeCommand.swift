import ArgumentParser
import Foundation
import LLM

/// `yanfu bench tokenize`: a whole file through the model's tokenizer, next to llama-tokenize.
struct BenchTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Time tokenizing a whole file, next to llama.cpp's llama-tokenize in the same run.",
        discussion: """
            Encodes the whole file --repeats times (BOS if the model asks for it, special-token \
            text as plain text, as llama-tokenize --no-parse-special) and reports the median; \
            building the tokenizer is timed apart. With --llama-tokenize, that program tokenizes \
            the same file with the same model as many times; its start-up and model load, timed \
            on a one-line file each time, are subtracted (its time still includes printing the \
            ids), and its ids are compared with Yanfu's.

            Example:
              yanfu bench tokenize ../shared/corpora/sanguo/zh.txt \\
                --model qwen2.5-coder-1.5b-instruct \\
                --llama-tokenize ~/.cache/peers/llama/build/bin/llama-tokenize
            """
    )

    @Argument(help: "The text file (UTF-8).")
    var file: String

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path

    @Option(help: "llama-tokenize executable to compare with.")
    var llamaTokenize: String?

    @Option(help: "Timed runs of each (the median is reported).")
    var repeats = 3

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        do {
            let result = try TokenizerBenchmark.run(file: file, model: model, repeats: repeats, llamaTokenize: llamaTokenize)
            print(json ? try result.json() : result.table())
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
