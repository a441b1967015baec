import Evaluate
/// A piece of a prompt or training sequence. Pieces are tokenized one by one and the ids
/// concatenated, so a prompt that extends another shares its token prefix exactly (the KV cache
/// of the shorter one can be reused) and training sees the same ids as generation.
public struct PromptPiece: Sendable, Equatable {
    public var text: String
    /// Template markup: control tokens in it are parsed as such. Book text never is.
    public var isMarkup: Bool
    /// Training predicts these tokens (the English side); everything else is loss-masked.
    public var isTarget: Bool

    public init(_ text: String, markup: Bool = false, target: Bool = false) {
        self.text = text
        isMarkup = markup
        isTarget = target
    }
}

/// A source text and its translation.
public struct BilingualPair: Sendable, Equatable, Codable {
    public var source: String
    public var target: String
    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }
}

extension TemplateKind {
    /// The template a model's chat template (GGUF `tokenizer.chat_template`) calls for; plain
    /// when it has none (a base model).
    public static func detect(chatTemplate: String?) -> TemplateKind {
        guard let t = chatTemplate, !t.isEmpty else { return .plain }
        if t.contains("<|im_start|>") { return .chatml }
        if t.contains("<start_of_turn>") { return .gemma }
        if t.contains("[INST]") { return .llama2 }
        return .plain
    }
}

/// Renders prompts (context pairs + the unit to translate) and training sequences (context
/// pairs, loss-masked, + a chunk of new pairs whose English is the target).
///
/// `plain` interleaves the pairs line by line. The chat templates lay the pairs out as the
/// `layout` says; the model continues with the English of the last Chinese line.
/// Every unit is one line; generation stops at the end of that line.
public struct PromptTemplate: Sendable, Equatable {
    public let kind: TemplateKind
    /// The system turn of chat templates (an instruct model's default or the user's `--system`);
    /// nil: none. Base-model (`plain`) prompts have no system turn.
    public let system: String?
    /// The chat templates' layout (plain prompts have one of their own).
    public let layout: PromptLayout

    public init(_ kind: TemplateKind, system: String? = nil, layout: PromptLayout = .paper) {
        self.kind = kind
        self.system = system.flatMap { $0.isEmpty ? nil : $0 }
        self.layout = layout
    }

    /// The default system text of a chat template: the literal system turn a ChatML template
    /// writes when the conversation has none (Qwen2.5: "You are Qwen, created by Alibaba Cloud. …"),
    /// nil when it writes none (Qwen3, Llama 3) or is not ChatML.
    public static func defaultSystem(chatTemplate: String?) -> String? {
        guard let t = chatTemplate else { return nil }
        var from = t.startIndex
        while let open = t.range(of: "<|im_start|>system\\n", range: from..<t.endIndex),
              let close = t.range(of: "<|im_end|>", range: open.upperBound..<t.endIndex) {
            let text = t[open.upperBound..<close.lowerBound]
            // A literal in the template, not the branch that inserts the conversation's own system message.
            if !text.isEmpty && !text.contains("{") && !text.contains("'") && !text.contains("\"") {
                return text.replacingOccurrences(of: "\\n", with: "\n")
            }
            from = close.upperBound
        }
        return nil
    }

    /// The system turn's markup and text, before the first user turn.
    private var systemTurn: [PromptPiece] {
        guard let system else { return [] }
        switch kind {
        case .plain: return []
        case .chatml: return [PromptPiece("<|im_start|>system\n", markup: true), PromptPiece(system), PromptPiece("<|im_end|>\n", markup: true)]
        case .gemma: return [PromptPiece(system + "\n\n")]   // Gemma has no system role: it leads the user turn
        case .llama2: return [PromptPiece("<<SYS>>\n" + system + "\n<</SYS>>\n\n")]
        }
    }

    /// The paper's instruction ("Please translate the following text into English.").
    public static let instruction = "请将下面的文本翻译成英文。"

    /// Example pairs written by the project, shown to base models before the book's own pairs;
    /// the first teaches that a chapter heading is translated as a heading.
    public static let examples: [BilingualPair] = [
        BilingualPair(source: "第三章　雨夜", target: "Chapter 3: A Rainy Night"),
        BilingualPair(source: "我们明天去北京。", target: "We will go to Beijing tomorrow."),
        BilingualPair(source: "她笑了笑，没有说话。", target: "She smiled and said nothing."),
        BilingualPair(source: "王老师问：“你叫什么名字？”", target: "Teacher Wang asked, \"What is your name?\""),
    ]

    /// Where an answer runs into the next pair of the prompt (the model going on with the
    /// pattern on the same line): the first `zh:` or `en:` that starts a word ("en:" in
    /// "children:" does not). Chat templates end their turns with control tokens, which stop
    /// generation anyway.
    public func answerEnd(in text: String) -> String.Index? {
        guard kind == .plain else { return nil }
        var first: String.Index?
        for marker in ["zh:", "en:"] {
            var from = text.startIndex
            while let r = text.range(of: marker, range: from..<text.endIndex) {
                if r.lowerBound == text.startIndex || !text[text.index(before: r.lowerBound)].isLetter {
                    if first.map({ r.lowerBound < $0 }) ?? true { first = r.lowerBound }
                    break
                }
                from = r.upperBound
            }
        }
        return first
    }

    /// Flattens a line so that one unit is one line of the prompt.
    static func line(_ s: String) -> String {
        s.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    }

    private func turn(user: Bool) -> (open: String, close: String) {
        switch kind {
        case .plain: return ("", "")
        case .chatml: return (user ? "<|im_start|>user\n" : "<|im_start|>assistant\n", "<|im_end|>\n")
        case .gemma: return (user ? "<start_of_turn>user\n" : "<start_of_turn>model\n", "<end_of_turn>\n")
        case .llama2: return (user ? "[INST] " : "", user ? " [/INST] " : "")
        }
    }

    private func glossaryNote(_ glossary: [GlossaryEntry]) -> String {
        glossary.isEmpty ? "" : "术语：" + glossary.map { "\($0.source) = \($0.target)" }.joined(separator: "；") + "\n"
    }

    /// The prompt for translating `source` after `context` (oldest first); `glossary` holds the
    /// entries whose source occurs in `source`.
    /// `answerStart` begins the answer (e.g. "Chapter 3:" for a heading); the model continues it.
    public func prompt(context: [BilingualPair], source: String, glossary: [GlossaryEntry] = [],
                       answerStart: String? = nil) -> [PromptPiece] {
        var p: [PromptPiece]
        if kind == .plain {
            p = [PromptPiece("Chinese to English translation, line by line.\n")]
            for e in Self.examples + context { p += plainPair(e, target: false) }
            // After the context, so the cached prefix survives; as a note, since glossary
            // lines shaped like pairs get copied as the answer.
            if !glossary.isEmpty {
                p.append(PromptPiece("(names: " + glossary.map { "\($0.source) = \($0.target)" }.joined(separator: "; ") + ")\n"))
            }
            p.append(PromptPiece("zh: " + Self.line(source) + "\nen:"))
            if let a = answerStart { p.append(PromptPiece(" " + a)) }
            return p
        }
        if layout == .turns {
            p = exchanges(context, lastSource: source, glossary: glossary)
        } else {
            p = split(context: context, chunkSources: [source], glossary: glossary)
            for c in context { p.append(PromptPiece(Self.line(c.target) + "\n")) }
        }
        if let a = answerStart { p.append(PromptPiece(a)) }
        return p
    }

    /// A training sequence: the context is loss-masked, the chunk's English is the target.
    /// `notes[i]`: the glossary entries chunk[i] was prompted with (turns layout). Its exchange
    /// is trained with that note, as it was prompted: trained without, the adapter learnt that
    /// everything in a user turn is text to translate, and the 1.5B began answering a prompt
    /// that carried a note with the note's translation ("Please translate the text into English.
    /// The name: Uncle Zhou = Uncle Zhou.") after four updates on the sample book.
    public func trainingSequence(context: [BilingualPair], chunk: [BilingualPair], notes: [[GlossaryEntry]] = []) -> [PromptPiece] {
        if kind == .plain {
            var p = [PromptPiece("Chinese to English translation, line by line.\n")]
            for e in Self.examples + context { p += plainPair(e, target: false) }
            for c in chunk { p += plainPair(c, target: true) }
            return p
        }
        if layout == .turns {
            // The chunk's exchanges as prompted (each unit after the ones before it); only the
            // answers and their end of turn are trained.
            var p = exchanges(context, lastSource: nil, glossary: [])
            let close = turn(user: false).close
            for (i, c) in chunk.enumerated() {
                p += userTurn(c.source, first: context.isEmpty && i == 0, glossary: i < notes.count ? notes[i] : [])
                p.append(PromptPiece(Self.line(c.target), target: true))
                p.append(PromptPiece(close, markup: true, target: true))
            }
            return p
        }
        var p = split(context: context, chunkSources: chunk.map(\.source), glossary: [])
        for c in context { p.append(PromptPiece(Self.line(c.target) + "\n")) }
        for (i, c) in chunk.enumerated() {
            let end = i == chunk.count - 1 ? "" : "\n"
            p.append(PromptPiece(Self.line(c.target) + end, target: true))
        }
        p.append(PromptPiece(turn(user: false).close, markup: true, target: true))
        return p
    }

    private func plainPair(_ e: BilingualPair, target: Bool) -> [PromptPiece] {
        [PromptPiece("zh: " + Self.line(e.source) + "\nen:"), PromptPiece(" " + Self.line(e.target) + "\n", target: target)]
    }

    /// The system turn, then one exchange per context pair, then (if given) the user turn of
    /// `lastSource` and the opening of the assistant turn. The instruction leads the first user
    /// turn; the glossary note leads the last, so the exchanges before it stay a shared prefix.
    private func exchanges(_ context: [BilingualPair], lastSource: String?, glossary: [GlossaryEntry]) -> [PromptPiece] {
        let close = turn(user: false).close
        var p = kind == .chatml ? systemTurn : []
        for (i, c) in context.enumerated() {
            p += userTurn(c.source, first: i == 0, glossary: [])
            p.append(PromptPiece(Self.line(c.target)))
            p.append(PromptPiece(close, markup: true))
        }
        if let s = lastSource { p += userTurn(s, first: context.isEmpty, glossary: glossary) }
        return p
    }

    /// One user turn (the instruction first in the first one), then the opening of the assistant turn.
    private func userTurn(_ source: String, first: Bool, glossary: [GlossaryEntry]) -> [PromptPiece] {
        let user = turn(user: true), model = turn(user: false)
        var p = [PromptPiece(user.open, markup: true)]
        if first { p += (kind == .chatml ? [] : systemTurn) + [PromptPiece(Self.instruction + "\n")] }
        // Terms as part of an instruction: a bare "术语：…" line in the turn was translated as
        // text ("Term: Uncle Zhou = Uncle Zhou; …") and then learnt by Temp-LoRA.
        if !glossary.isEmpty {
            p.append(PromptPiece("请将下面的文本翻译成英文，译名：" + glossary.map { "\($0.source) = \($0.target)" }.joined(separator: "；") + "。\n"))
        }
        p.append(PromptPiece(Self.line(source)))
        p.append(PromptPiece(user.close + model.open, markup: true))
        return p
    }

    /// User turn with every Chinese line, then the opening of the assistant turn.
    private func split(context: [BilingualPair], chunkSources: [String], glossary: [GlossaryEntry]) -> [PromptPiece] {
        let user = turn(user: true), model = turn(user: false)
        var p = kind == .chatml ? systemTurn + [PromptPiece(user.open, markup: true)] : [PromptPiece(user.open, markup: true)] + systemTurn
        p.append(PromptPiece(Self.instruction + "\n" + glossaryNote(glossary)))
        for c in context { p.append(PromptPiece(Self.line(c.source) + "\n")) }
        // Every Chinese line ends with a newline (the paper joins the last one straight to the
        // end of turn): the next unit's prompt then shares this one's user turn up to here.
        for c in chunkSources { p.append(PromptPiece(Self.line(c) + "\n")) }
        p.append(PromptPiece(user.close + model.open, markup: true))
        return p
    }
}
