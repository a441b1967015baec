import ArgumentParser
import Evaluate
import Foundation
import LLM
import Translate

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a Chinese book into English, training a Temp-LoRA adapter on it as it goes.",
        discussion: """
        The book is cut into chapters, sentences and translation units (a heading, or a few \
        sentences of one paragraph). Each unit is translated greedily from a prompt holding the \
        most recent pairs of Chinese and English (the bilingual context, --context-tokens) and the \
        glossary terms it contains. With --temp-lora cascaded or parallel, a LoRA adapter is \
        trained on every --chunk-tokens tokens of finished bilingual text (Temp-LoRA: r 64, \
        alpha 64, AdamW lr 5e-5, 2 steps per chunk), so names and style learnt early carry on. \
        With a chat model (the default, Qwen2.5-Coder 1.5B Instruct) each pair of the context is \
        one exchange of the conversation (--layout turns): a unit's prompt extends the previous \
        one, so only the new text runs through the model; --layout paper lays them out as the \
        Temp-LoRA paper does (every Chinese line, then every English line).

        The output guard (--guard, on by default) checks every answer before it joins the \
        training data: Chinese left in, chatter around the translation ("Sure, here is the \
        English translation:", stripped from the book), a length far off the book's running \
        ratio, loops, words run together, stock openings. A failing unit is translated once more \
        alone and without the adapter; if it still fails it stays in the book, marked in \
        segments.jsonl (`flags`) and report.md, and Temp-LoRA does not train on it. An adapter \
        update that raises the loss on a few held-out recent pairs is undone. report.md lists \
        every chapter with missing, untranslated or flagged units; --retry-flagged --resume \
        translates exactly those again with the final adapter.

        The book is a text file or an EPUB (2 or 3). The run folder (--out) gets translation.txt, \
        bilingual.md, translation.epub and bilingual.epub (rewritten after every chapter; with an \
        EPUB book they keep its pictures, styles and cover), segments.jsonl (one record per unit), \
        run.json, report.md (ending with every block not translated, with its place and reason) \
        and adapter/ (PEFT). Stop it at any time (even kill -9) \
        and run the same command with --resume: the finished folder is the same as an \
        uninterrupted run's, apart from timings (the `seconds`, `prefill_seconds` and \
        `tokens_per_second` fields of segments.jsonl, run.json, report.md). To go on to more \
        chapters, resume with a --chapters range that begins with the run's (a run of 1-3 \
        resumed with --chapters 1-10): the folder becomes that of a run started with 1-10.

        To take over a translation begun by hand, give its English with --reference (a book with \
        chapter headings, any encoding or EPUB). Each selected chapter whose number the reference \
        also has is not generated: its sentences are paired with the reference's by the aligner \
        (as `yanfu align` does; --dictionary adds CC-CEDICT anchors), and those pairs go into the \
        bilingual context and train the Temp-LoRA adapter, in book order, as translated ones \
        would (the Temp-LoRA paper's teacher-forced setting); translation starts at the first \
        chapter without a reference. The outputs hold the reference's English for those chapters, \
        so the book is whole; segments.jsonl marks their units "reference": true and report.md \
        lists them with what the aligner left unpaired.

        Examples:
          yanfu translate Corpora/sample/zh.txt --out runs/sample
          yanfu translate novel.txt --out runs/novel --chapters 3-7 --glossary names.tsv
          yanfu translate novel.epub --out runs/novel-epub
          yanfu translate novel.txt --out runs/novel --resume
          yanfu translate novel.txt --out runs/novel --chapters 3-12 --resume
          yanfu translate novel.txt --out runs/novel --resume --retry-flagged
          yanfu translate novel.txt --out runs/novel --reference volume1-en.txt
        """
    )

    @Argument(help: "The book (a Chinese text file, encodings detected, or an EPUB).")
    var book: String

    @Option(help: "The book's encoding (e.g. GB18030, Big5, UTF-16LE); detected when omitted.")
    var encoding: String?

    @Flag(help: "Replace invalid byte sequences in the book (and --reference) with U+FFFD (counted in a warning) instead of refusing it.")
    var lossy = false

    @Option(help: "The run folder to create (or continue with --resume).")
    var out: String

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String?

    @Option(name: .customLong("temp-lora"), help: "off, cascaded (train, then go on) or parallel (train in the background).")
    var tempLoRA: TempLoRAStrategy = .cascaded

    @Option(help: "Prompt template: plain, chatml, gemma, llama2 (default: from the model's chat template).")
    var template: TemplateKind?

    @Option(help: "System turn of chat templates (default: the model's own, e.g. Qwen2.5's; \"\" for none).")
    var system: String?

    @Option(help: "Chat layout: turns (one exchange per pair: only new text runs through the model) or paper (the Temp-LoRA paper's: all Chinese, then all English). Default: turns; a resume keeps the run's.")
    var layout: PromptLayout?

    @Option(help: "A TSV glossary (source<TAB>target): matching terms are shown in the prompt and counted in the report.")
    var glossary: String?

    @Option(name: .customLong("guard"), help: ArgumentHelp(
        "on: check every translated unit (Chinese left in, chatter, a length far off the book's, loops, words without spaces, stock openings), translate a failing one again without the adapter and the context, keep it out of Temp-LoRA's training if it still fails (marked in segments.jsonl and report.md), and undo an adapter update that raises the loss on recent held-out pairs. off: train on every unit. Default: on; a resume keeps the run's.",
        valueName: "on|off"))
    var outputGuard: Switch?

    @Option(name: .customLong("auto-glossary"), help: ArgumentHelp(
        "on: find the book's recurring names (frequent Chinese n-grams with name statistics), settle each on the English the run first gives it clearly, and show those renderings in the prompt from then on, so Temp-LoRA trains on them too; written to names.tsv in the run folder (a --glossary entry for the same name wins; to change one, copy names.tsv, edit it and resume with --glossary pointing at the copy). Default: on; a resume keeps the run's.",
        valueName: "on|off"))
    var autoGlossary: Switch?

    @Flag(help: "With --resume: translate again the units report.md lists as flagged or incomplete (with the run's final adapter and each unit's context) and keep each new answer that passes the checks.")
    var retryFlagged = false

    @Option(help: "Chapters to translate, by the numbers in their headings: 5, 3-7 or 3-.")
    var chapters: String?

    @Option(help: ArgumentHelp("English of some of the chapters, e.g. a first volume translated by hand: a book whose headings number its chapters as the book's do (\"Chapter 3\" for 第三章). Those chapters are not generated: their aligned sentence pairs fill the context and train Temp-LoRA, and the outputs hold the reference's English. A resume must name the same file.", valueName: "en.txt"))
    var reference: String?

    @Option(help: "The encoding of --reference; detected when omitted.")
    var referenceEncoding: String?

    @Option(help: "A CC-CEDICT file (plain or .gz) for the aligner's word anchors when pairing --reference's sentences.")
    var dictionary: String?

    @OptionGroup(title: "Temp-LoRA") var tempLoRAOptions: TempLoRAOptions

    @Option(help: "Keep the KV cache across this many adapter updates before recomputing it.")
    var kvReuse = 0

    @Option(help: "Repetition penalty on the tokens generated for a unit (1 = none).")
    var repetitionPenalty: Float = 1.1

    @Option(help: "Most sentences per unit.")
    var unitSentences = 1

    @Option(help: "Most source tokens per unit (a longer sentence is a unit of its own).")
    var unitTokens = 96

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Parallel strategy: threads for training (default: half).")
    var trainThreads: Int?

    @Flag(help: "Continue the run in --out after its last completed unit.")
    var resume = false

    @Flag(help: "Start over even if --out holds a run.")
    var force = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print a JSON summary at the end.")
    var json = false

    mutating func validate() throws {
        model = try model.map(resolveModelArgument)
    }

    func run() throws {
        do {
            try translate()
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("\nerror: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func translate() throws {
        let threadCount = threads ?? KernelThreads.cores
        let modelPath = model ?? ModelStore().path()
        var s = TranslateSettings(book: book, model: modelPath, threads: threadCount)
        s.template = template
        s.system = system
        // A resume keeps the run's layout unless one is given (runs from before the choice: paper).
        s.layout = layout ?? (resume ? (try? RunInfo.read(folder: RunFolder(path: out)))?.settings.layout : .turns)
        // A resume keeps the run's guard and automatic glossary unless told (older runs: neither).
        let saved = resume ? (try? RunInfo.read(folder: RunFolder(path: out)))?.settings : nil
        s.outputGuard = outputGuard.map { $0 == .on } ?? (resume ? saved?.outputGuard : true)
        s.autoGlossary = autoGlossary.map { $0 == .on } ?? (resume ? saved?.autoGlossary : true)
        s.encoding = encoding
        s.lossy = lossy ? true : nil   // absent from run.json unless given, so older runs still resume
        s.strategy = tempLoRA
        s.chunkTokens = tempLoRAOptions.chunkTokens
        s.contextTokens = tempLoRAOptions.contextTokens
        s.trainContextTokens = tempLoRAOptions.trainContextTokens
        s.epochs = tempLoRAOptions.epochs
        s.kvReuse = kvReuse
        s.repetitionPenalty = repetitionPenalty
        s.unitSentences = unitSentences
        s.unitTokens = unitTokens
        s.chapters = try chapters.map(parseChapterRange)
        s.glossary = glossary
        s.reference = reference
        s.referenceEncoding = referenceEncoding
        s.dictionary = dictionary
        s.trainThreads = trainThreads ?? max(1, threadCount / 2)
        s.lora = tempLoRAOptions.lora
        s.optimizer = tempLoRAOptions.optimizer
        try s.validate()
        if resume && force {
            throw ValidationError("--resume and --force contradict each other")
        }
        if retryFlagged && !resume {
            throw ValidationError("--retry-flagged works on an existing run: add --resume")
        }
        RunInfo.toolVersion = Yanfu.version
        // Bad input fails before anything heavy is loaded.
        let text = try Translator.readBook(book, encoding: encoding, lossy: lossy)
        if let g = glossary { _ = try Glossary.read(file: g) }
        let given = try Translator.readReference(s, book: text)
        if model == nil && !FileManager.default.fileExists(atPath: modelPath) {
            throw TranslateError.badInput(file: modelPath, reason: "the default model is not there; run `yanfu model fetch` or pass --model")
        }
        let bundle = try ModelBundle(path: modelPath, threads: threadCount)
        let translator = try Translator(settings: s, bundle: bundle, folder: RunFolder(path: out), book: text, given: given)
        let display = TranslateProgressDisplay(quiet: quiet || json)
        // --retry-flagged on a run still going finishes it first.
        let finished = retryFlagged && ((try? RunInfo.read(folder: RunFolder(path: out)))?.finished ?? false)
        let summary = finished ? nil : try translator.run(resume: resume, force: force) { display.show($0) }
        let retried = retryFlagged ? try translator.retryFlagged { display.show($0) } : nil
        display.finish()
        if let r = retried, !quiet && !json {
            print("retried \(r.retried) flagged unit(s), \(r.fixed) of them now better; see \(out)/report.md")
        }
        if json {
            var obj: [String: Any] = ["out": out, "units": summary?.units ?? 0, "replayed": summary?.replayed ?? 0,
                                      "seconds": summary?.seconds ?? 0, "updates": summary?.updates.count ?? 0]
            if let r = retried { obj["retried"] = r.retried; obj["fixed"] = r.fixed }
            let d = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: d, as: UTF8.self))
        }
    }
}

extension TempLoRAStrategy: ExpressibleByArgument {}
extension TemplateKind: ExpressibleByArgument {}
extension PromptLayout: ExpressibleByArgument {}

enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }
