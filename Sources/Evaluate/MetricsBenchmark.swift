import Foundation

/// `yanfu bench metrics`: corpus BLEU and chrF on synthetic segment pairs, timed in process, side
/// by side with sacreBLEU run by a Python interpreter on the same segments in the same run.
public struct MetricsBenchmark: Sendable {
    public var segments: Int
    public var repeats: Int
    public var seed: UInt64

    public init(segments: Int = 10_000, repeats: Int = 5, seed: UInt64 = 2024) {
        self.segments = segments
        self.repeats = repeats
        self.seed = seed
    }

    public struct Timing: Sendable {
        /// Median seconds per corpus score.
        public var bleuSeconds: Double
        public var chrfSeconds: Double
        public var bleu: Double
        public var chrf: Double
        public var totalSeconds: Double { bleuSeconds + chrfSeconds }
    }

    public struct Report: Sendable {
        public var segments: Int
        public var repeats: Int
        public var yanfu: Timing
        public var peer: Timing?
        public var peerDescription: String
        public var speedup: Double? { peer.map { $0.totalSeconds / yanfu.totalSeconds } }
        /// Whether both sides computed the same scores (bit for bit).
        public var scoresAgree: Bool? { peer.map { $0.bleu == yanfu.bleu && $0.chrf == yanfu.chrf } }
    }

    /// English-like sentences from a Zipf-distributed vocabulary with punctuation and numbers;
    /// hypotheses are the references with words dropped, repeated, swapped or replaced.
    public func corpus() -> (hypotheses: [String], references: [String]) {
        var rng = SeededGenerator(seed: seed)
        let syllables = ["ka", "lo", "mi", "ren", "sha", "to", "qin", "wei", "feng", "an", "du", "el", "or", "ya", "zhu", "li"]
        var vocabulary = (0..<5000).map { i -> String in
            var w = "", k = i
            repeat { w += syllables[k % syllables.count]; k /= syllables.count } while k > 0
            return w
        }
        vocabulary += ["the", "a", "of", "and", "to", "in", "he", "she", "said", "was"]
        let punct = [",", ".", ";", "!", "?", "\"", "—", "'s"]
        func word() -> String {
            // Zipf-like: rank ∝ exp(uniform) concentrates mass on the first words.
            let u = Double(rng.next(below: 1_000_000)) / 1_000_000
            return vocabulary[min(vocabulary.count - 1, Int(exp(u * log(Double(vocabulary.count)))) - 1)]
        }
        var hyps = [String](), refs = [String]()
        hyps.reserveCapacity(segments); refs.reserveCapacity(segments)
        for _ in 0..<segments {
            var ref = [String]()
            for _ in 0..<(5 + rng.next(below: 35)) {
                switch rng.next(below: 20) {
                case 0: ref.append(punct[rng.next(below: punct.count)])
                case 1: ref.append("\(rng.next(below: 5000)),\(100 + rng.next(below: 900)).5")
                default: ref.append(word())
                }
            }
            var hyp = [String]()
            for w in ref {
                switch rng.next(below: 10) {
                case 0: continue
                case 1: hyp += [w, w]
                case 2: hyp.append(word())
                case 3 where !hyp.isEmpty: hyp.insert(w, at: hyp.count - 1)
                default: hyp.append(w)
                }
            }
            refs.append(ref.joined(separator: " ").capitalizedFirst + ".")
            hyps.append(hyp.joined(separator: " ").capitalizedFirst + ".")
        }
        return (hyps, refs)
    }

    public func measureYanfu(hypotheses: [String], references: [String]) throws -> Timing {
        var bleuTimes = [Double](), chrfTimes = [Double]()
        var bleu = 0.0, chrf = 0.0
        for _ in 0..<repeats {
            var start = DispatchTime.now().uptimeNanoseconds
            bleu = try BLEU().corpusScore(hyps: hypotheses, refs: [references]).score
            bleuTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            start = DispatchTime.now().uptimeNanoseconds
            chrf = try CHRF().corpusScore(hyps: hypotheses, refs: [references]).score
            chrfTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return Timing(bleuSeconds: median(bleuTimes), chrfSeconds: median(chrfTimes), bleu: bleu, chrf: chrf)
    }

    /// Times sacreBLEU in the given interpreter (fresh metric objects each run, so its
    /// tokenizer cache starts empty, as in a normal invocation). Nil when sacreBLEU is missing.
    public func measurePeer(python: String, hypotheses: [String], references: [String]) throws -> (Timing, String)? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yanfu-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = dir.appendingPathComponent("hyp.json"), r = dir.appendingPathComponent("ref.json")
        try JSONSerialization.data(withJSONObject: hypotheses).write(to: h)
        try JSONSerialization.data(withJSONObject: references).write(to: r)
        let script = """
        import json, statistics, sys, time
        import sacrebleu
        from sacrebleu.metrics import BLEU, CHRF
        hyps = json.load(open(sys.argv[1], encoding="utf-8")); refs = json.load(open(sys.argv[2], encoding="utf-8"))
        b, c = [], []
        for _ in range(int(sys.argv[3])):
            t = time.perf_counter(); bleu = BLEU().corpus_score(hyps, [refs]).score; b.append(time.perf_counter() - t)
            t = time.perf_counter(); chrf = CHRF().corpus_score(hyps, [refs]).score; c.append(time.perf_counter() - t)
        # Scores as repr strings: Foundation's JSON number parsing is not correctly rounded.
        print(json.dumps(dict(bleu_s=statistics.median(b), chrf_s=statistics.median(c), bleu=repr(bleu),
                              chrf=repr(chrf), version=sacrebleu.__version__, python=sys.version.split()[0])))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, h.path, r.path, String(repeats)]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let bs = obj["bleu_s"] as? Double, let cs = obj["chrf_s"] as? Double,
              let b = (obj["bleu"] as? String).flatMap(Double.init), let c = (obj["chrf"] as? String).flatMap(Double.init)
        else { return nil }
        let desc = "sacreBLEU \(obj["version"] as? String ?? "?") on Python \(obj["python"] as? String ?? "?") (\(python))"
        return (Timing(bleuSeconds: bs, chrfSeconds: cs, bleu: b, chrf: c), desc)
    }

    /// Candidate interpreters: an explicit path, `$YANFU_PYTHON`, the peers' venv, `python3` on PATH.
    public static func pythonCandidates(explicit: String?) -> [String] {
        if let explicit { return [explicit] }
        var list = [String]()
        if let env = ProcessInfo.processInfo.environment["YANFU_PYTHON"], !env.isEmpty { list.append(env) }
        list.append(NSHomeDirectory() + "/.cache/peers/venv/bin/python")
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            list.append("\(dir)/python3")
        }
        return list.filter { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public func run(python: String?) throws -> Report {
        let (hyps, refs) = corpus()
        let mine = try measureYanfu(hypotheses: hyps, references: refs)
        for candidate in Self.pythonCandidates(explicit: python) {
            if let (peer, desc) = try measurePeer(python: candidate, hypotheses: hyps, references: refs) {
                return Report(segments: segments, repeats: repeats, yanfu: mine, peer: peer, peerDescription: desc)
            }
        }
        let tried = python.map { "\($0) (no working sacrebleu)" } ?? "no Python with sacrebleu found (set --python or YANFU_PYTHON)"
        return Report(segments: segments, repeats: repeats, yanfu: mine, peer: nil, peerDescription: tried)
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
