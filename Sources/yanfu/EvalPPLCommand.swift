import ArgumentParser
import Evaluate
import Foundation
import LLM
import Translate

struct EvalPPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-ppl",
        abstract: "Measure what Temp-LoRA buys: reference perplexity with and without the adapter, the paper's protocol.",
        discussion: """
        The aligned corpus is walked in order, in chunks of about --chunk-tokens tokens of \
        bilingual text. Each chunk's reference translation is scored (teacher forcing) given its \
        source and the preceding --context-tokens of reference pairs: once by the base model, once \
        with the Temp-LoRA adapter trained on the chunks before it. Then the adapter trains on the \
        chunk (--epochs steps, the translate defaults: r 64, alpha 64, AdamW lr 5e-5, 2 warmup \
        chunks; --epochs 0 scores the base model only). The adapter learns the book's own reference translations as it goes (the paper's \
        oracle setting), so this measures how much of the book the adapter carries forward.

        Corpora: two books with chapter headings (aligned sentence by sentence first, as `yanfu \
        align` does; --dictionary adds CC-CEDICT anchors), a sentence-aligned GuoFeng pair, or \
        a TSV file of pairs (--source only; an optional third column is the chapter number).

        Reported: PPL = exp(total NLL / total reference tokens) for base and Temp-LoRA, overall, \
        per chapter and for each half of the chapters, with the relative change; and, labelled as \
        such, the paper code's token-weighted mean of per-sentence PPL. With --out, the folder \
        gets pairs.tsv (the aligned pairs, numbered by line), chunks.jsonl (every pair's NLL), eval.json, report.md and ppl-by-chapter.svg, \
        updated after every chunk; kill the run at any time and continue it with --resume.

        Example:
          yanfu eval-ppl --source hongloumeng/zh.txt --reference hongloumeng/en.txt \\
              --chapters 1-30 --out runs/hlm-ppl
        """
    )

    @Option(help: "The Chinese side: a book, a GuoFeng .zh file, or a TSV file of pairs.")
    var source: String

    @Option(help: "The reference English: a book or a GuoFeng .en file (omit for a TSV --source).")
    var reference: String?

    @Option(help: "The encoding of --source (e.g. GB18030, Big5, UTF-16LE); detected when omitted.")
    var encoding: String?

    @Option(help: "The encoding of --reference; detected when omitted.")
    var referenceEncoding: String?

    @Flag(help: "Replace invalid bytes in either file with U+FFFD (counted in the warnings) instead of failing.")
    var lossy = false

    @Option(help: "GGUF file, Hugging Face folder or catalog name (`yanfu model list`; default: the default model).")
    var model: String?

    @Option(help: "Chapters to evaluate, by the numbers in their headings: 5, 1-30 or 3-.")
    var chapters: String?

    @Option(help: "A CC-CEDICT file (plain or .gz) for the aligner's word anchors (books only).")
    var dictionary: String?

    @Option(help: "Prompt template: plain, chatml, gemma, llama2 (default: from the model's chat template).")
    var template: TemplateKind?

    @Option(help: "System turn of chat templates (default: the model's own, e.g. Qwen2.5's; \"\" for none).")
    var system: String?

    @Option(help: "Chat layout: paper (the Temp-LoRA paper's: all Chinese, then all English; the default, as this is the paper's evaluation) or turns (one exchange per pair, as `translate` prompts by default).")
    var layout: PromptLayout?

    @OptionGroup(title: "Temp-LoRA") var tempLoRAOptions: TempLoRAOptions

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Folder for the results (and the state a --resume needs).")
    var out: String?

    @Flag(help: "Continue the run in --out.")
    var resume = false

    @Flag(help: "Start over even if --out holds a run.")
    var force = false

    @Flag(help: "Print the summary as JSON (no progress lines).")
    var json = false

    mutating func validate() throws {
        model = try model.map(resolveModelArgument)
        if resume && force { throw ValidationError("--resume and --force contradict each other") }
        if (resume || force) && out == nil { throw ValidationError("--resume and --force need --out") }
    }

    func run() throws {
        do {
            try evaluate()
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func evaluate() throws {
        let threadCount = threads ?? KernelThreads.cores
        let modelPath = model ?? ModelStore().path()
        var s = EvalPPLSettings(source: source, reference: reference, model: modelPath, threads: threadCount)
        s.dictionary = dictionary
        s.sourceEncoding = encoding
        s.referenceEncoding = referenceEncoding
        s.lossy = lossy ? true : nil
        s.template = template
        s.system = system
        s.layout = layout
        s.chapters = try chapters.map(parseChapterRange)
        s.chunkTokens = tempLoRAOptions.chunkTokens
        s.contextTokens = tempLoRAOptions.contextTokens
        s.trainContextTokens = tempLoRAOptions.trainContextTokens
        s.epochs = tempLoRAOptions.epochs
        s.lora = tempLoRAOptions.lora
        s.optimizer = tempLoRAOptions.optimizer
        try s.validate()
        // Bad input fails before the model is loaded.
        let corpus = try ReferenceCorpus.read(source: source, reference: reference, chapters: s.chapters, dictionary: dictionary,
                                              sourceDecoding: s.sourceDecoding, referenceDecoding: s.referenceDecoding)
        for w in corpus.warnings { log("warning: \(w)") }
        if model == nil && !FileManager.default.fileExists(atPath: modelPath) {
            throw TranslateError.badInput(file: modelPath, reason: "the default model is not there; run `yanfu model fetch` or pass --model")
        }
        let bundle = try ModelBundle(path: modelPath, threads: threadCount)
        let evaluation = try ReferencePerplexity(settings: s, corpus: corpus, bundle: bundle, folder: out)
        let command = (["yanfu"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        if !json {
            log("yanfu: \(corpus.pairs.count) sentence pairs in \(corpus.chapters.count) chapter(s), \(evaluation.chunks.count) chunks of ~\(s.chunkTokens) tokens")
        }
        let records = try evaluation.run(resume: resume, force: force) { p in
            if let out {
                try? p.summary.write(to: out, settings: s, complete: p.chunksDone == p.chunksTotal, command: command)
            }
            if json { return }
            let c = p.chunk
            let chunk = PerplexitySummary.Totals(c.sentences)
            let chapters = Set(c.sentences.map(\.chapter)).sorted().map(String.init).joined(separator: ",")
            let loss = c.losses.map { String(format: "%.3f", $0) }.joined(separator: "→")
            let eta = p.etaSeconds.map { " · ETA " + TranslateProgressDisplay.duration($0) } ?? ""
            log(String(format: "chunk %d/%d (ch %@): base %.2f, Temp-LoRA %.2f · so far %.3f vs %.3f (%+.1f%%) · loss %@ · %.0f s%@",
                       p.chunksDone, p.chunksTotal, chapters, chunk.basePPL, chunk.tempLoRAPPL, p.summary.overall.basePPL, p.summary.overall.tempLoRAPPL,
                       p.summary.overall.relativeChange * 100, loss.isEmpty ? "-" : loss, c.seconds, eta))
        }
        let summary = PerplexitySummary(chunks: records, corpus: corpus)
        if let out {
            try summary.write(to: out, settings: s, complete: true, command: command)
        }
        if json {
            print(String(decoding: try summary.file(settings: s, complete: true).json(indented: false), as: UTF8.self), terminator: "")
        } else {
            let t = summary.overall
            print(String(format: "base PPL %.3f, Temp-LoRA PPL %.3f (%+.1f%%) over %d reference tokens", t.basePPL, t.tempLoRAPPL, t.relativeChange * 100, t.tokens))
            if summary.secondHalf.tokens > 0 {
                print(String(format: "second half of the chapters: base %.3f, Temp-LoRA %.3f (%+.1f%%)", summary.secondHalf.basePPL,
                             summary.secondHalf.tempLoRAPPL, summary.secondHalf.relativeChange * 100))
            }
            print(String(format: "sentence-mean PPL (the paper code's figure): base %.3f, Temp-LoRA %.3f", t.baseSentenceMeanPPL, t.tempLoRASentenceMeanPPL))
            if let out { print("wrote \(out)/eval.json, report.md, ppl-by-chapter.svg, chunks.jsonl") }
        }
    }

    private func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}
