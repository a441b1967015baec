import Foundation
import LLM

/// Greedy decoding of one line after a prompt, keeping the KV cache of the longest prefix the
/// prompt shares with what the cache already holds (the context slides forward unit by unit, so
/// usually only the newest pair and the unit itself are new).
final class LineGenerator {
    let model: LanguageModel
    let tokenizer: Tokenizer
    private(set) var session: Session
    private var memo: [String: [Int32]] = [:]

    init(model: LanguageModel, tokenizer: Tokenizer) {
        self.model = model
        self.tokenizer = tokenizer
        session = model.makeSession(capacity: 2048)
    }

    /// Ids of the pieces, tokenized one by one (memoized: context pieces recur for many units).
    func encode(_ pieces: [PromptPiece], bos: Bool) throws -> (ids: [Int32], mask: [Bool]) {
        let e = try encodePieces(pieces, bos: bos)
        return (e.ids, e.mask)
    }

    /// `encode`, also giving each token the index of the piece it came from (-1 for BOS).
    func encodePieces(_ pieces: [PromptPiece], bos: Bool) throws -> (ids: [Int32], mask: [Bool], piece: [Int]) {
        var ids: [Int32] = [], mask: [Bool] = [], piece: [Int] = []
        if bos && tokenizer.addBOS && tokenizer.bosId >= 0 {
            ids.append(tokenizer.bosId)
            mask.append(false)
            piece.append(-1)
        }
        for (k, p) in pieces.enumerated() where !p.text.isEmpty {
            let key = (p.isMarkup ? "M" : "T") + p.text
            let t: [Int32]
            if let m = memo[key] { t = m } else {
                t = try tokenizer.encode(p.text, addBOS: false, parseSpecial: p.isMarkup)
                memo[key] = t
            }
            ids += t
            mask += Array(repeating: p.isTarget, count: t.count)
            piece += Array(repeating: k, count: t.count)
        }
        return (ids, mask, piece)
    }

    func tokenCount(_ text: String) -> Int {
        (try? encode([PromptPiece(text)], bos: false).ids.count) ?? text.utf8.count
    }

    /// Drops the cache (after an adapter update the cached keys/values are stale).
    func invalidate() {
        session.reset()
    }

    struct Output {
        var text: String
        var generated: [Int32]
        /// Prompt tokens actually run through the model (the rest came from the cache).
        var prefilled: Int
        /// Time spent running them.
        var prefillSeconds: Double
    }

    /// Generates greedily with `adapter` after `prompt` until the end of the line, an
    /// end-of-generation token or `maxTokens`. `repetitionPenalty` applies to the tokens generated
    /// for this line only (PenaltyScope.generated). `ban` forbids continuing the token runs of a
    /// translation the first answer copied (see CopyGuard), and the line may not end before
    /// `minTokens`. `answerEnd` finds where the answer ran into the next pair.
    func generateLine(prompt: [Int32], maxTokens: Int, repetitionPenalty: Float, adapter: LoRAAdapter?, ban: TokenRunBan? = nil,
                      minTokens: Int = 0, answerEnd: (String) -> String.Index? = { _ in nil }) -> Output {
        // The session's tokens are the cache's: keep the longest prefix the prompt shares with
        // them (the last prompt token must run to give logits).
        let cached = session.tokens
        var shared = 0
        let limit = min(cached.count, prompt.count - 1)
        while shared < limit && cached[shared] == prompt[shared] { shared += 1 }
        session.truncate(to: shared)
        session.adapter = adapter

        let tokenizer = self.tokenizer, ends = tokenizer.endOfGenerationIds
        let stream = tokenizer.makeStreamDecoder()
        var text = "", lineDone = false
        let result = session.generate(
            prompt: Array(prompt[shared...]), options: GenerationOptions(maxTokens: maxTokens, repetitionPenalty: repetitionPenalty),
            stopIds: ends, penaltyScope: .generated, minTokens: minTokens,
            endsEarly: { ends.contains($0) || tokenizer.decode([$0]).contains(where: \.isNewline) },
            restrict: { generated, logits in
                guard let ban else { return }
                for id in ban.banned(after: generated) where Int(id) < logits.count { logits[Int(id)] = -.infinity }
            }
        ) { id in
            text += stream.push(id)
            // The line is done: its newline need not run through the model.
            guard let end = text.firstIndex(where: { $0.isNewline }) ?? answerEnd(text) else { return true }
            text = String(text[..<end])
            lineDone = true
            return false
        }
        if !lineDone { text += stream.finish() }
        // Cut at maxTokens: the next prompt may share the last token, so it still goes into the
        // cache (keeping the prefill counts of segments.jsonl as they were), but without logits.
        if result.reason == .maxTokens, let last = result.ids.last { session.prefill([last], logits: .none) }
        return Output(text: text.trimmingCharacters(in: .whitespaces), generated: result.ids,
                      prefilled: prompt.count - shared, prefillSeconds: result.prefillSeconds)
    }
}
