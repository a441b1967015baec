import Foundation

/// One training sequence: tokens and which of them are predicted with loss (see `LoRATrainer.step`).
public struct TrainingExample: Sendable, Equatable {
    public var tokens: [Int32]
    public var lossMask: [Bool]
    public var targetCount: Int { lossMask.dropFirst().filter { $0 }.count }
}

/// Turns training files into examples of at most `context` tokens.
public enum TrainingData {
    /// Plain text: tokenized once (as perplexity does: no special-token parsing) and cut into
    /// windows of `context` tokens, each starting with BOS (when the model adds one), loss on
    /// every predicted token. A last window shorter than `context`/4 is dropped.
    public static func plainText(_ text: String, tokenizer tok: Tokenizer, context: Int) throws -> [TrainingExample] {
        let ids = try tok.encode(text, addBOS: false, parseSpecial: false)
        let bos = tok.addBOS ? [tok.bosId] : []
        let body = context - bos.count
        guard body >= 2 else { throw LoRAError("context \(context) is too short") }
        var out: [TrainingExample] = []
        var i = 0
        while i < ids.count {
            let chunk = Array(ids[i..<min(ids.count, i + body)])
            i += body
            if chunk.count < max(2, body / 4) && !out.isEmpty { break }
            let tokens = bos + chunk
            out.append(TrainingExample(tokens: tokens, lossMask: [false] + Array(repeating: true, count: tokens.count - 1)))
        }
        return out
    }

    /// Tab-separated pairs, one per line ("source<TAB>target"), rendered as
    /// "zh: <source>\nen: " (no loss) + "<target>\n" (loss), and packed greedily, in order, into
    /// examples of at most `context` tokens (each starting with BOS when the model adds one).
    /// `file` names the input in errors (line numbers are 1-based).
    public static func tsvPairs(_ text: String, tokenizer tok: Tokenizer, context: Int,
                                sourceLabel: String = "zh", targetLabel: String = "en",
                                file: String = "input") throws -> [TrainingExample] {
        let bos = tok.addBOS ? [tok.bosId] : []
        var out: [TrainingExample] = []
        var cur = TrainingExample(tokens: bos, lossMask: bos.map { _ in false })
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count == 2, !cols[0].isEmpty, !cols[1].isEmpty else {
                throw LoRAError("\(file): line \(n + 1): expected 'source<TAB>target' (2 non-empty tab-separated fields), found \(cols.count) field(s)")
            }
            let prompt = try tok.encode("\(sourceLabel): \(cols[0])\n\(targetLabel): ", addBOS: false, parseSpecial: false)
            let answer = try tok.encode("\(cols[1])\n", addBOS: false, parseSpecial: false)
            let size = prompt.count + answer.count
            if size + bos.count > context {
                throw LoRAError("\(file): line \(n + 1): the pair has \(size) tokens, more than the context \(context) allows")
            }
            if cur.tokens.count + size > context {
                out.append(cur)
                cur = TrainingExample(tokens: bos, lossMask: bos.map { _ in false })
            }
            cur.tokens += prompt + answer
            cur.lossMask += prompt.map { _ in false } + answer.map { _ in true }
        }
        if cur.targetCount > 0 { out.append(cur) }
        if out.isEmpty { throw LoRAError("\(file): no training pairs found") }
        return out
    }
}
