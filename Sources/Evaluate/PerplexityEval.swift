import Foundation

/// What `compare` plots and tabulates of `yanfu eval-ppl`'s `eval.json` (read as `PerplexityFile`):
/// perplexity of the reference translation with no adapter and with the Temp-LoRA adapter,
/// overall and per chapter.
public struct PerplexityEval: Sendable, Equatable {
    public struct Chapter: Sendable, Equatable {
        public var number: Int
        public var basePPL: Double
        public var tempLoRAPPL: Double
        public var targetTokens: Int
    }

    /// The JSON file read.
    public var path: String
    /// Short name for legends: the folder holding eval.json, or the file's name without extension.
    public var label: String
    public var basePPL: Double
    public var tempLoRAPPL: Double
    public var chapters: [Chapter]

    static let expected = "expected `yanfu eval-ppl` output: {\"base_ppl\": number, \"temp_lora_ppl\": number, "
        + "\"chapters\": [{\"number\": integer, \"base_ppl\": number, \"temp_lora_ppl\": number, \"target_tokens\": integer}]}"

    /// Reads `path/eval.json` when `path` is a folder, else `path` itself.
    public static func read(_ path: String) throws -> PerplexityEval {
        let name = PerplexityFile.fileName
        let file = RunFolderReader.isRunFolder(path) ? (path as NSString).appendingPathComponent(name) : path
        let url = URL(fileURLWithPath: file)
        let label = url.lastPathComponent == name ? url.deletingLastPathComponent().lastPathComponent
                                                  : url.deletingPathExtension().lastPathComponent
        let bytes = try SegmentFile.readBytes(file)
        do throws(FieldError) {
            let f = try PerplexityFile.decode(Data(bytes))
            return PerplexityEval(path: file, label: label, basePPL: try ppl(f.overall.basePPL, "base_ppl"),
                                  tempLoRAPPL: try ppl(f.overall.tempLoRAPPL, "temp_lora_ppl"),
                                  chapters: try f.chapters.enumerated().map { i, c throws(FieldError) in
                                      Chapter(number: c.number, basePPL: try ppl(c.totals.basePPL, "chapters[\(i)].base_ppl"),
                                              tempLoRAPPL: try ppl(c.totals.tempLoRAPPL, "chapters[\(i)].temp_lora_ppl"),
                                              targetTokens: try required(c.totals.targetTokens, "chapters[\(i)].target_tokens"))
                                  })
        } catch {
            throw EvaluateError.invalidArgument("\(file): \(error.reason); \(expected)")
        }
    }

    static func required(_ value: Int?, _ field: String) throws(FieldError) -> Int {
        guard let value else { throw FieldError(reason: "field \"\(field)\" is missing or null") }
        return value
    }

    /// A perplexity: a finite number ≥ 1 (exp of a non-negative mean loss).
    static func ppl(_ value: Double?, _ field: String) throws(FieldError) -> Double {
        guard let value else { throw FieldError(reason: "field \"\(field)\" is missing or null") }
        guard value.isFinite, value >= 1 else {
            throw FieldError(reason: "field \"\(field)\" is \(value), not a perplexity (a finite number ≥ 1)")
        }
        return value
    }
}
