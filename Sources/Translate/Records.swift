import Foundation

/// One line of segments.jsonl: a translated unit. `seconds`, `prefillSeconds` and
/// `tokensPerSecond` are the only timing fields; everything else is identical between an
/// interrupted-and-resumed run and an uninterrupted one.
public struct SegmentRecord: Sendable, Codable, Equatable {
    public var chapter: Int
    public var unit: Int
    /// Position in the whole run (0-based).
    public var index: Int
    public var paragraph: Int?
    public var heading: Bool
    public var source: String
    public var translation: String
    /// Glossary sources shown in the prompt.
    public var glossary: [String]
    public var promptTokens: Int
    /// Prompt tokens run through the model (the rest of the prompt came from the KV cache).
    public var prefilledTokens: Int
    public var generatedTokens: Int
    public var seconds: Double
    /// The part of `seconds` spent running the prompt (the rest is generation).
    public var prefillSeconds: Double?
    public var tokensPerSecond: Double
    /// Version of the adapter that translated the unit (0 = none / untrained).
    public var adapterVersion: Int
    /// Loss of the last training step before the unit (nil before the first update).
    public var lastLoss: Float?
    /// Answers rejected because they copied an earlier line's translation (CopyGuard), in the
    /// order tried; nil when the first answer stood. `generatedTokens`, `prefilledTokens` and
    /// `prefillSeconds` count every try.
    public var rejectedCopies: [String]?
    /// True when every answer given the context copied, so the unit was translated without it.
    public var withoutContext: Bool?

    enum CodingKeys: String, CodingKey {
        case chapter, unit, index, paragraph, heading, source, translation, glossary
        case promptTokens = "prompt_tokens", prefilledTokens = "prefilled_tokens"
        case generatedTokens = "generated_tokens", seconds, prefillSeconds = "prefill_seconds", tokensPerSecond = "tokens_per_second"
        case adapterVersion = "adapter_version", lastLoss = "last_loss"
        case rejectedCopies = "rejected_copies", withoutContext = "without_context"
    }

    /// Names of the fields that hold timings (left out of byte-for-byte comparisons).
    public static let timingKeys = ["seconds", "prefill_seconds", "tokens_per_second"]

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func jsonLine() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }
}

/// One Temp-LoRA update: which units it trained on and how it went.
public struct UpdateRecord: Sendable, Codable, Equatable {
    public var update: Int
    /// Units (run positions) of the chunk.
    public var firstUnit: Int
    public var lastUnit: Int
    public var tokens: Int
    public var targetTokens: Int
    public var losses: [Float]
    /// Time spent training.
    public var seconds: Double
    /// Time the translation waited for it (cascaded: all of it; parallel: only the wait at the swap).
    public var blockingSeconds: Double
}

/// What the loop must know to continue from a point where the KV cache is empty.
struct LoopState: Codable, Equatable {
    var nextUnit = 0
    var contextStart = 0
    var chunkStart = 0
    var updates = 0
    var staleUpdates = 0
    var adapterVersion = 0
    var lastLoss: Float?
    /// Parallel: the chunk (run positions) still being trained when the checkpoint was taken.
    var pendingChunk: ClosedRange<Int>?
    /// Folder (inside state/) holding the trainer's state, nil when nothing was trained yet.
    var trainer: String?
    var updateLog: [UpdateRecord] = []
}
