import Foundation
import LLM
import Text

/// Translates a book into a run folder, unit by unit, with optional Temp-LoRA, resumably.
///
/// Reproducibility: the KV cache is emptied at fixed points (after an adapter update unless
/// `kvReuse` keeps it, and when the context slides past its budget); a checkpoint is written at
/// each of them. A resume loads the last checkpoint and translates again the units after it
/// (greedy decoding, same threads: the same tokens), appending only the units not yet recorded,
/// so the finished folder is identical to an uninterrupted run's.
public final class Translator {
    public let settings: TranslateSettings
    public let folder: RunFolder
    public let bundle: ModelBundle
    public let plan: UnitPlan
    public let template: PromptTemplate
    public let glossary: Glossary
    /// The book as read: its EPUB side (pictures, kept-aside blocks) and what report.md lists.
    public let book: Book
    let epubInfo: EPUBBookInfo
    /// Test hook: called before each unit with its run position and after each training step
    /// (position of the chunk's last unit, step number); throwing simulates a crash there.
    public var interruptHook: (@Sendable (_ event: String, _ position: Int) throws -> Void)?

    let generator: LineGenerator
    private var pairTokens: [Int] = []

    /// `book`: the book already read with `readBook` (nil: read it now).
    public init(settings: TranslateSettings, bundle: ModelBundle, folder: RunFolder, book: Book? = nil) throws {
        try settings.validate()
        self.settings = settings
        self.bundle = bundle
        self.folder = folder
        template = bundle.promptTemplate(kind: settings.template, system: settings.system, layout: settings.layout)
        glossary = try settings.glossary.map { try Glossary.read(file: $0) } ?? Glossary(entries: [])
        let book = try book ?? Translator.readBook(settings.book, encoding: settings.encoding, lossy: settings.lossy ?? false)
        self.book = book
        epubInfo = EPUBBookInfo(book: book, file: settings.book, sha256: try SHA256.hexDigest(ofFileAt: settings.book).hex)
        generator = LineGenerator(model: bundle.model, tokenizer: bundle.tokenizer)
        let g = generator
        plan = try UnitPlan.make(book: book, file: settings.book, chapters: settings.chapters,
                                 tokenBudget: settings.unitTokens, maxSentences: settings.unitSentences,
                                 countTokens: { g.tokenCount($0) })
    }

    /// Reads the book and refuses one without any sentence, so bad input fails before the
    /// model is loaded.
    public static func readBook(_ path: String, encoding: String? = nil, lossy: Bool = false) throws -> Book {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TranslateError.badInput(file: path, reason: "no such book file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TranslateError.badInput(file: path, reason: "the book is not readable (check its permissions)")
        }
        let book = try BookReader.read(file: path, options: BookOptions(encoding: encoding, lossy: lossy))  // TextError names the file and place
        let chapters = book.chapters + [book.preface].compactMap { $0 }
        guard chapters.contains(where: { !$0.sentences.isEmpty }) else {
            throw TranslateError.badInput(file: path, reason: "the book is empty (no sentences to translate)")
        }
        return book
    }

    // MARK: the run

    public struct Summary: Sendable {
        public var units: Int
        public var replayed: Int
        public var seconds: Double
        public var updates: [UpdateRecord]
    }

    /// Runs (or resumes) the translation. `onEvent` is called on the calling thread.
    @discardableResult
    public func run(resume: Bool, force: Bool, onEvent: (TranslateEvent) -> Void = { _ in }) throws -> Summary {
        let start = Date()
        var state = LoopState()
        var records: [SegmentRecord] = []
        var runInfo: RunInfo
        if resume {
            (runInfo, records, state) = try loadForResume()
            if runInfo.settings.chapters != settings.chapters {
                onEvent(.note("extending the run from chapters \(chapterRangeText(runInfo.settings.chapters)) to \(chapterRangeText(settings.chapters))"))
                runInfo.settings = settings.canonicalPaths
                runInfo.finished = false
                try RunFolder.writeAtomically(try runInfo.json(), to: folder.runJSON)
            }
            onEvent(.note("resuming after unit \(records.count) of \(plan.units.count); state rebuilt from unit \(state.nextUnit)"))
        } else {
            runInfo = try RunInfo.make(settings: settings, template: template.kind, bundle: bundle)
            try folder.prepareFresh(force: force)
            try RunFolder.writeAtomically(try runInfo.json(), to: folder.runJSON)
        }
        for w in plan.warnings { onEvent(.warning(w)) }
        let runtime = try makeRuntime(state: state)
        let appender = try LineAppender(file: folder.segments)
        let recordedAtStart = records.count
        let sessionStart = state.nextUnit

        var pairs = records.prefix(state.nextUnit).map { BilingualPair(source: $0.source, target: $0.translation) }
        pairTokens = pairs.map(tokens(of:))
        if let chunk = state.pendingChunk {
            // Parallel: the checkpoint was taken while this chunk trained in the background.
            let seq = try trainingSequence(pairs: pairs, chunk: chunk)
            try runtime.startPending(index: state.updates - 1, units: chunk, tokens: seq.ids, mask: seq.mask)
        }
        var lastLoss = state.lastLoss
        var generatedTotal = 0, genSeconds = 0.0, replayed = 0
        var chapterSeconds = runInfo.chapterSeconds
        var stale = state.staleUpdates
        var trainerSavedAtUpdate = state.updates

        var position = state.nextUnit
        while position < plan.units.count {
            let unit = plan.units[position]
            try interruptHook?("unit", position)
            // Slide the context when it outgrows L_X: drop the oldest pairs down to half the
            // budget, so the cache is recomputed once every ~L_X/2 tokens, not every unit.
            if contextTokens(state.contextStart..<position) > settings.contextTokens {
                var s = state.contextStart
                while s < position && contextTokens(s..<position) > settings.contextTokens / 2 { s += 1 }
                state.contextStart = s
                generator.invalidate()
                stale = 0
                // A checkpoint needs the trainer as of now: only when the last saved one is
                // (with --kv-reuse, updates happen without saving; a resume replays from before).
                if settings.strategy == .off || trainerSavedAtUpdate == state.updates {
                    state.nextUnit = position
                    state.staleUpdates = 0
                    try checkpoint(&state, runtime: runtime, saveTrainer: false)
                }
            }
            let t0 = Date()
            let shownGlossary = glossary.matches(in: unit.source)
            let context = Array(pairs[state.contextStart..<position])
            // A heading is answered as a heading: its number is given, the model adds the title.
            let answerStart = unit.headingNumber.map { "Chapter \($0):" }
            let prompt = try generator.encode(template.prompt(context: context, source: unit.source, glossary: shownGlossary,
                                                              answerStart: answerStart), bos: true)
            let answer = try translate(unit, prompt: prompt.ids, context: context, glossary: shownGlossary,
                                       checkCopies: answerStart == nil, runtime: runtime)
            let seconds = Date().timeIntervalSince(t0)
            generatedTotal += answer.generated
            genSeconds += seconds
            var translation = answer.output.text
            if let a = answerStart { translation = translation.isEmpty ? String(a.dropLast()) : a + " " + translation }
            if position < records.count {
                replayed += 1
                if records[position].translation != translation {
                    onEvent(.warning("unit \(position) translated differently on resume (different threads or build?); keeping the recorded translation"))
                    translation = records[position].translation
                }
            } else {
                let record = SegmentRecord(
                    chapter: unit.chapter, unit: unit.unit, index: position, paragraph: unit.paragraph,
                    heading: unit.isHeading, source: unit.source, translation: translation,
                    glossary: shownGlossary.map(\.source), promptTokens: prompt.ids.count,
                    prefilledTokens: answer.prefilled, generatedTokens: answer.generated,
                    seconds: (seconds * 1000).rounded() / 1000,
                    prefillSeconds: (answer.prefillSeconds * 1000).rounded() / 1000,
                    tokensPerSecond: seconds > 0 ? (Double(answer.generated) / seconds * 10).rounded() / 10 : 0,
                    adapterVersion: runtime.generationVersion, lastLoss: lastLoss,
                    rejectedCopies: answer.rejected.isEmpty ? nil : answer.rejected,
                    withoutContext: answer.withoutContext ? true : nil)
                try appender.append(try record.jsonLine())
                records.append(record)
                chapterSeconds[String(unit.chapter), default: 0] += seconds
            }
            pairs.append(BilingualPair(source: unit.source, target: translation))
            pairTokens.append(tokens(of: pairs[position]))
            position += 1

            let done = position
            let rate = genSeconds > 0 ? Double(generatedTotal) / genSeconds : 0
            let elapsed = Date().timeIntervalSince(start)
            let eta = done > sessionStart ? elapsed / Double(done - sessionStart) * Double(plan.units.count - done) : nil
            onEvent(.unit(UnitProgress(chapterPosition: unit.chapterPosition + 1, chapterCount: plan.chapters.count,
                                       chapterNumber: unit.chapter, unitsDone: done, unitsTotal: plan.units.count,
                                       tokensPerSecond: rate, etaSeconds: eta, lastLoss: lastLoss,
                                       adapterVersion: runtime.generationVersion, replayed: position - 1 < recordedAtStart,
                                       source: unit.source, translation: translation)))

            // Temp-LoRA: a chunk is done once Δ tokens of new bilingual text have piled up.
            if settings.strategy != .off && contextTokens(state.chunkStart..<position) >= settings.chunkTokens {
                let chunk = state.chunkStart...(position - 1)
                let seq = try trainingSequence(pairs: pairs, chunk: chunk)
                onEvent(.note("chunk \(state.updates + 1) done (units \(chunk.lowerBound)-\(chunk.upperBound), \(seq.ids.count) tokens): \(settings.strategy == .cascaded ? "training" : "swapping adapters, training in the background")"))
                let finished = try runtime.chunkFinished(index: state.updates, units: chunk, tokens: seq.ids, mask: seq.mask)
                for u in finished {
                    state.updateLog.append(u)
                    lastLoss = u.losses.last
                    chapterSeconds[String(unit.chapter), default: 0] += u.blockingSeconds
                    onEvent(.note(String(format: "update %d on units %d-%d: %d tokens (%d trained), loss %@, %.1f s", u.update + 1, u.firstUnit, u.lastUnit, u.tokens, u.targetTokens, u.losses.map { String(format: "%.3f", $0) }.joined(separator: " → "), u.seconds)))
                }
                state.updates += 1
                state.chunkStart = position
                state.lastLoss = lastLoss
                state.adapterVersion = runtime.generationVersion
                if stale >= settings.kvReuse {
                    generator.invalidate()
                    stale = 0
                    state.nextUnit = position
                    state.staleUpdates = 0
                    try checkpoint(&state, runtime: runtime, saveTrainer: true)
                    trainerSavedAtUpdate = state.updates
                } else {
                    stale += 1
                }
                runtime.launchQueued()
            }
            if position == plan.units.count || plan.units[position].chapterPosition != unit.chapterPosition {
                runInfo.chapterSeconds = chapterSeconds
                try writeOutputs(records: records)
                // run.json as if the session ended here: a killed session keeps its wall time and
                // chapter times up to its last finished chapter (the end replaces this entry).
                var soFar = runInfo
                soFar.sessions.append(RunInfo.Session(seconds: Date().timeIntervalSince(start), units: position - sessionStart,
                                                      replayed: replayed, generatedTokens: generatedTotal, generationSeconds: genSeconds))
                try RunFolder.writeAtomically(try soFar.json(), to: folder.runJSON)
            }
        }
        for u in try runtime.finish() {
            state.updateLog.append(u)
            onEvent(.note(String(format: "update %d (last chunk) done: loss %@, %.1f s", u.update + 1, u.losses.map { String(format: "%.3f", $0) }.joined(separator: " → "), u.seconds)))
        }
        try writeOutputs(records: records)
        if settings.strategy != .off {
            try runtime.saveAdapter(to: folder.adapter, baseModelName: (settings.model as NSString).lastPathComponent)
        }
        let total = Date().timeIntervalSince(start)
        runInfo.chapterSeconds = chapterSeconds
        runInfo.finished = true
        runInfo.sessions.append(RunInfo.Session(seconds: total, units: position - sessionStart, replayed: replayed,
                                                generatedTokens: generatedTotal, generationSeconds: genSeconds))
        runInfo.updates = state.updateLog
        try RunFolder.writeAtomically(try runInfo.json(), to: folder.runJSON)
        let tally = tallyGlossary(records)
        try RunFolder.writeAtomically(Report.markdown(settings: settings, info: runInfo, records: records, plan: plan, glossary: tally)
                                      + Coverage.markdown(book: book, plan: plan, records: records),
                                      to: folder.report)
        onEvent(.note("wrote \(folder.path)/translation.txt, bilingual.md, translation.epub, bilingual.epub, segments.jsonl, report.md\(settings.strategy != .off ? ", adapter/" : "")"))
        return Summary(units: records.count, replayed: replayed, seconds: total, updates: state.updateLog)
    }

    // MARK: pieces of the loop

    /// A unit's answer and what it cost, over every try.
    private struct Answer {
        var output: LineGenerator.Output
        var generated = 0, prefilled = 0
        var prefillSeconds = 0.0
        var rejected: [String] = []
        var withoutContext = false

        init(_ first: LineGenerator.Output) {
            output = first
            add(first)
        }

        mutating func add(_ o: LineGenerator.Output) {
            generated += o.generated.count
            prefilled += o.prefilled
            prefillSeconds += o.prefillSeconds
        }

        mutating func replace(with o: LineGenerator.Output) {
            rejected.append(output.text)
            output = o
            add(o)
        }
    }

    /// Translates a unit. An answer that copies an earlier line's translation (CopyGuard) is
    /// tried again with the copied token runs forbidden; if that copies too, the unit is
    /// translated without the book's context, which has nothing left to copy and puts a fresh
    /// line into the context, ending the loop.
    private func translate(_ unit: TranslationUnit, prompt: [Int32], context: [BilingualPair], glossary: [GlossaryEntry],
                           checkCopies: Bool, runtime: AdapterRuntime) throws -> Answer {
        let sourceTokens = generator.tokenCount(unit.source)
        let maxTokens = min(512, 3 * sourceTokens + 24)
        let minTokens = sourceTokens / CopyGuard.sourceTokensPerAnswerToken
        func generate(_ ids: [Int32], ban: TokenRunBan? = nil, minTokens: Int = 0) -> LineGenerator.Output {
            generator.generateLine(prompt: ids, maxTokens: maxTokens, repetitionPenalty: settings.repetitionPenalty,
                                   ban: ban, minTokens: minTokens, answerEnd: template.answerEnd(in:),
                                   forward: { runtime.forward($0, $1) })
        }
        var answer = Answer(generate(prompt))
        guard checkCopies else { return answer }
        // Everything the prompt shows as an answer, the template's examples included.
        let shown = (template.kind == .plain ? PromptTemplate.examples : []) + context
        let copied = CopyGuard.copiedPairs(answer: answer.output.text, source: unit.source, context: shown)
        guard !copied.isEmpty else { return answer }
        let runs = try copied.map { try generator.encode([PromptPiece(" " + PromptTemplate.line(shown[$0].target))], bos: false).ids }
        answer.replace(with: generate(prompt, ban: TokenRunBan(length: CopyGuard.bannedRunLength, runs: runs), minTokens: minTokens))
        guard !CopyGuard.copiedPairs(answer: answer.output.text, source: unit.source, context: shown).isEmpty else { return answer }
        let alone = try generator.encode(template.prompt(context: [], source: unit.source, glossary: glossary), bos: true)
        answer.replace(with: generate(alone.ids, minTokens: minTokens))
        answer.withoutContext = true
        return answer
    }

    /// Token count of a pair, as the budgets count it (both sides, plus the template's few tokens).
    private func tokens(of pair: BilingualPair) -> Int {
        generator.tokenCount(pair.source) + generator.tokenCount(pair.target) + 4
    }

    private func contextTokens(_ r: Range<Int>) -> Int {
        r.reduce(0) { $0 + pairTokens[$1] }
    }

    /// The chunk's pairs with up to L_T tokens of the pairs before it as loss-masked context.
    private func trainingSequence(pairs: [BilingualPair], chunk: ClosedRange<Int>) throws -> (ids: [Int32], mask: [Bool]) {
        var first = chunk.lowerBound
        var budget = settings.trainContextTokens
        while first > 0 && pairTokens[first - 1] <= budget {
            budget -= pairTokens[first - 1]
            first -= 1
        }
        let pieces = template.trainingSequence(context: Array(pairs[first..<chunk.lowerBound]), chunk: Array(pairs[chunk]))
        return try generator.encode(pieces, bos: true)
    }

    private func checkpoint(_ state: inout LoopState, runtime: AdapterRuntime, saveTrainer: Bool) throws {
        state.pendingChunk = runtime.pending
        if saveTrainer {
            let name = "trainer-\(state.updates)"
            let tmp = folder.state + "/" + name + ".tmp"
            try? FileManager.default.removeItem(atPath: tmp)
            do { try runtime.saveState(to: tmp) } catch let e as TranslateError { throw e } catch {
                throw TranslateError.write(path: tmp, reason: "\(error)")
            }
            let final = folder.state + "/" + name
            try? FileManager.default.removeItem(atPath: final)
            guard rename(tmp, final) == 0 else { throw TranslateError.write(path: final, reason: String(cString: strerror(errno))) }
            RunFolder.syncDirectory(of: final)
            state.trainer = name
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try RunFolder.writeAtomically(try enc.encode(state), to: folder.state + "/checkpoint.json")
        // Trainer states no checkpoint points to any more.
        for item in (try? FileManager.default.contentsOfDirectory(atPath: folder.state)) ?? []
        where item.hasPrefix("trainer-") && item != state.trainer {
            try? FileManager.default.removeItem(atPath: folder.state + "/" + item)
        }
    }

    private func loadForResume() throws -> (RunInfo, [SegmentRecord], LoopState) {
        let info = try RunInfo.read(folder: folder)
        // Only --chapters may change, to a range that begins with the run's: the run is then
        // extended, as if it had been started with the longer range.
        // Paths count as the same when they name the same file from here.
        let saved = info.settings.canonicalPaths, now = settings.canonicalPaths
        var sameButChapters = saved
        sameButChapters.chapters = now.chapters
        guard sameButChapters == now else {
            throw TranslateError.resume(path: folder.path, reason: "the settings differ from the run's (see run.json): \(saved.differences(from: now).joined(separator: ", "))")
        }
        if !info.modelSHA256.isEmpty {
            // The same path may hold another model by now (fetched again, quantized again).
            let (sha, bytes) = try SHA256.hexDigest(ofFileAt: settings.model)
            guard bytes == info.modelBytes, sha == info.modelSHA256 else {
                throw TranslateError.resume(path: settings.model, reason: "the model file changed since the run started (\(info.modelBytes) bytes, SHA-256 \(info.modelSHA256.prefix(12))…; now \(bytes) bytes, \(sha.prefix(12))…)")
            }
        }
        let records = try folder.records()
        if info.settings.chapters != settings.chapters {
            guard records.count <= plan.units.count, records.indices.allSatisfy({ records[$0].chapter == plan.units[$0].chapter }) else {
                throw TranslateError.resume(path: folder.path, reason: "the run has chapters \(chapterRangeText(info.settings.chapters)) and --chapters \(chapterRangeText(settings.chapters)) does not begin with them (a run can be extended to later chapters, not cut or shifted)")
            }
        }
        for i in records.indices {
            guard records[i].index == i, i < plan.units.count, records[i].source == plan.units[i].source else {
                throw TranslateError.resume(path: folder.segments, reason: "line \(i + 1) does not match unit \(i) of the book (was the book changed?)")
            }
        }
        var state = LoopState()
        if let d = FileManager.default.contents(atPath: folder.state + "/checkpoint.json") {
            do { state = try JSONDecoder().decode(LoopState.self, from: d) } catch {
                throw TranslateError.resume(path: folder.state + "/checkpoint.json", reason: "unreadable checkpoint (\(error))")
            }
        }
        guard state.nextUnit <= records.count else {
            throw TranslateError.resume(path: folder.path, reason: "the checkpoint is at unit \(state.nextUnit) but segments.jsonl has only \(records.count) records")
        }
        return (info, records, state)
    }

    private func makeRuntime(state: LoopState) throws -> AdapterRuntime {
        switch settings.strategy {
        case .off: return NoAdapter()
        case .cascaded, .parallel:
            return try TempLoRARuntime(settings: settings, model: bundle.model,
                                       stateDirectory: state.trainer.map { folder.state + "/" + $0 },
                                       interrupt: interruptHook)
        }
    }

    // MARK: outputs

    private func writeOutputs(records: [SegmentRecord]) throws {
        try RunFolder.writeAtomically(Outputs.translation(plan: plan, records: records), to: folder.translation)
        try RunFolder.writeAtomically(Outputs.bilingual(plan: plan, records: records), to: folder.bilingual)
        for (kind, path) in [(EPUBWriter.Kind.translation, folder.translationEPUB), (.bilingual, folder.bilingualEPUB)] {
            let data: Data?
            do { data = try EPUBWriter.build(kind, plan: plan, records: records, book: epubInfo) } catch {
                throw TranslateError.write(path: path, reason: "\(error)")
            }
            if let data { try RunFolder.writeAtomically(data, to: path) }
        }
    }

    private func tallyGlossary(_ records: [SegmentRecord]) -> GlossaryTally {
        var t = GlossaryTally(glossary: glossary)
        for r in records { t.count(source: r.source, translation: r.translation) }
        return t
    }
}
