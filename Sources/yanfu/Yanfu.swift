import ArgumentParser

@main
struct Yanfu: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "yanfu",
        abstract: "Translate whole Chinese novels into English with a local language model and Temp-LoRA.",
        version: version,
        subcommands: [GenerateCommand.self, PerplexityCommand.self, BenchCommand.self, TokenizeCommand.self,
                      FinetuneCommand.self, AdapterCommand.self]
    )
}
