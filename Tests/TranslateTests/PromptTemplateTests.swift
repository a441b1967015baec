import Evaluate
import Translate
import XCTest

final class PromptTemplateTests: XCTestCase {
    let context = [BilingualPair(source: "我们明天去北京。", target: "We will go to Beijing tomorrow."),
                   BilingualPair(source: "他笑了。", target: "He laughed.")]

    func testDetectsTemplateFromChatTemplate() {
        XCTAssertEqual(TemplateKind.detect(chatTemplate: nil), .plain)
        XCTAssertEqual(TemplateKind.detect(chatTemplate: ""), .plain)
        XCTAssertEqual(TemplateKind.detect(chatTemplate: "{% for m in messages %}<|im_start|>{{m.role}}"), .chatml)
        XCTAssertEqual(TemplateKind.detect(chatTemplate: "{{ '<start_of_turn>' + role }}"), .gemma)
        XCTAssertEqual(TemplateKind.detect(chatTemplate: "{{ bos_token + '[INST] ' }}"), .llama2)
    }

    func testPlainPromptInterleavesPairsAndEndsOpen() {
        let p = PromptTemplate(.plain).prompt(context: context, source: "天黑了。")
        let text = p.map(\.text).joined()
        XCTAssertTrue(text.hasSuffix("zh: 我们明天去北京。\nen: We will go to Beijing tomorrow.\nzh: 他笑了。\nen: He laughed.\nzh: 天黑了。\nen:"), text)
        XCTAssertTrue(text.contains("zh: 第三章　雨夜\nen: Chapter 3: A Rainy Night\n"), "a heading example teaches headings")
        XCTAssertFalse(p.contains { $0.isMarkup || $0.isTarget })
    }

    /// The next unit's prompt extends the previous prompt plus its answer, piece for piece, so
    /// the KV cache carries over.
    func testEveryTemplateKeepsTheCachedPrefix() {
        for kind in TemplateKind.allCases {
            let t = PromptTemplate(kind)
            let first = t.prompt(context: context, source: "天黑了。")
            let next = t.prompt(context: context + [BilingualPair(source: "天黑了。", target: "It got dark.")], source: "他回家了。")
            let shared = kind == .plain ? first.count : first.count - 3  // split layouts add the new Chinese line inside the user turn
            XCTAssertEqual(Array(next.prefix(shared)), Array(first.prefix(shared)), "\(kind)")
        }
    }

    /// An instruct model's own system text comes from its chat template (Qwen2.5's as stored in its
    /// GGUF, abridged); a template that only inserts the conversation's system message has none.
    func testDefaultSystemComesFromTheChatTemplate() {
        let qwen = """
            {%- if tools %}{{- '<|im_start|>system\\n' }}{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}            {%- endif %}{{- "\\n</tools><|im_end|>\\n" }}{%- else %}{%- if messages[0]['role'] == 'system' %}            {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}{%- else %}            {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
            """
        XCTAssertEqual(PromptTemplate.defaultSystem(chatTemplate: qwen), "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
        XCTAssertNil(PromptTemplate.defaultSystem(chatTemplate: "{%- if messages[0].role == 'system' %}{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}"))
        XCTAssertNil(PromptTemplate.defaultSystem(chatTemplate: nil))
        let p = PromptTemplate(.chatml, system: "You are a translator.").prompt(context: context, source: "天黑了。")
        XCTAssertTrue(p.map(\.text).joined().hasPrefix("<|im_start|>system\nYou are a translator.<|im_end|>\n<|im_start|>user\n请将"))
        XCTAssertFalse(p[1].isMarkup, "the system text itself is never parsed for control tokens")
        XCTAssertEqual(PromptTemplate(.chatml, system: ""), PromptTemplate(.chatml), "an empty system text means none")
    }

    func testChatMLFollowsThePaperLayout() {
        let p = PromptTemplate(.chatml).prompt(context: context, source: "天黑了。")
        XCTAssertEqual(p.map(\.text).joined(), "<|im_start|>user\n请将下面的文本翻译成英文。\n我们明天去北京。\n他笑了。\n天黑了。\n<|im_end|>\n<|im_start|>assistant\nWe will go to Beijing tomorrow.\nHe laughed.\n")
        XCTAssertTrue(p.first!.isMarkup)
    }

    /// The turns layout: one exchange per pair; the next unit's prompt is this one's, its answer,
    /// the end of turn and the next user turn, so only those run through the model.
    func testTurnsLayoutExtendsThePreviousPromptWithTheAnswer() {
        let t = PromptTemplate(.chatml, system: "S", layout: .turns)
        let p = t.prompt(context: context, source: "天黑了。")
        XCTAssertEqual(p.map(\.text).joined(), "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\n请将下面的文本翻译成英文。\n我们明天去北京。<|im_end|>\n<|im_start|>assistant\nWe will go to Beijing tomorrow.<|im_end|>\n<|im_start|>user\n他笑了。<|im_end|>\n<|im_start|>assistant\nHe laughed.<|im_end|>\n<|im_start|>user\n天黑了。<|im_end|>\n<|im_start|>assistant\n")
        for kind in [TemplateKind.chatml, .gemma, .llama2] {
            let t = PromptTemplate(kind, system: "S", layout: .turns)
            let first = t.prompt(context: context, source: "天黑了。")
            let next = t.prompt(context: context + [BilingualPair(source: "天黑了。", target: "It got dark.")], source: "他回家了。")
            XCTAssertEqual(Array(next.prefix(first.count)), first, "\(kind)")
            XCTAssertEqual(next[first.count].text, "It got dark.", "\(kind): the answer follows at once")
            let alone = t.prompt(context: [], source: "天黑了。").map(\.text).joined()
            XCTAssertTrue(alone.contains("S") && alone.contains(PromptTemplate.instruction), "\(kind): \(alone)")
        }
        let glossed = t.prompt(context: context, source: "小明笑了。", glossary: [GlossaryEntry(source: "小明", target: "Xiao Ming")])
        XCTAssertEqual(Array(glossed.prefix(p.count - 2)), Array(p.prefix(p.count - 2)), "the note sits in the last user turn only")
        XCTAssertTrue(glossed.map(\.text).joined().hasSuffix("user\n请将下面的文本翻译成英文，译名：小明 = Xiao Ming。\n小明笑了。<|im_end|>\n<|im_start|>assistant\n"))
    }

    /// Trained as prompted: the chunk's exchanges follow the context's; answers and their end of turn are the target.
    func testTurnsTrainingSequenceIsTheConversationAsPrompted() {
        let t = PromptTemplate(.chatml, layout: .turns)
        let chunk = [BilingualPair(source: "天黑了。", target: "It got dark."), BilingualPair(source: "他回家了。", target: "He went home.")]
        let seq = t.trainingSequence(context: context, chunk: chunk)
        let prompted = t.prompt(context: context + [chunk[0]], source: "他回家了。")
        XCTAssertEqual(seq.map(\.text).joined(), prompted.map(\.text).joined() + "He went home.<|im_end|>\n")
        XCTAssertEqual(seq.filter(\.isTarget).map(\.text).joined(), "It got dark.<|im_end|>\nHe went home.<|im_end|>\n")
        let fresh = t.trainingSequence(context: [], chunk: chunk).map(\.text).joined()
        XCTAssertTrue(fresh.hasPrefix("<|im_start|>user\n请将下面的文本翻译成英文。\n天黑了。"), fresh)
        // A unit prompted with a glossary note is trained with it, as its prompt had it.
        let g = [GlossaryEntry(source: "小明", target: "Xiao Ming")]
        let named = [BilingualPair(source: "小明笑了。", target: "Xiao Ming laughed.")]
        let noted = t.trainingSequence(context: context, chunk: named, notes: [g])
        XCTAssertEqual(noted.map(\.text).joined(),
                       t.prompt(context: context, source: "小明笑了。", glossary: g).map(\.text).joined() + "Xiao Ming laughed.<|im_end|>\n")
        XCTAssertEqual(noted.filter(\.isTarget).map(\.text).joined(), "Xiao Ming laughed.<|im_end|>\n", "the note is never a target")
    }

    func testTrainingSequenceTargetsOnlyTheChunksEnglish() {
        let chunk = [BilingualPair(source: "天黑了。", target: "It got dark."), BilingualPair(source: "他回家了。", target: "He went home.")]
        for kind in TemplateKind.allCases {
            let seq = PromptTemplate(kind).trainingSequence(context: context, chunk: chunk)
            let target = seq.filter(\.isTarget).map(\.text).joined()
            XCTAssertTrue(target.contains("It got dark.") && target.contains("He went home."), "\(kind): \(target)")
            XCTAssertFalse(target.contains("Beijing") || target.contains("天黑"), "\(kind): context and Chinese are masked")
        }
        let gemma = PromptTemplate(.gemma).trainingSequence(context: context, chunk: chunk)
        XCTAssertEqual(gemma.last, PromptPiece("<end_of_turn>\n", markup: true, target: true), "the end of turn is learnt too, as in the paper")
    }

    func testAnswerStartAndGlossaryNote() {
        let g = [GlossaryEntry(source: "小明", target: "Xiao Ming")]
        let plain = PromptTemplate(.plain).prompt(context: [], source: "第一章　早晨", glossary: g, answerStart: "Chapter 1:")
        XCTAssertTrue(plain.map(\.text).joined().hasSuffix("(names: 小明 = Xiao Ming)\nzh: 第一章　早晨\nen: Chapter 1:"))
        let chat = PromptTemplate(.chatml).prompt(context: [], source: "小明笑了。", glossary: g)
        XCTAssertTrue(chat.map(\.text).joined().contains("术语：小明 = Xiao Ming\n小明笑了。"))
    }

    func testMultiLineSourceBecomesOneLine() {
        let p = PromptTemplate(.plain).prompt(context: [], source: "一\n二")
        XCTAssertTrue(p.map(\.text).joined().hasSuffix("zh: 一 二\nen:"))
    }

    /// Real answers of the default model that ran into the next pair on the same line.
    func testPlainAnswerEndsWhereTheNextPairBegins() {
        let t = PromptTemplate(.plain)
        func cut(_ s: String) -> String { t.answerEnd(in: s).map { String(s[..<$0]) } ?? s }
        XCTAssertEqual(cut("Chapter 142: The Rain.jpg (1080×640) 1080x640.zh: 3章　雨夜"), "Chapter 142: The Rain.jpg (1080×640) 1080x640.")
        XCTAssertEqual(cut("A Rainy Night en: Chapter 3: zh: x"), "A Rainy Night ")
        XCTAssertEqual(cut("The children: all of them. Then: zhou"), "The children: all of them. Then: zhou")
        XCTAssertEqual(cut("en: He laughed."), "")
        XCTAssertNil(PromptTemplate(.chatml).answerEnd(in: "He said zh: no"))
    }
}
