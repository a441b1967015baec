import Evaluate
import Foundation
import LLM
import Text

/// Every setting of an `eval-ppl` run (saved in settings.json; a resume must use the same ones).
public struct EvalPPLSettings: Sendable, Codable, Equatable {
    public var source: String
    public var reference: String?
    public var dictionary: String?
    /// Encodings that override detection, and lossy decoding: nil when not given, so that
    /// settings.json files written before these options existed still resume.
    public var sourceEncoding: String?
    public var referenceEncoding: String?
    public var lossy: Bool?
    public var model: String
    /// nil: chosen from the model's chat template.
    public var template: TemplateKind?
    /// The chat templates' system turn (nil: the model's default; "" for none).
    public var system: String?
    /// The chat templates' layout (nil: `paper`, the layout of runs made before there was a choice).
    public var layout: PromptLayout?
    public var chapters: ClosedRange<Int>?
    /// Δ: tokens of bilingual text per chunk (scored, then trained on).
    public var chunkTokens = 1024
    /// L_X: tokens of preceding reference pairs the scored chunk sees.
    public var contextTokens = 1024
    /// L_T: tokens of preceding pairs before a training chunk (loss-masked).
    public var trainContextTokens = 1024
    public var epochs = 2
    public var threads: Int
    public var lora = LoRASettings()
    public var optimizer = OptimizerSettings()

    public init(source: String, reference: String?, model: String, threads: Int) {
        self.source = source
        self.reference = reference
        self.model = model
        self.threads = threads
    }

    /// The same settings with the file paths canonical (a resume compares these).
    var canonicalPaths: EvalPPLSettings {
        var s = self
        s.source = RunFolder.canonical(source)
        s.reference = reference.map(RunFolder.canonical)
        s.dictionary = dictionary.map(RunFolder.canonical)
        s.model = RunFolder.canonical(model)
        return s
    }

    public func validate() throws {
        try requireTempLoRASettings(chunkTokens: chunkTokens, contextTokens: contextTokens,
                                    trainContextTokens: trainContextTokens, threads: threads, rank: lora.rank)
        try requireSetting(epochs >= 0, "--epochs", "expected 0 or more, got \(epochs)")
    }

    public var sourceDecoding: DecodeOptions { DecodeOptions(encoding: sourceEncoding, lossy: lossy ?? false) }
    public var referenceDecoding: DecodeOptions { DecodeOptions(encoding: referenceEncoding, lossy: lossy ?? false) }
}

/// One scored sentence pair: its reference tokens' summed negative log-likelihood (nats) under
/// the base model and under the Temp-LoRA adapter of that moment.
public struct SentenceScore: Sendable, Codable, Equatable {
    public var pair: Int
    public var chapter: Int
    public var tokens: Int
    public var baseNLL: Double
    public var tempLoRANLL: Double

    enum CodingKeys: String, CodingKey {
        case pair, chapter, tokens, baseNLL = "base_nll", tempLoRANLL = "temp_lora_nll"
    }
}

/// One line of chunks.jsonl.
public struct ChunkScore: Sendable, Codable, Equatable {
    public var chunk: Int
    public var firstPair: Int
    public var lastPair: Int
    /// Tokens of the scored sequence (context + chunk) and of its scored reference part.
    public var tokens: Int
    public var targetTokens: Int
    public var sentences: [SentenceScore]
    /// Training losses of the steps taken on this chunk after scoring it.
    public var losses: [Float]
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case chunk, firstPair = "first_pair", lastPair = "last_pair", tokens, targetTokens = "target_tokens"
        case sentences, losses, seconds
    }
}

/// Progress of an `eval-ppl` run.
public struct EvalPPLProgress: Sendable {
    public var chunk: ChunkScore
    public var chunksDone: Int
    public var chunksTotal: Int
    public var summary: PerplexitySummary
    public var etaSeconds: Double?
}

/// The paper's teacher-forced evaluation: the corpus is walked in chunks of about Δ tokens; each
/// chunk's reference translation is scored given its source and the preceding L_X tokens of
/// reference pairs, once by the base model and once with the Temp-LoRA adapter trained on the
/// chunks before it; then the adapter trains on the chunk (E steps, the translate defaults).
///
/// Resumable: each chunk's record is appended and synced, then the trainer is checkpointed; a
/// resume continues from the last checkpoint and recomputes (without re-recording) any chunk
/// recorded after it, so the result equals an uninterrupted run's.
public final class ReferencePerplexity {
    public let settings: EvalPPLSettings
    public let corpus: ReferenceCorpus
    public let template: PromptTemplate
    public let bundle: ModelBundle
    /// nil: nothing is written and nothing can be resumed.
    public let folder: String?
    /// The chunks as ranges of pair indices.
    public let chunks: [ClosedRange<Int>]
    /// Test hook: called after each chunk's record is written (throwing simulates a crash there).
    public var interruptHook: (@Sendable (Int) throws -> Void)?

    private let generator: LineGenerator
    private let pairTokens: [Int]

    public init(settings: EvalPPLSettings, corpus: ReferenceCorpus, bundle: ModelBundle, folder: String?) throws {
        try settings.validate()
        self.settings = settings
        self.corpus = corpus
        self.bundle = bundle
        self.folder = folder
        template = bundle.promptTemplate(kind: settings.template, system: settings.system, layout: settings.layout)
        let g = LineGenerator(model: bundle.model, tokenizer: bundle.tokenizer)
        generator = g
        let counts = corpus.pairs.map { g.tokenCount($0.source) + g.tokenCount($0.target) + 4 }
        pairTokens = counts
        var cuts: [ClosedRange<Int>] = [], start = 0, sum = 0
        for i in counts.indices {
            sum += counts[i]
            if sum >= settings.chunkTokens || i == counts.count - 1 {
                cuts.append(start...i)
                start = i + 1
                sum = 0
            }
        }
        chunks = cuts
    }

    public var chunksFile: String? { folder.map { $0 + "/chunks.jsonl" } }
    private var checkpoints: CheckpointFolder? { folder.map { CheckpointFolder(path: $0 + "/state") } }

    private struct Checkpoint: Codable {
        var nextChunk: Int
        var trainer: String?
    }

    /// Runs or resumes the evaluation and returns every chunk's scores.
    public func run(resume: Bool, force: Bool, onProgress: (EvalPPLProgress) -> Void = { _ in }) throws -> [ChunkScore] {
        var records: [ChunkScore] = []
        var checkpoint = Checkpoint(nextChunk: 0, trainer: nil)
        if let folder {
            if resume {
                (records, checkpoint) = try loadForResume(folder)
            } else {
                try prepareFresh(folder, force: force)
            }
        }
        if let folder, !FileManager.default.fileExists(atPath: folder + "/pairs.tsv") {
            // The aligned pairs the records' indices refer to (`source<TAB>target<TAB>chapter`).
            let t = TSVPairs(pairs: corpus.pairs.enumerated().map { i, p in
                TSVPairs.Pair(source: Self.oneField(p.source), target: Self.oneField(p.target), extra: [String(p.chapter)], line: i + 1)
            })
            do { try t.write(file: folder + "/pairs.tsv") } catch { throw TranslateError.write(path: folder + "/pairs.tsv", reason: "\(error)") }
        }
        let threads = settings.threads
        let trainer = try checkpoints?.trainer(checkpoint.trainer, model: bundle.model, lora: settings.lora,
                                               optimizer: settings.optimizer, threads: threads)
            ?? CheckpointFolder.freshTrainer(lora: settings.lora, optimizer: settings.optimizer, model: bundle.model, threads: threads)
        let appender = try chunksFile.map { try LineAppender(file: $0) }
        let session = bundle.model.makeSession(capacity: settings.contextTokens + 2 * settings.chunkTokens + 256)
        let start = Date()
        let firstThisSession = checkpoint.nextChunk
        for k in checkpoint.nextChunk..<chunks.count {
            let t0 = Date()
            let chunk = chunks[k]
            let scored = try sequence(for: chunk, budget: settings.contextTokens)
            KernelThreads.set(threads)
            session.reset()
            session.adapter = nil
            let base = session.negativeLogLikelihoods(scored.ids, scored: scored.mask)
            var lora = base
            if !TempLoRARuntime.isZero(trainer.adapter) {
                session.reset()
                session.adapter = trainer.adapter
                lora = session.negativeLogLikelihoods(scored.ids, scored: scored.mask)
                session.adapter = nil
            }
            var losses: [Float] = []
            if settings.epochs > 0 {
                let train = settings.trainContextTokens == settings.contextTokens
                    ? scored : try sequence(for: chunk, budget: settings.trainContextTokens)
                for _ in 0..<settings.epochs {
                    losses.append(try trainer.step(tokens: train.ids, lossMask: train.mask).loss)
                }
                trainer.advanceSchedule()
            }
            var sentences = chunk.map { i in
                SentenceScore(pair: i, chapter: corpus.pairs[i].chapter, tokens: 0, baseNLL: 0, tempLoRANLL: 0)
            }
            for (j, s) in scored.sentence.enumerated() {
                sentences[s].tokens += 1
                sentences[s].baseNLL += base[j]
                sentences[s].tempLoRANLL += lora[j]
            }
            let record = ChunkScore(chunk: k, firstPair: chunk.lowerBound, lastPair: chunk.upperBound, tokens: scored.ids.count,
                                    targetTokens: base.count, sentences: sentences, losses: losses,
                                    seconds: (Date().timeIntervalSince(t0) * 1000).rounded() / 1000)
            if k < records.count {
                records[k].seconds = record.seconds
                if records[k].sentences != record.sentences {
                    FileHandle.standardError.write(Data("warning: chunk \(k) scored differently on resume (different threads or build?); keeping the recorded scores\n".utf8))
                }
            } else {
                try appender?.append(try Self.jsonLine(record))
                records.append(record)
            }
            try interruptHook?(k)
            // With no training (epochs 0) there is no trainer to keep.
            let name = settings.epochs > 0 ? "trainer-\(k + 1)" : nil
            try checkpoints?.save(Checkpoint(nextChunk: k + 1, trainer: name), trainerName: name,
                                  saveTrainer: name == nil ? nil : { try trainer.saveState(to: $0) })
            let done = k + 1 - firstThisSession
            let elapsed = Date().timeIntervalSince(start)
            onProgress(EvalPPLProgress(chunk: records[k], chunksDone: k + 1, chunksTotal: chunks.count,
                                       summary: PerplexitySummary(chunks: Array(records.prefix(k + 1)), corpus: corpus),
                                       etaSeconds: elapsed / Double(done) * Double(chunks.count - k - 1)))
        }
        return records
    }

    /// The chunk's pairs after up to `budget` tokens of the pairs before it; `sentence[j]` is the
    /// chunk-relative pair of the j-th scored token.
    private func sequence(for chunk: ClosedRange<Int>, budget: Int) throws -> (ids: [Int32], mask: [Bool], sentence: [Int]) {
        var first = chunk.lowerBound, left = budget
        while first > 0 && pairTokens[first - 1] <= left {
            left -= pairTokens[first - 1]
            first -= 1
        }
        func pairs(_ r: Range<Int>) -> [BilingualPair] {
            r.map { BilingualPair(source: corpus.pairs[$0].source, target: corpus.pairs[$0].target) }
        }
        let pieces = template.trainingSequence(context: pairs(first..<chunk.lowerBound),
                                               chunk: pairs(chunk.lowerBound..<(chunk.upperBound + 1)))
        let e = try generator.encodePieces(pieces, bos: true)
        // The j-th target piece is the j-th pair's English; a closing marker counts for the last.
        var ofPiece = [Int: Int]()
        for (j, p) in pieces.indices.filter({ pieces[$0].isTarget }).enumerated() { ofPiece[p] = min(j, chunk.count - 1) }
        let sentence = e.piece.indices.filter { $0 > 0 && e.mask[$0] }.map { ofPiece[e.piece[$0]]! }
        return (e.ids, e.mask, sentence)
    }

    // MARK: files

    static func oneField(_ s: String) -> String {
        String(s.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    static func jsonLine(_ r: ChunkScore) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(r), as: UTF8.self)
    }

    private func prepareFresh(_ folder: String, force: Bool) throws {
        try RunFolder.prepareFresh(folder, marker: "settings.json", force: force)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try RunFolder.writeAtomically(try enc.encode(settings.canonicalPaths), to: folder + "/settings.json")
    }

    private func loadForResume(_ folder: String) throws -> ([ChunkScore], Checkpoint) {
        guard let data = FileManager.default.contents(atPath: folder + "/settings.json") else {
            throw TranslateError.resume(path: folder, reason: "no settings.json (start without --resume)")
        }
        let saved: EvalPPLSettings
        do { saved = try JSONDecoder().decode(EvalPPLSettings.self, from: data) } catch {
            throw TranslateError.resume(path: folder + "/settings.json", reason: "unreadable (\(error))")
        }
        // Paths count as the same when they name the same file from here.
        guard saved.canonicalPaths == settings.canonicalPaths else {
            throw TranslateError.resume(path: folder + "/settings.json", reason: "the settings differ from this command's: \(saved.canonicalPaths.differences(from: settings.canonicalPaths).joined(separator: ", "))")
        }
        let records = try LineAppender.readLines(folder + "/chunks.jsonl").enumerated().map { i, line in
            do { return try JSONDecoder().decode(ChunkScore.self, from: Data(line.utf8)) } catch {
                throw TranslateError.resume(path: folder + "/chunks.jsonl", reason: "line \(i + 1) is not a chunk record (\(error))")
            }
        }
        for (i, r) in records.enumerated() where r.chunk != i || i >= chunks.count || chunks[i] != r.firstPair...r.lastPair {
            throw TranslateError.resume(path: folder + "/chunks.jsonl", reason: "line \(i + 1) does not match chunk \(i) of the corpus (was the corpus changed?)")
        }
        let cp = try CheckpointFolder(path: folder + "/state").load(Checkpoint.self) ?? Checkpoint(nextChunk: 0, trainer: nil)
        guard cp.nextChunk <= records.count else {
            throw TranslateError.resume(path: folder, reason: "the checkpoint is at chunk \(cp.nextChunk) but chunks.jsonl has only \(records.count) records")
        }
        return (records, cp)
    }
}
