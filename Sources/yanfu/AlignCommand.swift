import ArgumentParser
import Foundation
import Text

struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Align the sentences of a Chinese book with its English translation, chapter by chapter.",
        discussion: """
        Chapters are paired by their numbers (第一回 ↔ CHAPTER I.), or taken in order from a GuoFeng \
        pair with chapter alignment only. Within each chapter a Gale–Church dynamic program pairs \
        sentences in 1-1, 1-2, 2-1, 2-2, 1-0 and 0-1 beads from their lengths (Chinese: non-space \
        characters; English: characters), with a bonus when the two sides share numbers or words \
        found through --dictionary (CC-CEDICT, plain or .gz). The length ratio, its variance and \
        the bead priors are re-estimated from a first pass over the whole book.

        DIR receives NAME.zh and NAME.en (GuoFeng layout, one pairing bead a line; 1-0 and 0-1 \
        beads are left out but counted), alignment.jsonl (one line per bead, with 0-based sentence \
        indices within the chapter) and report.md (per-chapter bead counts and score; the score is \
        the mean p-value of the beads' length differences, about 0.5 for a faithful translation \
        aligned correctly).

        Example:
          yanfu align --source hongloumeng/zh.txt --target hongloumeng/en.txt \\
            --dictionary cedict_1_0_ts_utf-8_mdbg.txt.gz --out /tmp/hlm-align
        """
    )

    @Option(help: "The Chinese book (chapter headings such as 第一回), or a GuoFeng-layout .zh file.")
    var source: String

    @Option(help: "The English book (CHAPTER I. …), or a GuoFeng-layout .en file.")
    var target: String

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "The encoding of --source (e.g. GB18030, Big5, UTF-16LE); detected when omitted.")
    var encoding: String?

    @Option(help: "The encoding of --target; detected when omitted.")
    var targetEncoding: String?

    @Flag(help: "Replace invalid bytes in either file with U+FFFD (counted in the warnings) instead of failing.")
    var lossy = false

    @Option(help: "A CC-CEDICT file (plain UTF-8 or gzip) for word anchors.")
    var dictionary: String?

    @Option(help: "Name of the output files and the GuoFeng book id (default: from the source file).")
    var name: String?

    @Flag(help: "Use lengths only: no number or dictionary anchors.")
    var noAnchors = false

    @Flag(help: "Print the summary as JSON instead of a table.")
    var json = false

    func run() throws {
        do {
            let input = try AlignmentInput.read(source: source, target: target, name: name,
                                                sourceDecoding: DecodeOptions(encoding: encoding, lossy: lossy),
                                                targetDecoding: DecodeOptions(encoding: targetEncoding, lossy: lossy))
            let dict = try dictionary.map { try BilingualDictionary.read(file: $0) }
            let result = BookAligner(dictionary: dict, useAnchors: !noAnchors).align(input.chapters)
            let output = AlignmentOutput(name: input.name, source: source, target: target, dictionary: dictionary,
                                         result: result, warnings: input.warnings)
            try output.write(directory: out)
            if json {
                print(try output.json())
            } else {
                print(output.markdown(), terminator: "")
                print("wrote \(out)/\(input.name).zh, \(input.name).en, alignment.jsonl, report.md")
            }
        } catch let error as TextError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
