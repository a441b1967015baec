import ArgumentParser
import Foundation
import Text

/// `yanfu bench text`: how fast a whole book is decoded, structured and split into sentences.
struct BenchTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Measure the Text pipeline's speed on a book (MB/s per stage).",
        discussion: """
        Runs each stage on the whole file several times and reports the median: reading the \
        bytes, decoding them (encoding detection included), finding chapters and paragraphs, \
        and splitting sentences. MB/s is input megabytes (10^6 bytes) per second.

        Example:
          yanfu bench text ../shared/corpora/sanguo/zh.txt --repeats 7 --json
        """
    )

    @Argument(help: "The book file.")
    var file: String

    @Option(help: "Times to run each stage (the median is reported).")
    var repeats = 5

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        do {
            let result = try TextBenchmark.run(file: file, repeats: repeats)
            print(json ? try result.json() : result.table())
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
