import ArgumentParser

@main
struct Yanfu: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "yanfu",
        abstract: "Translate whole Chinese novels into English with a local language model and Temp-LoRA.",
        version: version,
        groupedSubcommands: [
            CommandGroup(name: "Translate", subcommands: [TranslateCommand.self, ChaptersCommand.self, AlignCommand.self]),
            CommandGroup(name: "Evaluate", subcommands: [ScoreCommand.self, CompareCommand.self, EvalPPLCommand.self, PerplexityCommand.self, AlignEvalCommand.self]),
            CommandGroup(name: "Models", subcommands: [
                GenerateCommand.self, TokenizeCommand.self, FinetuneCommand.self, AdapterCommand.self, ModelCommand.self,
            ]),
            CommandGroup(name: "Machine", subcommands: [BenchCommand.self, DoctorCommand.self]),
        ]
    )
}
