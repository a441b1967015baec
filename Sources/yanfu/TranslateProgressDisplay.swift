import Foundation
import Translate

/// Progress of `yanfu translate` on stderr: one live line on a terminal, plain log lines
/// otherwise, nothing but warnings with --quiet.
final class TranslateProgressDisplay {
    private let quiet: Bool
    private let live = isatty(STDERR_FILENO) == 1
    private var lineShown = false
    private var lastLog = Date.distantPast

    init(quiet: Bool) { self.quiet = quiet }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    private func clearLine() {
        if lineShown { write("\r\u{1B}[2K"); lineShown = false }
    }

    func show(_ event: TranslateEvent) {
        switch event {
        case .warning(let w):
            clearLine()
            write("warning: \(w)\n")
        case .note(let n):
            if quiet { return }
            clearLine()
            write("yanfu: \(n)\n")
        case .unit(let u):
            if quiet { return }
            let loss = u.lastLoss.map { String(format: " · loss %.3f", $0) } ?? ""
            let eta = u.etaSeconds.map { " · ETA " + Self.duration($0) } ?? ""
            let status = String(format: "chapter %d/%d (%d) · unit %d/%d · %.1f tok/s%@%@ · adapter v%d%@",
                                u.chapterPosition, u.chapterCount, u.chapterNumber, u.unitsDone, u.unitsTotal,
                                u.tokensPerSecond, eta, loss, u.adapterVersion, u.replayed ? " · replaying" : "")
            if live {
                write("\r\u{1B}[2K" + status)
                lineShown = true
            } else if Date().timeIntervalSince(lastLog) >= 10 || u.unitsDone == u.unitsTotal {
                write(status + "\n")
                lastLog = Date()
            }
        }
    }

    func finish() { if lineShown { write("\n"); lineShown = false } }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t / 60 % 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
