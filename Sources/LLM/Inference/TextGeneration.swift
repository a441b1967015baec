import Foundation

/// Result of generating text from a prompt.
public struct GenerationResult: Sendable {
    public var promptIds: [Int32]
    public var ids: [Int32]
    public var text: String
    /// Logits of the first predicted position.
    public var firstLogits: [Float]
    public var reason: StopReason
}

extension LanguageModel {
    /// Tokenizes `prompt` (BOS as the model asks, special-token text parsed as llama.cpp's prompt
    /// does), generates, and streams text through `onText` (return false to stop). Stop strings
    /// are cut from the text; streamed text is held back while it could still start one.
    public func generate(prompt: String, options: GenerationOptions = GenerationOptions(), adapter: LoRAAdapter? = nil,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        let tok = try tokenizer()
        let promptIds = try tok.encode(prompt, addBOS: tok.addBOS, parseSpecial: true)
        let session = makeSession(capacity: promptIds.count + options.maxTokens + 1, adapter: adapter)
        let stream = tok.makeStreamDecoder()
        let stops = options.stopStrings.filter { !$0.isEmpty }
        let holdBack = max(0, (stops.map(\.count).max() ?? 0) - 1)
        var text = "", emitted = 0
        var stopped = false, callbackStop = false
        let result = session.generate(prompt: promptIds, options: options,
                                      stopIds: options.stopIds ?? tok.endOfGenerationIds) { id in
            text += stream.push(id)
            if let cut = stops.compactMap({ text.range(of: $0)?.lowerBound }).min() {
                text = String(text[..<cut])
                stopped = true
            }
            let safe = stopped ? text.count : max(emitted, text.count - holdBack)
            if safe > emitted {
                let start = text.index(text.startIndex, offsetBy: emitted)
                let end = text.index(text.startIndex, offsetBy: safe)
                if !onText(String(text[start..<end])) { callbackStop = true }
                emitted = safe
            }
            return !stopped && !callbackStop
        }
        if !stopped && emitted < text.count {
            _ = onText(String(text[text.index(text.startIndex, offsetBy: emitted)...]))
        }
        var reason = result.reason
        if stopped { reason = .stopString }
        return GenerationResult(promptIds: promptIds, ids: result.ids, text: text, firstLogits: result.firstLogits, reason: reason)
    }

    /// Perplexity of a text with llama-perplexity's tokenization: one BOS (when the model adds
    /// one) before the whole text, special-token text not parsed.
    public func perplexity(text: String, context: Int, maxChunks: Int? = nil, adapter: LoRAAdapter? = nil,
                           onChunk: ((Int, Double) -> Void)? = nil) throws -> PerplexityResult {
        let tok = try tokenizer()
        let ids = try tok.encode(text, addBOS: tok.addBOS, parseSpecial: false)
        return try perplexity(tokens: ids, context: context, maxChunks: maxChunks, bos: tok.addBOS ? tok.bosId : nil,
                              adapter: adapter, onChunk: onChunk)
    }
}
