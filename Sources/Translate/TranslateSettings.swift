import Foundation

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

    /// The same settings with the book, model and glossary paths canonical (a resume compares these).
    var canonicalPaths: TranslateSettings {
        var s = self
        s.book = RunFolder.canonical(book)
        s.model = RunFolder.canonical(model)
        s.glossary = glossary.map(RunFolder.canonical)
        return s
    }

    public func validate() throws {
        try requireSetting(chunkTokens >= 16, "--chunk-tokens", "expected at least 16, got \(chunkTokens)")
        try requireSetting(contextTokens >= 0, "--context-tokens", "expected 0 or more, got \(contextTokens)")
        try requireSetting(trainContextTokens >= 0, "--train-context-tokens", "expected 0 or more, got \(trainContextTokens)")
        try requireSetting(epochs >= 1, "--epochs", "expected at least 1, got \(epochs)")
        try requireSetting(kvReuse >= 0, "--kv-reuse", "expected 0 or more, got \(kvReuse)")
        try requireSetting(repetitionPenalty > 0, "--repetition-penalty", "expected a positive number, got \(repetitionPenalty)")
        try requireSetting(unitSentences >= 1, "--unit-sentences", "expected at least 1, got \(unitSentences)")
        try requireSetting(unitTokens >= 8, "--unit-tokens", "expected at least 8, got \(unitTokens)")
        try requireSetting(threads >= 1, "--threads", "expected at least 1, got \(threads)")
        try requireSetting(trainThreads >= 1 && (strategy != .parallel || trainThreads < threads || threads == 1),
                           "--train-threads", "expected 1 ≤ train threads < threads (\(threads)), got \(trainThreads)")
        try requireSetting(lora.rank >= 1, "--rank", "expected at least 1, got \(lora.rank)")
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
