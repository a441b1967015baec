import ArgumentParser
import Foundation
import LLM

/// `yanfu model info` (registered under the `model` group command).
struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a model file: architecture, size, tensor types, vocabulary, context.",
        discussion: """
            MODEL is a GGUF file or a Hugging Face folder (config.json, model.safetensors or a \
            sharded index, tokenizer.model). The file is validated as it is read: a damaged file \
            gives an error naming the field and byte offset. --json prints one JSON object.

            Examples:
              yanfu model info
              yanfu model info ~/models/llama-3.2-1b/ --json
            """
    )

    @Argument(help: "GGUF file or Hugging Face folder.")
    var model: String = DefaultModel.path

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func validate() throws {
        model = try resolveModelArgument(model)
    }

    func run() throws {
        let s = try ModelSummary.describe(path: model)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(s), as: UTF8.self))
            return
        }
        func line(_ label: String, _ value: String?) {
            if let value { print(label.padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
        }
        line("file", s.path)
        line("format", s.format + (s.ggufVersion.map { " v\($0)" } ?? ""))
        line("name", s.name)
        line("architecture", s.architecture)
        line("parameters", "\(s.parameters.formatted()) (\(s.tensorCount) tensors, \(bytes(s.tensorBytes)))")
        line("context", s.contextLength.map { "\($0.formatted()) tokens" })
        line("embedding", s.embeddingLength.map(String.init))
        line("layers", s.blockCount.map(String.init))
        line("heads", s.headCount.map { h in "\(h)" + (s.headCountKV.map { " (\($0) KV)" } ?? "") })
        line("feed-forward", s.feedForwardLength.map(String.init))
        line("vocabulary", s.vocabularySize.map { "\($0.formatted())" + (s.tokenizer.map { ", \($0)" } ?? "") })
        print("tensor types")
        for t in s.tensorTypes {
            print("  \(t.type.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(t.tensors).leftPad(4)) tensors  \(t.parameters.formatted().leftPad(13)) params  \(bytes(t.bytes).leftPad(10))")
        }
        if let t = s.chatTemplate {
            print("chat template")
            print(t.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        } else {
            line("chat template", "none")
        }
    }

    private func bytes(_ n: Int) -> String {
        n >= 1 << 20 ? String(format: "%.1f MiB", Double(n) / 1_048_576) : String(format: "%.1f KiB", Double(n) / 1024)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
