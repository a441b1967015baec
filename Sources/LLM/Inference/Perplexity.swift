import Foundation

/// Perplexity as llama-perplexity computes it (research notes §5).
public struct PerplexityResult: Sendable, Equatable {
    public var perplexity: Double
    /// ± of the perplexity: PPL·√((mean(v²) − mean(v)²)/(N − 1)).
    public var standardError: Double
    public var tokensScored: Int
    /// exp(mean NLL) after each chunk, as llama-perplexity prints `[k]…`.
    public var running: [Double]
}

/// A text or setting that perplexity cannot be computed on.
public struct PerplexityError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

extension LanguageModel {
    /// llama-perplexity's protocol over already tokenized text (one BOS before the whole text,
    /// parse_special=false): windows of `context` tokens, the first token of each replaced by `bos`
    /// (when non-nil), the cache cleared per window, and only the second half scored
    /// (positions context/2 … context−2 predicting the next token).
    public func perplexity(tokens: [Int32], context: Int, maxChunks: Int? = nil, bos: Int32?,
                           adapter: LoRAAdapter? = nil,
                           onChunk: ((Int, Double) -> Void)? = nil) throws -> PerplexityResult {
        guard context >= 4 else { throw PerplexityError(description: "context must be at least 4 tokens, got \(context)") }
        guard tokens.count >= 2 * context else {
            throw PerplexityError(description: "the text has \(tokens.count) tokens; at least 2×context = \(2 * context) are needed")
        }
        var chunks = tokens.count / context
        if let m = maxChunks, m > 0 { chunks = min(chunks, m) }
        let first = context / 2
        let session = makeSession(capacity: context, adapter: adapter)
        var sum = 0.0, sumSq = 0.0, n = 0
        var running: [Double] = []
        for i in 0..<chunks {
            var ids = Array(tokens[i * context..<(i + 1) * context])
            if let b = bos { ids[0] = b }
            session.reset()
            let nll = session.negativeLogLikelihoods(ids, scoredFrom: first)
            for v in nll {
                sum += v
                sumSq += v * v
            }
            n += nll.count
            running.append(exp(sum / Double(n)))
            onChunk?(i + 1, running.last!)
        }
        let mean = sum / Double(n)
        let ppl = exp(mean)
        let variance = sumSq / Double(n) - mean * mean
        let se = n > 1 ? ppl * (max(0, variance) / Double(n - 1)).squareRoot() : 0
        return PerplexityResult(perplexity: ppl, standardError: se, tokensScored: n, running: running)
    }
}
