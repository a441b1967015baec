import ArgumentParser

/// `yanfu bench`: speed measurements; `model` (the default) benchmarks a language model.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (default: model speed, compared with llama-bench).",
        subcommands: [BenchModelCommand.self],
        defaultSubcommand: BenchModelCommand.self
    )
}
