import Foundation

/// run.json: every setting, the model's identity, the tool version and the timings of each
/// session (a resumed run has several).
public struct RunInfo: Codable, Sendable {
    public struct Session: Codable, Sendable {
        public var seconds: Double
        /// Units translated in this session (replayed ones included).
        public var units: Int
        public var replayed: Int
        public var generatedTokens: Int
        public var generationSeconds: Double

        public init(seconds: Double, units: Int, replayed: Int, generatedTokens: Int, generationSeconds: Double) {
            self.seconds = seconds; self.units = units; self.replayed = replayed; self.generatedTokens = generatedTokens
            self.generationSeconds = generationSeconds
        }
    }
    public var yanfuVersion: String
    public var settings: TranslateSettings
    public var template: TemplateKind
    public var modelSHA256: String
    public var modelBytes: Int
    public var architecture: String
    public var kernelThreads: Int
    public var blas: String
    public var started: String
    public var finished = false
    /// Seconds spent per chapter (keyed by chapter number): translation plus blocking training.
    public var chapterSeconds: [String: Double] = [:]
    public var sessions: [Session] = []
    public var updates: [UpdateRecord] = []

    /// Set by the command line (the library does not know the executable's version).
    nonisolated(unsafe) public static var toolVersion = "unknown"

    public init(yanfuVersion: String, settings: TranslateSettings, template: TemplateKind, modelSHA256: String, modelBytes: Int,
                architecture: String, kernelThreads: Int, blas: String, started: String) {
        self.yanfuVersion = yanfuVersion; self.settings = settings; self.template = template; self.modelSHA256 = modelSHA256
        self.modelBytes = modelBytes; self.architecture = architecture; self.kernelThreads = kernelThreads; self.blas = blas
        self.started = started
    }

    public static let fileName = "run.json"

    /// run.json's bytes: snake_case keys like every file of the run folder, sorted, indented, a
    /// final newline.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return try e.encode(self) + Data("\n".utf8)
    }

    /// Reads run.json; one written before its keys were snake_case (2026-12-06) reads as well.
    public static func decode(_ data: Data) throws(FieldError) -> RunInfo {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .custom { path in CamelKey(path.last!.stringValue) }
        return try FieldError.decode(RunInfo.self, from: data, using: d)
    }

    /// `model_sha256` → `modelSHA256`, `chunk_tokens` → `chunkTokens`; a camelCase key is kept.
    struct CamelKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ key: String) {
            let words = key.split(separator: "_")
            stringValue = words.count < 2 ? key : String(words[0]) + words.dropFirst().map { w in
                w == "sha256" ? "SHA256" : w.prefix(1).uppercased() + w.dropFirst()
            }.joined()
        }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}


/// When and how the Temp-LoRA adapter is trained during a translation.
public enum TempLoRAStrategy: String, Sendable, Codable, CaseIterable {
    /// No adapter: the base model with its bilingual context only.
    case off
    /// After each chunk of Δ tokens, train, then continue with the new adapter.
    case cascaded
    /// Train on a finished chunk on a background thread while the next chunk is translated with
    /// the previous adapter; the new adapter is swapped in at the end of that next chunk (waiting
    /// for the training if it is not done), so runs are reproducible.
    case parallel
}

/// Every setting of a run (saved in run.json; a resume must use the same ones).
public struct TranslateSettings: Sendable, Codable, Equatable {
    public var book: String
    /// The book's encoding when detection must be overridden (nil: detected).
    public var encoding: String?
    /// Replace invalid byte sequences with U+FFFD instead of refusing the book (nil: refuse).
    public var lossy: Bool?
    public var model: String
    /// nil: chosen from the model's chat template.
    public var template: TemplateKind?
    /// The chat templates' system turn (nil: the model's default; "" for none).
    public var system: String?
    /// The chat templates' layout (nil: `paper`, the layout of runs made before there was a choice).
    public var layout: PromptLayout?
    public var strategy: TempLoRAStrategy = .off
    /// Δ: tokens of new bilingual text between adapter updates.
    public var chunkTokens = 1024
    /// L_X: token budget of the bilingual context in the prompt.
    public var contextTokens = 1024
    /// L_T: token budget of the loss-masked context before a training chunk.
    public var trainContextTokens = 1024
    /// Steps (the paper's epochs) per chunk.
    public var epochs = 2
    /// Keep the KV cache across this many adapter updates before recomputing it (0 = recompute).
    public var kvReuse = 0
    public var repetitionPenalty: Float = 1.1
    /// Unit size: at most this many sentences and this many source tokens.
    public var unitSentences = 1
    public var unitTokens = 96
    /// nil: every chapter; otherwise chapter numbers as written in the headings.
    public var chapters: ClosedRange<Int>?
    public var glossary: String?
    /// Check each translated unit (OutputGuard) and train only on sound ones, retrying a failed
    /// unit once; roll back an update that raises the loss on held-out recent pairs. nil: off
    /// (runs made before the guard existed).
    public var outputGuard: Bool?
    /// Find the book's recurring names, settle each on the English the run first gives it
    /// clearly, and show those in the prompt from then on (names.tsv; a user's glossary wins).
    /// nil: off (runs made before it existed).
    public var autoGlossary: Bool?
    /// `--reference`: an English book whose chapters (by heading number) are taken as given, not
    /// translated; their aligned sentence pairs feed the context and Temp-LoRA (nil: none).
    public var reference: String?
    /// The reference's encoding when detection must be overridden (nil: detected).
    public var referenceEncoding: String?
    /// CC-CEDICT for the aligner's word anchors when pairing the reference's sentences (nil: none).
    public var dictionary: String?
    public var threads: Int
    /// Threads for training in the parallel strategy (generation gets the rest).
    public var trainThreads: Int
    public var lora = LoRASettings()
    public var optimizer = OptimizerSettings()

    public init(book: String, model: String, threads: Int) {
        self.book = book
        self.model = model
        self.threads = threads
        trainThreads = max(1, threads / 2)
    }
}

/// The paper's LoRA defaults: r 64, alpha 64, dropout 0.05, every linear layer but the head.
public struct LoRASettings: Sendable, Codable, Equatable {
    public var rank = 64
    public var alpha: Float = 64
    public var dropout: Float = 0.05
    public var seed: UInt64 = 42
    public init() {}
}

/// The paper's AdamW: lr 5e-5, eps 1e-7, no weight decay, 2 warmup chunks, clipping 1.0.
public struct OptimizerSettings: Sendable, Codable, Equatable {
    public var learningRate: Float = 5e-5
    public var eps: Float = 1e-7
    public var weightDecay: Float = 0
    public var warmupSteps = 2
    public var maxGradNorm: Float = 1.0
    public init() {}
}

/// How a prompt is laid out for a model family.
public enum TemplateKind: String, Sendable, Codable, CaseIterable {
    /// `zh: …` / `en: …` lines after a few example pairs: for base models.
    case plain
    /// ChatML (Yi, Qwen) with the Temp-LoRA paper's instruction and layout.
    case chatml
    /// Gemma instruction-tuned turns.
    case gemma
    /// Llama 2 `[INST]` turns.
    case llama2
}

/// How a chat template lays the bilingual context out.
public enum PromptLayout: String, Sendable, Codable, CaseIterable {
    /// The Temp-LoRA paper's GuoFeng layout: one user turn with the instruction and every Chinese
    /// line, one assistant turn with every English line. A new unit adds a Chinese line before
    /// the English context, so every unit runs the whole English context through the model again.
    case paper
    /// One exchange per pair (user: Chinese, assistant: English), as instruct models are tuned:
    /// the next unit's prompt extends this one's, so only the newest pair and the unit are run.
    case turns
}
