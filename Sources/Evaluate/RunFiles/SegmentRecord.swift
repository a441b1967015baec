import Foundation

/// One line of a run folder's segments.jsonl: a translated unit. `translate` writes it, resumes
/// from it and `score`/`compare` read it. `seconds`, `prefillSeconds` and `tokensPerSecond` are the
/// only timing fields; everything else is identical between an interrupted-and-resumed run and an
/// uninterrupted one. Records of older runs (and hand-made ones) may hold only `chapter`, `unit`,
/// `source` and `translation`: the other fields then take their defaults.
public struct SegmentRecord: Sendable, Codable, Equatable {
    public var chapter: Int
    public var unit: Int
    /// Position in the whole run (0-based; -1 when the record does not say).
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
    /// True when the translation is the English of `translate --reference`, not generated (nil:
    /// generated; older files have no such field).
    public var reference: Bool?
    /// The output guard's checks the kept translation fails (`empty`, `chinese`, `chatter`,
    /// `length`, `loop`, `spaceless`, `stock_opening`); nil when sound. A flagged unit
    /// stays in the book but not in Temp-LoRA's training data.
    public var flags: [String]? = nil
    /// The checks the first answer failed when the unit was translated again because of them.
    public var retriedFor: [String]? = nil
    /// That first answer, when the retry's was kept.
    public var rejectedAnswer: String? = nil
    /// Chatter removed from the kept answer ("Sure, here is the English translation:").
    public var stripped: String? = nil

    public init(chapter: Int, unit: Int, index: Int = -1, paragraph: Int? = nil, heading: Bool = false, source: String,
                translation: String, glossary: [String] = [], promptTokens: Int = 0, prefilledTokens: Int = 0,
                generatedTokens: Int = 0, seconds: Double = 0, prefillSeconds: Double? = nil, tokensPerSecond: Double = 0,
                adapterVersion: Int = 0, lastLoss: Float? = nil, rejectedCopies: [String]? = nil, withoutContext: Bool? = nil,
                reference: Bool? = nil) {
        self.chapter = chapter; self.unit = unit; self.index = index; self.paragraph = paragraph; self.heading = heading
        self.source = source; self.translation = translation; self.glossary = glossary; self.promptTokens = promptTokens
        self.prefilledTokens = prefilledTokens; self.generatedTokens = generatedTokens; self.seconds = seconds
        self.prefillSeconds = prefillSeconds; self.tokensPerSecond = tokensPerSecond; self.adapterVersion = adapterVersion
        self.lastLoss = lastLoss; self.rejectedCopies = rejectedCopies; self.withoutContext = withoutContext
        self.reference = reference
    }

    enum CodingKeys: String, CodingKey {
        case chapter, unit, index, paragraph, heading, source, translation, glossary
        case promptTokens = "prompt_tokens", prefilledTokens = "prefilled_tokens"
        case generatedTokens = "generated_tokens", seconds, prefillSeconds = "prefill_seconds", tokensPerSecond = "tokens_per_second"
        case adapterVersion = "adapter_version", lastLoss = "last_loss"
        case rejectedCopies = "rejected_copies", withoutContext = "without_context", reference
        case flags, retriedFor = "retried_for", rejectedAnswer = "rejected_answer", stripped
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(chapter: try c.decode(Int.self, forKey: .chapter), unit: try c.decode(Int.self, forKey: .unit),
                  index: try c.decodeIfPresent(Int.self, forKey: .index) ?? -1,
                  paragraph: try c.decodeIfPresent(Int.self, forKey: .paragraph),
                  heading: try c.decodeIfPresent(Bool.self, forKey: .heading) ?? false,
                  source: try c.decode(String.self, forKey: .source), translation: try c.decode(String.self, forKey: .translation),
                  glossary: try c.decodeIfPresent([String].self, forKey: .glossary) ?? [],
                  promptTokens: try c.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0,
                  prefilledTokens: try c.decodeIfPresent(Int.self, forKey: .prefilledTokens) ?? 0,
                  generatedTokens: try c.decodeIfPresent(Int.self, forKey: .generatedTokens) ?? 0,
                  seconds: try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0,
                  prefillSeconds: try c.decodeIfPresent(Double.self, forKey: .prefillSeconds),
                  tokensPerSecond: try c.decodeIfPresent(Double.self, forKey: .tokensPerSecond) ?? 0,
                  adapterVersion: try c.decodeIfPresent(Int.self, forKey: .adapterVersion) ?? 0,
                  lastLoss: try c.decodeIfPresent(Float.self, forKey: .lastLoss),
                  rejectedCopies: try c.decodeIfPresent([String].self, forKey: .rejectedCopies),
                  withoutContext: try c.decodeIfPresent(Bool.self, forKey: .withoutContext),
                  reference: try c.decodeIfPresent(Bool.self, forKey: .reference))
        flags = try c.decodeIfPresent([String].self, forKey: .flags)
        retriedFor = try c.decodeIfPresent([String].self, forKey: .retriedFor)
        rejectedAnswer = try c.decodeIfPresent(String.self, forKey: .rejectedAnswer)
        stripped = try c.decodeIfPresent(String.self, forKey: .stripped)
    }

    /// Names of the fields that hold timings (left out of byte-for-byte comparisons).
    public static let timingKeys = ["seconds", "prefill_seconds", "tokens_per_second"]

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// The record as its line (without the newline).
    public func jsonLine() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }

    /// The record on `line`; the error says which field is missing or of the wrong type.
    public static func parse(_ line: String) throws(FieldError) -> SegmentRecord {
        try FieldError.decode(SegmentRecord.self, from: Data(line.utf8))
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
    /// The output guard's check: mean loss on the held-out pairs before and after the update.
    public var heldOutLoss: [Float]? = nil
    /// True when the update raised that loss and was undone (adapter and optimizer as before it).
    public var rolledBack: Bool? = nil

    /// Steps skipped because their loss or gradient norm was not finite (the adapter unchanged);
    /// nil when none was.
    public var skippedSteps: Int? = nil

    /// How far the update moved the adapter's version: one for each step not skipped and one for
    /// the undo. Runs written before `skippedSteps` was recorded count the steps whose loss is not
    /// finite as the skipped ones.
    public var adapterVersions: Int {
        losses.count - (skippedSteps ?? losses.filter { !$0.isFinite }.count) + (rolledBack == true ? 1 : 0)
    }

    public init(update: Int, firstUnit: Int, lastUnit: Int, tokens: Int, targetTokens: Int, losses: [Float],
                seconds: Double, blockingSeconds: Double) {
        self.update = update; self.firstUnit = firstUnit; self.lastUnit = lastUnit; self.tokens = tokens
        self.targetTokens = targetTokens; self.losses = losses; self.seconds = seconds; self.blockingSeconds = blockingSeconds
    }
}
