import Foundation

/// The output of `yanfu eval-ppl`: perplexity of the reference translation with no adapter and with
/// the Temp-LoRA adapter, overall and per chapter. Only the fields plotted and tabulated are read;
/// others are ignored.
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

    public static let fileName = "eval.json"
    static let expected = "expected `yanfu eval-ppl` output: {\"base_ppl\": number, \"temp_lora_ppl\": number, "
        + "\"chapters\": [{\"number\": integer, \"base_ppl\": number, \"temp_lora_ppl\": number, \"target_tokens\": integer}]}"

    /// Reads `path/eval.json` when `path` is a folder, else `path` itself.
    public static func read(_ path: String) throws -> PerplexityEval {
        let file = RunFolderReader.isRunFolder(path) ? (path as NSString).appendingPathComponent(fileName) : path
        let url = URL(fileURLWithPath: file)
        let label = url.lastPathComponent == fileName ? url.deletingLastPathComponent().lastPathComponent
                                                      : url.deletingPathExtension().lastPathComponent
        let bytes = try SegmentFile.readBytes(file)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            throw EvaluateError.invalidArgument("\(file): not valid JSON; \(expected)")
        }
        do throws(FieldError) {
            return try parse(json, path: file, label: label)
        } catch {
            throw EvaluateError.invalidArgument("\(file): \(error.reason); \(expected)")
        }
    }

    struct FieldError: Error { var reason: String }

    static func parse(_ json: Any, path: String, label: String) throws(FieldError) -> PerplexityEval {
        guard let root = json as? [String: Any] else { throw FieldError(reason: "the top level is not a JSON object") }
        guard let list = root["chapters"] as? [Any] else {
            throw FieldError(reason: "field \"chapters\" is missing or not an array")
        }
        var chapters = [Chapter]()
        for (i, item) in list.enumerated() {
            guard let object = item as? [String: Any] else { throw FieldError(reason: "chapters[\(i)] is not an object") }
            chapters.append(Chapter(number: try int(object, "number", at: "chapters[\(i)]."),
                                    basePPL: try ppl(object, "base_ppl", at: "chapters[\(i)]."),
                                    tempLoRAPPL: try ppl(object, "temp_lora_ppl", at: "chapters[\(i)]."),
                                    targetTokens: try int(object, "target_tokens", at: "chapters[\(i)].")))
        }
        return PerplexityEval(path: path, label: label, basePPL: try ppl(root, "base_ppl", at: ""),
                              tempLoRAPPL: try ppl(root, "temp_lora_ppl", at: ""), chapters: chapters)
    }

    /// A perplexity: a finite number ≥ 1 (exp of a non-negative mean loss).
    static func ppl(_ object: [String: Any], _ key: String, at prefix: String) throws(FieldError) -> Double {
        guard let value = object[key], let number = value as? Double else {
            throw FieldError(reason: "field \"\(prefix)\(key)\" is missing or not a number")
        }
        guard number.isFinite, number >= 1 else {
            throw FieldError(reason: "field \"\(prefix)\(key)\" is \(number), not a perplexity (a finite number ≥ 1)")
        }
        return number
    }

    static func int(_ object: [String: Any], _ key: String, at prefix: String) throws(FieldError) -> Int {
        guard let value = object[key], let number = value as? Int else {
            throw FieldError(reason: "field \"\(prefix)\(key)\" is missing or not an integer")
        }
        return number
    }
}
