/// Why generation stopped.
public enum StopReason: String, Sendable {
    case maxTokens, stopToken, stopString, callback
}

/// Token-level generation result.
public struct GeneratedTokens: Sendable {
    public var ids: [Int32]
    /// Logits of the first predicted position (after the prompt).
    public var firstLogits: [Float]
    public var reason: StopReason
}

extension Session {
    /// Feeds `prompt` and samples up to `options.maxTokens` tokens. `onToken` sees each new token
    /// and returns false to stop. A stop token ends generation and is not included.
    public func generate(prompt: [Int32], options: GenerationOptions, stopIds: Set<Int32>,
                         onToken: (Int32) -> Bool) -> GeneratedTokens {
        var sampler = Sampler(options)
        var logits = prefill(prompt)
        let first = logits
        var out: [Int32] = []
        var reason = StopReason.maxTokens
        while out.count < options.maxTokens {
            let id = sampler.sample(logits, context: tokens)
            if stopIds.contains(id) { reason = .stopToken; break }
            out.append(id)
            if !onToken(id) { reason = .callback; break }
            if out.count == options.maxTokens { break }
            logits = decode(id)
        }
        return GeneratedTokens(ids: out, firstLogits: first, reason: reason)
    }
}
