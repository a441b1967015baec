import ArgumentParser
import Foundation
import LLM

/// `yanfu adapter`: LoRA adapter files.
struct AdapterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter",
        abstract: "Work with LoRA adapters (PEFT folders, llama.cpp GGUF LoRA files).",
        subcommands: [AdapterExportCommand.self]
    )
}

struct AdapterExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert an adapter to the PEFT layout or llama.cpp's GGUF LoRA layout.",
        discussion: """
            Reads a PEFT adapter folder or a GGUF LoRA file made for --model and writes it as \
            --format peft (a folder for PeftModel.from_pretrained) or --format gguf (a file for \
            llama.cpp's --lora). For `llama` models, the q/k rows of B are permuted as \
            llama.cpp's converter permutes the base weights.

            Example:
              yanfu adapter export adapters/hlm --format gguf --out hlm-lora.gguf
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case peft, gguf }

    @Argument(help: "Adapter folder (PEFT) or GGUF LoRA file.") var adapter: String
    @Option(help: "peft or gguf.") var format: Format
    @Option(help: "Output folder (peft) or file (gguf).") var out: String
    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String = DefaultModel.path
    @Option(help: "base_model_name_or_path written into adapter_config.json (default: --model).")
    var baseModelName: String?

    mutating func validate() throws {
        model = try resolveModelArgument(model)
    }

    func run() throws {
        do {
            let lm = try LanguageModel.load(path: model, threads: 1)
            let a = try LoRAAdapter.load(from: adapter, model: lm)
            switch format {
            case .peft: try a.savePEFT(to: out, baseModelName: baseModelName ?? model)
            case .gguf: try a.saveGGUF(to: out)
            }
            print("wrote \(out) (\(a.modules.count) modules, rank \(a.config.rank), alpha \(a.config.alpha))")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
