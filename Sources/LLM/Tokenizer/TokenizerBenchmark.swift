import Foundation

/// How fast a model's tokenizer turns a whole file into ids, next to llama.cpp's llama-tokenize on
/// the same file and model in the same run (`yanfu bench tokenize`).
public struct TokenizerBenchmark: Sendable {
    public struct Peer: Sendable {
        public let executable: String
        /// Median wall time of `llama-tokenize -f FILE` (start, model load, tokenizing, printing ids).
        public let totalSeconds: Double
        /// Median wall time of the same command on a one-line file: start-up and model load.
        public let loadSeconds: Double
        public var tokenizeSeconds: Double { max(totalSeconds - loadSeconds, 1e-9) }
        public let tokens: Int
        /// Whether its ids are exactly Yanfu's.
        public let idsIdentical: Bool
    }

    public let file: String
    public let bytes: Int
    public let model: String
    public let tokenizerKind: String
    public let tokens: Int
    public let repeats: Int
    /// Building the tokenizer from the model file (once).
    public let loadSeconds: Double
    /// Median of `repeats` encodings of the whole file.
    public let encodeSeconds: Double
    public let encodeSamples: [Double]
    public let peer: Peer?
    public let peerError: String?

    /// `repeats` encodings of the whole file (as llama-tokenize: BOS if the model asks for it,
    /// special-token text as plain text), then llama-tokenize as many times when given.
    public static func run(file: String, model: String, repeats: Int, llamaTokenize: String?) throws -> TokenizerBenchmark {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ModelFileError(file: file, field: "file", expected: "a readable text file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let loadStart = Date()
        let tok = try Tokenizer.load(modelPath: model)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        var samples: [Double] = []
        var ids: [Int32] = []
        for _ in 0..<repeats {
            let start = Date()
            ids = try tok.encode(text, addBOS: tok.addBOS, parseSpecial: false)
            samples.append(Date().timeIntervalSince(start))
        }
        var peer: Peer?
        var peerError: String?
        if let exe = llamaTokenize {
            do {
                peer = try runPeer(exe, model: model, file: file, repeats: repeats, expected: ids)
            } catch {
                peerError = "\(error)"
            }
        }
        return TokenizerBenchmark(file: file, bytes: data.count, model: model, tokenizerKind: tok.kindDescription, tokens: ids.count,
                                  repeats: repeats, loadSeconds: loadSeconds, encodeSeconds: median(samples), encodeSamples: samples,
                                  peer: peer, peerError: peerError)
    }

    private static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    private static func runPeer(_ exe: String, model: String, file: String, repeats: Int, expected: [Int32]) throws -> Peer {
        let oneLine = NSTemporaryDirectory() + "yanfu-bench-tokenize-\(getpid()).txt"
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: oneLine))
        defer { try? FileManager.default.removeItem(atPath: oneLine) }
        var totals: [Double] = [], loads: [Double] = []
        var output = Data()
        for _ in 0..<repeats {
            let (t, out) = try timeLlamaTokenize(exe, model: model, file: file)
            totals.append(t)
            output = out
            loads.append(try timeLlamaTokenize(exe, model: model, file: oneLine).seconds)
        }
        // The ids are the last line: "[1, 2, 3]".
        let lastLine = String(decoding: output, as: UTF8.self).split(separator: "\n").last ?? ""
        let ids = lastLine.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",").compactMap {
            Int32($0.trimmingCharacters(in: .whitespaces))
        }
        return Peer(executable: exe, totalSeconds: median(totals), loadSeconds: median(loads), tokens: ids.count,
                    idsIdentical: ids == expected)
    }

    private static func timeLlamaTokenize(_ exe: String, model: String, file: String) throws -> (seconds: Double, stdout: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-m", model, "-f", file, "--ids", "--log-disable", "--no-escape", "--no-parse-special"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let start = Date()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        guard p.terminationStatus == 0 else {
            throw ModelFileError(file: exe, field: "exit status", expected: "0, found \(p.terminationStatus) (llama-tokenize -m \(model) -f \(file))")
        }
        return (seconds, data)
    }

    public var megabytesPerSecond: Double { Double(bytes) / 1e6 / encodeSeconds }

    public func json() throws -> String {
        var obj: [String: Any] = [
            "file": file, "bytes": bytes, "model": model, "tokenizer": tokenizerKind, "tokens": tokens, "repeats": repeats,
            "load_seconds": loadSeconds, "encode_seconds": encodeSeconds, "encode_samples": encodeSamples,
            "mb_per_second": megabytesPerSecond,
        ]
        if let p = peer {
            obj["llama_tokenize"] = p.executable
            obj["llama_total_seconds"] = p.totalSeconds
            obj["llama_load_seconds"] = p.loadSeconds
            obj["llama_tokenize_seconds"] = p.tokenizeSeconds
            obj["llama_tokens"] = p.tokens
            obj["ids_identical"] = p.idsIdentical
            obj["ratio_llama_over_yanfu"] = p.tokenizeSeconds / encodeSeconds
        }
        if let e = peerError { obj["llama_tokenize_error"] = e }
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    public func table() -> String {
        var lines = [
            "file: \(file) (\(bytes) bytes)",
            "model: \(model) (\(tokenizerKind))",
            String(format: "yanfu:          %8.3f s  %9d tokens  %6.2f MB/s  (median of %d; tokenizer load %.3f s, not included)",
                   encodeSeconds, tokens, megabytesPerSecond, repeats, loadSeconds),
        ]
        if let p = peer {
            lines.append(String(format: "llama-tokenize: %8.3f s  %9d tokens  %6.2f MB/s  (median run %.3f s − start-up and load %.3f s on a one-line file)",
                                p.tokenizeSeconds, p.tokens, Double(bytes) / 1e6 / p.tokenizeSeconds, p.totalSeconds, p.loadSeconds))
            lines.append(String(format: "ratio llama-tokenize / yanfu: %.2f× (above 1: Yanfu is faster); ids identical: %@",
                                p.tokenizeSeconds / encodeSeconds, p.idsIdentical ? "yes" : "NO"))
        }
        if let e = peerError { lines.append("llama-tokenize: \(e)") }
        return lines.joined(separator: "\n")
    }
}
