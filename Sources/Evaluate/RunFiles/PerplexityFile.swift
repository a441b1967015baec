import Foundation

/// `eval.json`, written by `yanfu eval-ppl` and read by `compare --perplexity`: reference
/// perplexity with no adapter and with Temp-LoRA, overall (at the top level), per chapter and per
/// half of the chapters. A perplexity that could not be computed (no tokens) is null.
public struct PerplexityFile: Codable, Sendable, Equatable {
    public struct Totals: Codable, Sendable, Equatable {
        public var basePPL: Double?
        public var tempLoRAPPL: Double?
        public var relativeChange: Double?
        /// Optional like the rest for files made by hand; eval-ppl always writes it.
        public var targetTokens: Int?
        public var sentences: Int?
        public var sentenceMeanBasePPL: Double?
        public var sentenceMeanTempLoRAPPL: Double?

        public init(basePPL: Double?, tempLoRAPPL: Double?, relativeChange: Double?, targetTokens: Int?, sentences: Int?,
                    sentenceMeanBasePPL: Double?, sentenceMeanTempLoRAPPL: Double?) {
            self.basePPL = basePPL; self.tempLoRAPPL = tempLoRAPPL; self.relativeChange = relativeChange
            self.targetTokens = targetTokens; self.sentences = sentences
            self.sentenceMeanBasePPL = sentenceMeanBasePPL; self.sentenceMeanTempLoRAPPL = sentenceMeanTempLoRAPPL
        }

        enum CodingKeys: String, CodingKey {
            case basePPL = "base_ppl", tempLoRAPPL = "temp_lora_ppl", relativeChange = "relative_change"
            case targetTokens = "target_tokens", sentences
            case sentenceMeanBasePPL = "sentence_mean_base_ppl", sentenceMeanTempLoRAPPL = "sentence_mean_temp_lora_ppl"
        }

        // Written out in full: a missing perplexity is null, not an absent key.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(basePPL, forKey: .basePPL)
            try c.encode(tempLoRAPPL, forKey: .tempLoRAPPL)
            try c.encode(relativeChange, forKey: .relativeChange)
            try c.encode(targetTokens, forKey: .targetTokens)
            try c.encodeIfPresent(sentences, forKey: .sentences)
            try c.encode(sentenceMeanBasePPL, forKey: .sentenceMeanBasePPL)
            try c.encode(sentenceMeanTempLoRAPPL, forKey: .sentenceMeanTempLoRAPPL)
        }
    }

    public struct Chapter: Codable, Sendable, Equatable {
        public var number: Int
        public var totals: Totals
        public init(number: Int, totals: Totals) { self.number = number; self.totals = totals }

        enum CodingKeys: String, CodingKey { case number }
        public init(from decoder: Decoder) throws {
            number = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .number)
            totals = try Totals(from: decoder)
        }
        public func encode(to encoder: Encoder) throws {
            try totals.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(number, forKey: .number)
        }
    }

    /// What the run was given (for the reader of the file; not read back).
    public struct Settings: Codable, Sendable, Equatable {
        public var model: String
        public var source: String
        public var reference: String?
        public var chunkTokens, contextTokens, trainContextTokens, epochs: Int
        public var rank: Int
        public var alpha, dropout, learningRate: Double
        public var threads: Int

        public init(model: String, source: String, reference: String?, chunkTokens: Int, contextTokens: Int,
                    trainContextTokens: Int, epochs: Int, rank: Int, alpha: Double, dropout: Double, learningRate: Double,
                    threads: Int) {
            self.model = model; self.source = source; self.reference = reference; self.chunkTokens = chunkTokens
            self.contextTokens = contextTokens; self.trainContextTokens = trainContextTokens; self.epochs = epochs
            self.rank = rank; self.alpha = alpha; self.dropout = dropout; self.learningRate = learningRate; self.threads = threads
        }

        enum CodingKeys: String, CodingKey {
            case model, source, reference, rank, alpha, dropout, threads, epochs
            case chunkTokens = "chunk_tokens", contextTokens = "context_tokens", trainContextTokens = "train_context_tokens"
            case learningRate = "learning_rate"
        }
    }

    public var overall: Totals
    public var chapters: [Chapter]
    /// Files from before these fields existed (or made by hand) may lack them.
    public var firstHalf: Totals?
    public var secondHalf: Totals?
    public var chunks: Int?
    public var complete: Bool?
    public var seconds: Double?
    public var settings: Settings?

    public init(overall: Totals, chapters: [Chapter], firstHalf: Totals?, secondHalf: Totals?, chunks: Int?, complete: Bool?,
                seconds: Double?, settings: Settings?) {
        self.overall = overall; self.chapters = chapters; self.firstHalf = firstHalf; self.secondHalf = secondHalf
        self.chunks = chunks; self.complete = complete; self.seconds = seconds; self.settings = settings
    }

    public static let fileName = "eval.json"

    enum CodingKeys: String, CodingKey {
        case chapters, chunks, complete, seconds, settings
        case firstHalf = "first_half", secondHalf = "second_half"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        overall = try Totals(from: decoder)
        chapters = try c.decode([Chapter].self, forKey: .chapters)
        firstHalf = try c.decodeIfPresent(Totals.self, forKey: .firstHalf)
        secondHalf = try c.decodeIfPresent(Totals.self, forKey: .secondHalf)
        chunks = try c.decodeIfPresent(Int.self, forKey: .chunks)
        complete = try c.decodeIfPresent(Bool.self, forKey: .complete)
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
        settings = try c.decodeIfPresent(Settings.self, forKey: .settings)
    }

    public func encode(to encoder: Encoder) throws {
        try overall.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chapters, forKey: .chapters)
        try c.encodeIfPresent(firstHalf, forKey: .firstHalf)
        try c.encodeIfPresent(secondHalf, forKey: .secondHalf)
        try c.encodeIfPresent(chunks, forKey: .chunks)
        try c.encodeIfPresent(complete, forKey: .complete)
        try c.encodeIfPresent(seconds, forKey: .seconds)
        try c.encodeIfPresent(settings, forKey: .settings)
    }

    /// The file's bytes: sorted keys, indented (one line for `--json`), a final newline.
    public func json(indented: Bool = true) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = indented ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data) throws(FieldError) -> PerplexityFile {
        try FieldError.decode(PerplexityFile.self, from: data)
    }
}
