import ArgumentParser
import Evaluate
import Foundation

struct BenchMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time corpus BLEU + chrF against sacreBLEU on the same segments, in the same run.",
        discussion: """
        Generates synthetic English segment pairs (a fixed seed, so every run scores the same \
        text), times Yanfu's corpus BLEU and chrF in process, then has sacreBLEU score the same \
        segments in Python (timed inside the interpreter, excluding start-up and imports) and \
        prints both medians, the speed-up and whether the scores agree. The interpreter is \
        --python, else $YANFU_PYTHON, else ~/.cache/peers/venv/bin/python, else python3 on PATH; \
        without one, Yanfu's own figures are printed and the peer is reported missing.

        Example:
          yanfu bench metrics --python ~/.cache/peers/venv/bin/python
        """
    )

    @Option(help: "Number of segment pairs.")
    var segments = 10_000

    @Option(help: "Runs per side; medians are reported.")
    var repeats = 5

    @Option(help: "Python interpreter with sacrebleu installed.")
    var python: String?

    @Flag(help: "Print the measurements as JSON.")
    var json = false

    func validate() throws {
        guard segments >= 1 else { throw ValidationError("--segments must be at least 1") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        try runReportingErrors {
            let r = try MetricsBenchmark(segments: segments, repeats: repeats).run(python: python)
            if json {
                func timing(_ t: MetricsBenchmark.Timing) -> JSONValue {
                    .object([("bleu_seconds", .number(t.bleuSeconds)), ("chrf_seconds", .number(t.chrfSeconds)),
                             ("total_seconds", .number(t.totalSeconds)), ("bleu", .number(t.bleu)), ("chrf", .number(t.chrf))])
                }
                print(JSONValue.object([
                    ("segments", .int(r.segments)), ("repeats", .int(r.repeats)),
                    ("yanfu", timing(r.yanfu)), ("peer", r.peer.map(timing) ?? .null),
                    ("peer_description", .string(r.peerDescription)),
                    ("speedup", r.speedup.map { .number($0) } ?? .null),
                    ("scores_agree", r.scoresAgree.map { .bool($0) } ?? .null),
                ]).serialized())
                return
            }
            func line(_ name: String, _ t: MetricsBenchmark.Timing) -> String {
                "  \(name)  BLEU \(fixed(t.bleuSeconds, 3)) s   chrF \(fixed(t.chrfSeconds, 3)) s   "
                    + "total \(fixed(t.totalSeconds, 3)) s   (BLEU = \(fixed(t.bleu, 2)), chrF2 = \(fixed(t.chrf, 2)))"
            }
            print("corpus BLEU + chrF on \(r.segments) segment pairs, median of \(r.repeats) runs")
            print(line("yanfu    ", r.yanfu))
            if let peer = r.peer, let speedup = r.speedup {
                print(line("sacreBLEU", peer))
                print("  peer: \(r.peerDescription)")
                print("  speed-up: \(fixed(speedup, 1))× (BLEU \(fixed(peer.bleuSeconds / r.yanfu.bleuSeconds, 1))×, "
                    + "chrF \(fixed(peer.chrfSeconds / r.yanfu.chrfSeconds, 1))×); scores "
                    + (r.scoresAgree == true ? "agree" : "DIFFER"))
            } else {
                print("  peer not measured: \(r.peerDescription)")
            }
        }
    }
}
