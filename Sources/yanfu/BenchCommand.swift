import ArgumentParser

/// `yanfu bench`: speed measurements against the peers, one subcommand per subsystem.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that report Yanfu's speed next to its peers' in the same run.",
        subcommands: [BenchTextCommand.self, BenchMetricsCommand.self]
    )
}
