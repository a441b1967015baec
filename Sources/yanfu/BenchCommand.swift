import ArgumentParser

/// `yanfu bench`: speed measurements that report the peers' figures in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that report Yanfu's speed next to its peers' in the same run.",
        discussion: """
            model (the default): prompt processing and generation against llama-bench;
            train: one Temp-LoRA step; text: reading a book; metrics: BLEU + chrF against sacreBLEU;
            tokenize: a whole file through the tokenizer against llama-tokenize.
            """,
        subcommands: [BenchModelCommand.self, BenchTrainCommand.self, BenchTextCommand.self, BenchMetricsCommand.self,
                      BenchTokenizeCommand.self],
        defaultSubcommand: BenchModelCommand.self
    )
}
