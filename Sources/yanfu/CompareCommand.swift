import ArgumentParser
import Evaluate
import Foundation

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare systems on the same references with confidence intervals and significance tests.",
        discussion: """
        Every metric is computed for every system, with sacreBLEU's paired bootstrap resampling: \
        one set of resampled test sets shared by all systems, the mean and 95% confidence interval \
        of each system, and the p-value of its difference from the first --hyp (the baseline). \
        A p-value below 0.05 is marked with *. Hypotheses may be text files, GuoFeng files or run \
        folders; name them with --name (in order) or they are named after their paths.

        Example:
          yanfu compare --ref ref.en --hyp base.en --hyp lora.en \\
              --name base --name temp-lora --report report.md
        writes report.md and one bar chart per metric (report-bleu.svg, …) next to it.
        """
    )

    @Option(name: .long, help: "A system's output (repeat; the first is the baseline).")
    var hyp: [String] = []

    @Option(name: .long, help: "Display names for the systems, in --hyp order.")
    var name: [String] = []

    @OptionGroup var options: MetricOptions

    @Option(help: "Number of bootstrap resamples.")
    var bootstrap = 1000

    @Option(help: "Seed of the resampling generator.")
    var seed: UInt64 = 12345

    @Option(help: "Write a Markdown report here, with SVG charts beside it.")
    var report: String?

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        guard !hyp.isEmpty else { throw ValidationError("give at least one system with --hyp") }
        guard name.isEmpty || name.count == hyp.count else {
            throw ValidationError("--name given \(name.count) times for \(hyp.count) --hyp; give one name per system or none")
        }
        guard bootstrap >= 1 else { throw ValidationError("--bootstrap must be at least 1") }
        _ = try options.metricList()
    }

    func run() throws {
        let metrics = try options.metricList()
        try runReportingErrors {
            let loaded = try options.load(systems: hyp)
            let systems = loaded.systems.enumerated().map { i, output in
                (name: name.isEmpty ? hyp[i] : name[i], output: output)
            }
            let result = try Comparison(references: loaded.references, systems: systems, metrics: metrics,
                                        bootstrap: PairedBootstrap(samples: bootstrap, seed: seed),
                                        documentLevel: loaded.documentLevel).run()
            if let report {
                let written = try ReportWriter.write(result, to: report)
                FileHandle.standardError.write(Data("wrote \(written.joined(separator: ", "))\n".utf8))
            }
            print(json ? result.json().serialized() : result.textTable(), terminator: json ? "\n" : "")
        }
    }
}
