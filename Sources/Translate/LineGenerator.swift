import Foundation
import LLM

/// Greedy decoding of one line after a prompt, keeping the KV cache of the longest prefix the
/// prompt shares with what the cache already holds (the context slides forward unit by unit, so
/// usually only the newest pair and the unit itself are new).
final class LineGenerator {
    let model: LanguageModel
    let tokenizer: Tokenizer
    private(set) var session: Session
    /// The ids whose keys/values are in the cache.
    private(set) var cached: [Int32] = []
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
        cached = []
    }

    struct Output {
        var text: String
        var generated: [Int32]
        /// Prompt tokens actually run through the model (the rest came from the cache).
        var prefilled: Int
        /// Time spent running them.
        var prefillSeconds: Double
    }

    /// Generates after `prompt` until the end of the line, an end-of-generation token or
    /// `maxTokens`. `repetitionPenalty` (HF semantics: positive logits divided, negative
    /// multiplied) applies to the tokens generated for this line only, since the prompt is full
    /// of English the model must be free to repeat (names, terms). `ban` forbids continuing the
    /// token runs of a translation the first answer copied (see CopyGuard), and the line may not
    /// end before `minTokens`. `answerEnd` finds where the answer ran into the next pair.
    func generateLine(prompt: [Int32], maxTokens: Int, repetitionPenalty: Float, ban: TokenRunBan? = nil,
                      minTokens: Int = 0, answerEnd: (String) -> String.Index? = { _ in nil }, forward: (Session, [Int32]) -> [Float]) -> Output {
        var shared = 0
        let limit = min(cached.count, prompt.count - 1)  // the last prompt token must run to give logits
        while shared < limit && cached[shared] == prompt[shared] { shared += 1 }
        session.cache.truncate(to: shared)
        cached.removeSubrange(shared...)
        let t0 = Date()
        var logits = forward(session, Array(prompt[shared...]))
        let prefillSeconds = Date().timeIntervalSince(t0)
        cached += prompt[shared...]
        let prefilled = prompt.count - shared

        let stream = tokenizer.makeStreamDecoder()
        var text = "", generated: [Int32] = [], seen = Set<Int32>()
        let vocab = logits.count
        while generated.count < maxTokens {
            if repetitionPenalty != 1 {
                for id in seen where Int(id) < vocab {
                    let l = logits[Int(id)]
                    logits[Int(id)] = l > 0 ? l / repetitionPenalty : l * repetitionPenalty
                }
            }
            if let ban {
                for id in ban.banned(after: generated) where Int(id) < vocab { logits[Int(id)] = -.infinity }
            }
            var id = argmax(logits)
            // Too early to end the line: take the best token that neither ends it nor the answer.
            while generated.count < minTokens && logits[Int(id)] > -.infinity
                    && (tokenizer.endOfGenerationIds.contains(id) || tokenizer.decode([id]).contains(where: \.isNewline)) {
                logits[Int(id)] = -.infinity
                id = argmax(logits)
            }
            if tokenizer.endOfGenerationIds.contains(id) { break }
            generated.append(id)
            seen.insert(id)
            text += stream.push(id)
            // The line is done: its newline need not run through the model.
            if let end = text.firstIndex(where: { $0.isNewline }) ?? answerEnd(text) {
                text = String(text[..<end])
                return Output(text: clean(text), generated: generated, prefilled: prefilled, prefillSeconds: prefillSeconds)
            }
            logits = forward(session, [id])
            cached.append(id)
        }
        text += stream.finish()
        return Output(text: clean(text), generated: generated, prefilled: prefilled, prefillSeconds: prefillSeconds)
    }

    private func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }

    private func argmax(_ logits: [Float]) -> Int32 {
        var best = 0, bestValue = -Float.infinity
        for i in logits.indices where logits[i] > bestValue {
            bestValue = logits[i]
            best = i
        }
        return Int32(best)
    }
}
