import Foundation

/// Times the stages of `BookReader` on one file (used by `yanfu bench text`).
public struct TextBenchmark: Sendable, Encodable {
    public struct Stage: Sendable, Encodable {
        public var name: String
        public var seconds: Double
        public var megabytesPerSecond: Double

        enum CodingKeys: String, CodingKey { case name, seconds, megabytesPerSecond = "mb_per_s" }
    }

    public var file: String
    public var bytes: Int
    public var encoding: String
    public var chapters: Int
    public var paragraphs: Int
    public var sentences: Int
    public var repeats: Int
    public var stages: [Stage]

    public static func run(file: String, repeats: Int) throws -> TextBenchmark {
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[times.count / 2]
        }
        var bytes: [UInt8] = []
        let read = try median { bytes = try FileIO.readBytes(file) }
        var decoded: DecodedText!
        let decode = try median { decoded = try TextDecoder.decode(bytes, file: file) }
        var book: Book!
        let structure = try median {
            book = try BookReader.parse(text: decoded.text, encoding: decoded.encoding, options: BookOptions(sentences: false))
        }
        let sentences = try median { try BookReader.addSentences(to: &book) }
        let megabytes = Double(bytes.count) / 1e6
        let stages = [("read", read), ("decode", decode), ("chapters+paragraphs", structure), ("sentences", sentences),
                      ("total", read + decode + structure + sentences)].map {
            Stage(name: $0.0, seconds: $0.1, megabytesPerSecond: megabytes / max($0.1, 1e-9))
        }
        return TextBenchmark(file: file, bytes: bytes.count, encoding: decoded.encoding, chapters: book.chapters.count,
                             paragraphs: book.chapters.reduce(0) { $0 + $1.paragraphs.count },
                             sentences: book.chapters.reduce(0) { $0 + $1.sentences.count }, repeats: repeats, stages: stages)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func table() -> String {
        var lines = ["\(file): \(bytes) bytes, \(encoding), \(chapters) chapters, \(paragraphs) paragraphs, \(sentences) sentences (median of \(repeats))"]
        for s in stages {
            lines.append(s.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                         + String(format: "%9.1f ms %9.1f MB/s", s.seconds * 1000, s.megabytesPerSecond))
        }
        return lines.joined(separator: "\n")
    }
}
