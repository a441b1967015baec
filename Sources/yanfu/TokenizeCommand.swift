import ArgumentParser
import Foundation
import LLM

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show the token ids a model's tokenizer gives a text.",
        discussion: """
            Ids are those llama.cpp's llama-tokenize gives for the same GGUF: BOS is added when the \
            model asks for it (unless --no-bos), and control-token text such as <start_of_turn> \
            becomes that token (unless --no-parse-special, as llama-perplexity does). The text form \
            prints one token a line: id and vocabulary piece; --json prints {"ids": [...]}.

            Examples:
              yanfu tokenize '我们明天去北京。'
              yanfu tokenize --model tiny.gguf --json --no-bos $'a\\tb'
              yanfu tokenize --json - < chapter.txt
            """
    )

    @Option(help: "GGUF file or Hugging Face folder.")
    var model: String = DefaultModel.path

    @Flag(help: "Print {\"ids\": [...]}.")
    var json = false

    @Flag(help: "Do not add BOS even if the model asks for it.")
    var noBos = false

    @Flag(help: "Treat control-token text as plain text.")
    var noParseSpecial = false

    @Argument(help: "The text to tokenize (- reads UTF-8 from standard input).")
    var text: String

    mutating func validate() throws {
        model = try resolveModelArgument(model)
    }

    func run() throws {
        let input = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
        let tokenizer = try Tokenizer.load(modelPath: model)
        // As llama-tokenize: special tokens (BOS, and EOS if the model adds one) only with BOS.
        let addSpecial = tokenizer.addBOS && !noBos
        let ids = try tokenizer.encode(input, addBOS: addSpecial, parseSpecial: !noParseSpecial, addEOS: addSpecial && tokenizer.addEOS)
        if json {
            print("{\"ids\": [\(ids.map(String.init).joined(separator: ", "))]}")
            return
        }
        for id in ids {
            print("\(String(id).leftPad(7)) -> '\(visible(tokenizer.piece(id)))'")
        }
    }

    /// The piece with control characters escaped, so each token stays on its line.
    private func visible(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out += u.value < 0x20 || u.value == 0x7F ? String(format: "\\x%02x", u.value) : String(u)
            }
        }
        return out
    }
}
