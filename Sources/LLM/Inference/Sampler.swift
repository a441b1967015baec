import Base
import Foundation

/// How to pick tokens and when to stop.
public struct GenerationOptions: Sendable {
    public var maxTokens: Int = 128
    /// ≤ 0: greedy (argmax).
    public var temperature: Float = 0
    /// Keep only the k most likely tokens (0: all).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probability reaches p (1: all).
    public var topP: Float = 1
    /// > 1 discourages tokens already in the context (transformers' rule: positive logits are
    /// divided by it, negative ones multiplied).
    public var repetitionPenalty: Float = 1
    public var seed: UInt64 = 0
    public var stopStrings: [String] = []
    /// Stop tokens; nil means the tokenizer's end-of-generation ids.
    public var stopIds: Set<Int32>? = nil

    public init(maxTokens: Int = 128, temperature: Float = 0, topK: Int = 0, topP: Float = 1,
                repetitionPenalty: Float = 1, seed: UInt64 = 0, stopStrings: [String] = [], stopIds: Set<Int32>? = nil) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
        self.stopStrings = stopStrings
        self.stopIds = stopIds
    }
}

/// Seeded token sampler (deterministic for a given seed and logits).
public struct Sampler: Sendable {
    public let options: GenerationOptions
    private var rng: SplitMix64

    public init(_ options: GenerationOptions) {
        self.options = options
        rng = SplitMix64(seed: options.seed)
    }

    /// Picks the next token from `logits` given the tokens of the context so far.
    public mutating func sample(_ logits: [Float], context: [Int32]) -> Int32 {
        var l = logits
        penalize(&l, context: context)
        return pick(l)
    }

    /// Applies the repetition penalty to the logits of the tokens in `context`.
    public func penalize(_ l: inout [Float], context: [Int32]) {
        guard options.repetitionPenalty != 1 else { return }
        let p = options.repetitionPenalty
        for id in Set(context) where Int(id) < l.count && id >= 0 {
            let i = Int(id)
            l[i] = l[i] > 0 ? l[i] / p : l[i] * p
        }
    }

    /// Picks a token from logits already penalized.
    public mutating func pick(_ l: [Float]) -> Int32 {
        if options.temperature <= 0 { return Int32(argmax(l)) }
        // Candidates sorted by logit, cut by top-k, then softmax with temperature, cut by top-p.
        var cand: [(id: Int, logit: Float)]
        if options.topK > 0 && options.topK < l.count {
            cand = topCandidates(l, options.topK)
        } else {
            cand = l.enumerated().map { ($0.offset, $0.element) }.sorted { $0.1 > $1.1 }
        }
        let mx = cand[0].logit
        var probs = cand.map { Double(exp(($0.logit - mx) / options.temperature)) }
        let z = probs.reduce(0, +)
        probs = probs.map { $0 / z }
        var keep = probs.count
        if options.topP < 1 {
            var acc = 0.0
            for (i, p) in probs.enumerated() {
                acc += p
                if acc >= Double(options.topP) { keep = i + 1; break }
            }
        }
        let total = probs[0..<keep].reduce(0, +)
        var r = rng.nextDouble() * total
        for i in 0..<keep {
            r -= probs[i]
            if r <= 0 { return Int32(cand[i].id) }
        }
        return Int32(cand[keep - 1].id)
    }
}

func argmax(_ x: [Float]) -> Int {
    var best = 0
    for i in 1..<x.count where x[i] > x[best] { best = i }
    return best
}

/// The k largest (index, value) pairs, best first.
func topCandidates(_ x: [Float], _ k: Int) -> [(id: Int, logit: Float)] {
    var heap: [(id: Int, logit: Float)] = []
    heap.reserveCapacity(k + 1)
    var threshold = -Float.infinity
    for (i, v) in x.enumerated() where heap.count < k || v > threshold {
        let pos = heap.firstIndex { v > $0.logit } ?? heap.count
        heap.insert((i, v), at: pos)
        if heap.count > k { heap.removeLast() }
        if heap.count == k { threshold = heap[k - 1].logit }
    }
    return heap
}
