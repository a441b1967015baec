import Evaluate
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
    /// Test hook standing in for a model that degenerates: rewrites the model's answer to the unit
    /// at a run position (try 0: the first answer; 1: the output guard's retry).
    public var answerHook: ((_ position: Int, _ try: Int, _ answer: String) -> String)?
    /// Test hook: the sequence and loss mask each update trains on, with its chunk's run positions.
    public var trainingHook: ((_ chunk: ClosedRange<Int>, _ tokens: [Int32], _ mask: [Bool]) -> Void)?

    let generator: LineGenerator
    /// The book's recurring names, best first (NameFinder), for the automatic glossary.
    private lazy var nameCandidates = NameFinder.candidates(in: book).prefix(Self.autoGlossaryNames).map(\.name)
    /// The output guard's retries, alone: their own cache, so the book's context stays cached.
    private lazy var retryGenerator = LineGenerator(model: bundle.model, tokenizer: bundle.tokenizer)

    /// The chapters whose English comes from `settings.reference` (nil without one).
    public let given: GivenChapters?

    /// `book`: the book already read with `readBook` (nil: read it now); `given`: its reference
    /// already read with `readReference` (nil: read it now, if the settings name one).
    public init(settings: TranslateSettings, bundle: ModelBundle, folder: RunFolder, book: Book? = nil,
                given: GivenChapters? = nil) throws {
        try settings.validate()
        self.settings = settings
        self.bundle = bundle
        self.folder = folder
        template = bundle.promptTemplate(kind: settings.template, system: settings.system, layout: settings.layout)
        glossary = try settings.glossary.map { try Glossary.read(file: $0) } ?? Glossary(entries: [])
        let book = try book ?? Translator.readBook(settings.book, encoding: settings.encoding, lossy: settings.lossy ?? false)
        self.book = book
        let given = try given ?? Translator.readReference(settings, book: book)
        self.given = given
        epubInfo = EPUBBookInfo(book: book, file: settings.book, sha256: try SHA256.hexDigest(ofFileAt: settings.book).hex)
        generator = LineGenerator(model: bundle.model, tokenizer: bundle.tokenizer)
        let g = generator
        plan = try UnitPlan.make(book: book, file: settings.book, chapters: settings.chapters,
                                 tokenBudget: settings.unitTokens, maxSentences: settings.unitSentences, given: given,
                                 countTokens: { g.tokenCount($0) })
    }

    /// The reference the settings name, read and aligned with `book` (nil: none), so that a bad
    /// reference fails before the model is loaded.
    public static func readReference(_ settings: TranslateSettings, book: Book) throws -> GivenChapters? {
        try settings.reference.map {
            try GivenChapters.read(reference: $0, book: book, bookFile: settings.book, chapters: settings.chapters,
                                   dictionary: settings.dictionary,
                                   decoding: DecodeOptions(encoding: settings.referenceEncoding, lossy: settings.lossy ?? false))
        }
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

    /// Runs (or resumes) the translation: Temp-LoRA as the paper's Algorithm 1, unit by unit.
    /// `onEvent` is called on the calling thread.
    @discardableResult
    public func run(resume: Bool, force: Bool, onEvent: (TranslateEvent) -> Void = { _ in }) throws -> Summary {
        var loop = try resume ? resumedLoop(onEvent) : freshLoop(force: force)
        for w in plan.warnings { onEvent(.warning(w)) }
        if let note = givenNote() { onEvent(.note(note)) }
        let runtime = try makeRuntime(state: loop.saved)
        let appender = try LineAppender(file: folder.segments)
        if let chunk = loop.saved.pendingChunk {
            // Parallel: the checkpoint was taken while this chunk trained in the background.
            try runtime.startPending(index: loop.saved.updates - 1, units: chunk, data: try updateData(loop, chunk: chunk).data)
        }
        while loop.position < plan.units.count {
            let unit = plan.units[loop.position]
            try interruptHook?("unit", loop.position)
            if loop.tokens(loop.saved.contextStart..<loop.position) > settings.contextTokens {
                slideContext(&loop)
                try cacheEmptied(&loop, runtime: runtime, trained: false)
            }
            let (record, seconds) = try unit.reference.map { (givenRecord(unit, english: $0, loop: loop, runtime: runtime), 0.0) }
                ?? translated(unit, position: loop.position, context: Array(loop.pairs[loop.saved.contextStart..<loop.position]),
                              memory: loop.memory, adapter: runtime.generationAdapter,
                              adapterVersion: runtime.generationVersion, lastLoss: loop.saved.lastLoss)
            try keep(record, seconds: seconds, unit: unit, in: &loop, appender: appender, onEvent: onEvent)
            // Temp-LoRA: a chunk is done once Δ tokens of new bilingual text have piled up.
            if settings.strategy != .off && loop.tokens(loop.saved.chunkStart..<loop.position) >= settings.chunkTokens {
                try train(&loop, runtime: runtime, chapter: unit.chapter, onEvent: onEvent)
            }
            if loop.position == plan.units.count || plan.units[loop.position].chapterPosition != unit.chapterPosition {
                try chapterFinished(loop)
            }
        }
        return try finish(&loop, runtime: runtime, onEvent: onEvent)
    }

    /// What a checkpoint saves: enough to continue from a point where the KV cache is empty.
    struct LoopState: Codable, Equatable {
        var nextUnit = 0
        var contextStart = 0
        var chunkStart = 0
        var updates = 0
        var lastLoss: Float?
        /// Parallel: the chunk (run positions) still being trained when the checkpoint was taken.
        var pendingChunk: ClosedRange<Int>?
        /// Folder (inside state/) holding the trainer's state, nil when nothing was trained yet.
        var trainer: String?
        var updateLog: [UpdateRecord] = []
    }

    /// Everything the loop changes as it goes, in one place: the checkpointed state, the run's
    /// records and bilingual pairs so far, and this session's counters.
    struct Loop {
        var saved: LoopState
        var runInfo: RunInfo
        var records: [SegmentRecord]
        /// The book's pairs up to `position` (recorded translations), and their token counts.
        var pairs: [BilingualPair]
        var pairTokens: [Int]
        var position: Int
        /// The guard's statistics and the settled names, from the records before `position`.
        var memory: BookMemory
        /// Adapter updates since the KV cache was last emptied (up to --kv-reuse).
        var staleUpdates = 0
        /// `saved.updates` when the trainer was last saved.
        var trainerSavedAt: Int
        let recordedAtStart: Int
        let sessionStart: Int
        let started = Date()
        var generatedTokens = 0, generationSeconds = 0.0, replayed = 0

        /// Tokens of the pairs in `r`, as the budgets count them.
        func tokens(_ r: Range<Int>) -> Int { r.reduce(0) { $0 + pairTokens[$1] } }

        var session: RunInfo.Session {
            RunInfo.Session(seconds: Date().timeIntervalSince(started), units: position - sessionStart, replayed: replayed,
                            generatedTokens: generatedTokens, generationSeconds: generationSeconds)
        }
    }

    private var checkpoints: CheckpointFolder { CheckpointFolder(path: folder.state) }

    private func freshLoop(force: Bool) throws -> Loop {
        let info = try RunInfo.make(settings: settings, template: template.kind, bundle: bundle)
        try folder.prepareFresh(force: force)
        try RunFolder.writeAtomically(try info.json(), to: folder.runJSON)
        return Loop(saved: LoopState(), runInfo: info, records: [], pairs: [], pairTokens: [], position: 0,
                    memory: freshMemory(), trainerSavedAt: 0, recordedAtStart: 0, sessionStart: 0)
    }

    private func resumedLoop(_ onEvent: (TranslateEvent) -> Void) throws -> Loop {
        var (info, records, state) = try loadForResume()
        if info.settings.chapters != settings.chapters || info.settings.glossary != settings.canonicalPaths.glossary {
            if info.settings.chapters != settings.chapters {
                onEvent(.note("extending the run from chapters \(chapterRangeText(info.settings.chapters)) to \(chapterRangeText(settings.chapters))"))
                info.finished = false
            } else {
                onEvent(.note("the glossary is now \(settings.glossary ?? "none"): units from \(state.nextUnit) on are prompted with it (units already recorded keep their translations)"))
            }
            info.settings = settings.canonicalPaths
            try RunFolder.writeAtomically(try info.json(), to: folder.runJSON)
        }
        onEvent(.note("resuming after unit \(records.count) of \(plan.units.count); state rebuilt from unit \(state.nextUnit)"))
        let pairs = records.prefix(state.nextUnit).map { BilingualPair(source: $0.source, target: $0.translation) }
        var loop = Loop(saved: state, runInfo: info, records: records, pairs: pairs, pairTokens: pairs.map(tokens(of:)),
                        position: state.nextUnit, memory: freshMemory(), trainerSavedAt: state.updates,
                        recordedAtStart: records.count, sessionStart: state.nextUnit)
        for r in records.prefix(state.nextUnit) { loop.memory.record(r) }
        return loop
    }

    /// An empty memory: the guard's statistics, and the book's recurring names (NameFinder's best
    /// `autoGlossaryNames`) to learn renderings for when the automatic glossary is on.
    private func freshMemory() -> BookMemory {
        BookMemory(names: settings.autoGlossary == true ? NameRenderings(names: nameCandidates) : nil)
    }

    /// How many of NameFinder's candidates the automatic glossary follows (all 40 best on 紅樓夢
    /// are names; by 100 a few titles and fragments come in, which rarely settle).
    static let autoGlossaryNames = 100

    /// The context outgrew L_X: drop the oldest pairs down to half the budget, so the cache is
    /// recomputed once every ~L_X/2 tokens, not every unit.
    private func slideContext(_ loop: inout Loop) {
        var s = loop.saved.contextStart
        while s < loop.position && loop.tokens(s..<loop.position) > settings.contextTokens / 2 { s += 1 }
        loop.saved.contextStart = s
    }

    /// The KV cache is emptied (the context slid, or the adapter changed): the points a resume
    /// starts from. A checkpoint needs the trainer as of now: after an update it is saved with
    /// it; after a slide only when the trainer saved last is current (--kv-reuse updates without
    /// saving it, and a resume then replays from the checkpoint before).
    private func cacheEmptied(_ loop: inout Loop, runtime: AdapterRuntime, trained: Bool) throws {
        generator.invalidate()
        loop.staleUpdates = 0
        guard trained || loop.trainerSavedAt == loop.saved.updates else { return }
        loop.saved.nextUnit = loop.position
        loop.saved.pendingChunk = runtime.pending
        if trained {
            loop.saved.trainer = "trainer-\(loop.saved.updates)"
            loop.trainerSavedAt = loop.saved.updates
        }
        try checkpoints.save(loop.saved, trainerName: loop.saved.trainer,
                             saveTrainer: trained ? { try runtime.saveState(to: $0) } : nil)
    }

    /// The unit translated with the context and the glossary entries its source holds, as its
    /// record, and the seconds it took.
    private func translated(_ unit: TranslationUnit, position: Int, context: [BilingualPair], memory: BookMemory,
                            adapter: LoRAAdapter?, adapterVersion: Int, lastLoss: Float?) throws -> (SegmentRecord, Double) {
        let t0 = Date()
        let shownGlossary = memory.glossary(user: glossary).matches(in: unit.source)
        // A heading is answered as a heading: its number is given, the model adds the title.
        let answerStart = unit.headingNumber.map { "Chapter \($0):" }
        let prompt = try generator.encode(template.prompt(context: context, source: unit.source, glossary: shownGlossary,
                                                          answerStart: answerStart), bos: true)
        var answer = try translate(unit, position: position, prompt: prompt.ids, context: context, glossary: shownGlossary,
                                   checkCopies: answerStart == nil, adapter: adapter)
        var verdict: OutputGuard.Verdict?
        if settings.outputGuard == true {
            verdict = try guarded(unit, position: position, answer: &answer, glossary: shownGlossary, state: memory.outputGuard)
        }
        let seconds = Date().timeIntervalSince(t0)
        var translation = verdict?.text ?? answer.output.text
        if let a = answerStart { translation = translation.isEmpty ? String(a.dropLast()) : a + " " + translation }
        let record = SegmentRecord(
            chapter: unit.chapter, unit: unit.unit, index: position, paragraph: unit.paragraph,
            heading: unit.isHeading, source: unit.source, translation: translation,
            glossary: shownGlossary.map(\.source), promptTokens: prompt.ids.count,
            prefilledTokens: answer.prefilled, generatedTokens: answer.generated,
            seconds: (seconds * 1000).rounded() / 1000,
            prefillSeconds: (answer.prefillSeconds * 1000).rounded() / 1000,
            tokensPerSecond: seconds > 0 ? (Double(answer.generated) / seconds * 10).rounded() / 10 : 0,
            adapterVersion: adapterVersion, lastLoss: lastLoss,
            rejectedCopies: answer.rejected.isEmpty ? nil : answer.rejected,
            withoutContext: answer.withoutContext ? true : nil)
        var r = record
        if let v = verdict {
            r.flags = v.isSound ? nil : v.flags.map(\.rawValue)
            r.stripped = v.stripped.isEmpty ? nil : v.stripped
            r.retriedFor = answer.retriedFor
            r.rejectedAnswer = answer.rejectedAnswer
        }
        return (r, seconds)
    }

    /// A unit of a given chapter as its record: the reference's English, nothing generated.
    private func givenRecord(_ unit: TranslationUnit, english: String, loop: Loop, runtime: AdapterRuntime) -> SegmentRecord {
        SegmentRecord(chapter: unit.chapter, unit: unit.unit, index: loop.position, paragraph: unit.paragraph,
                      heading: unit.isHeading, source: unit.source, translation: english, prefillSeconds: 0,
                      adapterVersion: runtime.generationVersion, lastLoss: loop.saved.lastLoss, reference: true)
    }

    /// Which chapters the reference gives, for the log.
    private func givenNote() -> String? {
        guard let given else { return nil }
        let chapters = plan.chapters.filter { $0.given != nil }
        let pairs = chapters.reduce(0) { $0 + $1.given!.pairs }
        let rest = plan.chapters.filter { $0.given == nil }.map { $0.index == 0 ? "the text before the first heading" : "chapter \($0.number)" }
        return "chapter(s) \(chapters.map { String($0.number) }.joined(separator: ", ")) from \(given.file): \(pairs) aligned sentence pairs, not generated; "
            + (rest.isEmpty ? "nothing left to translate" : "to translate: " + rest.joined(separator: ", "))
    }

    /// Appends a new unit's record to segments.jsonl (a replayed unit keeps the one recorded),
    /// adds its pair to the context and reports progress.
    private func keep(_ record: SegmentRecord, seconds: Double, unit: TranslationUnit, in loop: inout Loop,
                      appender: LineAppender, onEvent: (TranslateEvent) -> Void) throws {
        var translation = record.translation
        if loop.position < loop.records.count {
            loop.replayed += 1
            if loop.records[loop.position].translation != translation {
                onEvent(.warning("unit \(loop.position) translated differently on resume (different threads or build?); keeping the recorded translation"))
                translation = loop.records[loop.position].translation
            }
        } else {
            try appender.append(try record.jsonLine())
            loop.records.append(record)
            loop.runInfo.chapterSeconds[String(unit.chapter), default: 0] += seconds
        }
        loop.memory.record(loop.records[loop.position])
        loop.generatedTokens += record.generatedTokens
        loop.generationSeconds += seconds
        loop.pairs.append(BilingualPair(source: unit.source, target: translation))
        loop.pairTokens.append(tokens(of: loop.pairs[loop.position]))
        loop.position += 1
        let done = loop.position, elapsed = Date().timeIntervalSince(loop.started)
        onEvent(.unit(UnitProgress(
            chapterPosition: unit.chapterPosition + 1, chapterCount: plan.chapters.count, chapterNumber: unit.chapter,
            unitsDone: done, unitsTotal: plan.units.count,
            tokensPerSecond: loop.generationSeconds > 0 ? Double(loop.generatedTokens) / loop.generationSeconds : 0,
            etaSeconds: done > loop.sessionStart ? elapsed / Double(done - loop.sessionStart) * Double(plan.units.count - done) : nil,
            lastLoss: loop.saved.lastLoss, adapterVersion: record.adapterVersion, replayed: done - 1 < loop.recordedAtStart,
            source: unit.source, translation: translation)))
    }

    /// A chunk is finished: cascaded trains on it now, parallel swaps in the adapter trained on the
    /// previous one and trains on this one in the background; the cache is emptied (and a
    /// checkpoint taken) unless --kv-reuse keeps it for a few more updates.
    private func train(_ loop: inout Loop, runtime: AdapterRuntime, chapter: Int, onEvent: (TranslateEvent) -> Void) throws {
        let chunk = loop.saved.chunkStart...(loop.position - 1)
        guard chunk.contains(where: { loop.records[$0].flags == nil }) else {
            onEvent(.warning("units \(chunk.lowerBound)-\(chunk.upperBound) all failed the output guard: no update on them"))
            loop.saved.chunkStart = loop.position
            return
        }
        let (data, next) = try updateData(loop, chunk: chunk)
        trainingHook?(chunk, data.tokens, data.mask)
        onEvent(.note("chunk \(loop.saved.updates + 1) done (units \(chunk.lowerBound)-\(chunk.upperBound), \(data.tokens.count) tokens): \(settings.strategy == .cascaded ? "training" : "swapping adapters, training in the background")"))
        for u in try runtime.chunkFinished(index: loop.saved.updates, units: chunk, data: data) {
            loop.saved.updateLog.append(u)
            loop.saved.lastLoss = u.losses.last
            loop.runInfo.chapterSeconds[String(chapter), default: 0] += u.blockingSeconds
            onEvent(.note(String(format: "update %d on units %d-%d: %d tokens (%d trained), loss %@, %.1f s", u.update + 1, u.firstUnit, u.lastUnit, u.tokens, u.targetTokens, Self.losses(u), u.seconds)))
            if u.rolledBack == true, let h = u.heldOutLoss {
                onEvent(.warning(String(format: "update %d undone: it raised the loss on the held-out pairs from %.3f to %.3f", u.update + 1, h[0], h[1])))
            }
        }
        loop.saved.updates += 1
        loop.saved.chunkStart = next
        if loop.staleUpdates >= settings.kvReuse {
            try cacheEmptied(&loop, runtime: runtime, trained: true)
        } else {
            loop.staleUpdates += 1
        }
        runtime.launchQueued()
    }

    /// The outputs as of the chapter's end, and run.json as if the session ended here: a killed
    /// session keeps its wall time and chapter times up to its last finished chapter.
    private func chapterFinished(_ loop: Loop) throws {
        try writeOutputs(records: loop.records)
        try writeNames(loop.memory)
        var soFar = loop.runInfo
        soFar.sessions.append(loop.session)
        try RunFolder.writeAtomically(try soFar.json(), to: folder.runJSON)
    }

    private func finish(_ loop: inout Loop, runtime: AdapterRuntime, onEvent: (TranslateEvent) -> Void) throws -> Summary {
        for u in try runtime.finish() {
            loop.saved.updateLog.append(u)
            onEvent(.note(String(format: "update %d (last chunk) done: loss %@, %.1f s", u.update + 1, Self.losses(u), u.seconds)))
        }
        try writeOutputs(records: loop.records)
        if settings.strategy != .off {
            try runtime.saveAdapter(to: folder.adapter, baseModelName: (settings.model as NSString).lastPathComponent)
        }
        let session = loop.session
        loop.runInfo.finished = true
        loop.runInfo.sessions.append(session)
        loop.runInfo.updates = loop.saved.updateLog
        try RunFolder.writeAtomically(try loop.runInfo.json(), to: folder.runJSON)
        try writeNames(loop.memory)
        try writeReport(info: loop.runInfo, records: loop.records, memory: loop.memory)
        onEvent(.note("wrote \(folder.path)/translation.txt, bilingual.md, translation.epub, bilingual.epub, segments.jsonl, report.md\(loop.memory.names?.settled().isEmpty == false ? ", names.tsv" : "")\(settings.strategy != .off ? ", adapter/" : "")"))
        return Summary(units: loop.records.count, replayed: loop.replayed, seconds: session.seconds, updates: loop.saved.updateLog)
    }

    /// `--retry-flagged`: translates again the units report.md lists as incomplete or flagged
    /// (Completeness), in book order, each after the pairs before it as they stand (up to L_X
    /// tokens), with the run's final adapter; a new answer is kept when it has fewer problems.
    /// segments.jsonl, the outputs and report.md are then rewritten, each atomically.
    public func retryFlagged(onEvent: (TranslateEvent) -> Void = { _ in }) throws -> (retried: Int, fixed: Int) {
        let info = try RunInfo.read(folder: folder)
        var records = try folder.records()
        guard info.finished, records.count == plan.units.count else {
            throw TranslateError.resume(path: folder.path, reason: "the run is not finished (\(records.count) of \(plan.units.count) units): --retry-flagged works on a finished run")
        }
        let adapter = settings.strategy == .off ? nil : try LoRAAdapter.loadPEFT(from: folder.adapter, model: bundle.model)
        let todo = Completeness.flagged(records)
        let finalVersion = info.updates.reduce(0) { $0 + $1.adapterVersions }
        var fixed = 0, memory = freshMemory(), remembered = 0
        for (k, i) in todo.enumerated() {
            while remembered < i { memory.record(records[remembered]); remembered += 1 }
            var start = i, budget = settings.contextTokens
            while start > 0 {
                let t = tokens(of: BilingualPair(source: records[start - 1].source, target: records[start - 1].translation))
                guard t <= budget else { break }
                budget -= t
                start -= 1
            }
            let context = records[start..<i].map { BilingualPair(source: $0.source, target: $0.translation) }
            var (r, _) = try translated(plan.units[i], position: i, context: context, memory: memory, adapter: adapter,
                                        adapterVersion: finalVersion, lastLoss: records[i].lastLoss)
            let before = Completeness.problems(records[i]), after = Completeness.problems(r)
            if after.count < before.count {
                r.retriedFor = before
                r.rejectedAnswer = records[i].translation
                records[i] = r
                fixed += 1
            }
            onEvent(.note("retried unit \(i) (chapter \(r.chapter), unit \(r.unit); \(before.joined(separator: ", "))), \(k + 1) of \(todo.count): \(after.count < before.count ? (after.isEmpty ? "fixed" : "better: " + after.joined(separator: ", ")) : "kept the old answer")"))
        }
        let lines = try records.map { try $0.jsonLine() + "\n" }.joined()
        try RunFolder.writeAtomically(Data(lines.utf8), to: folder.segments)
        try writeOutputs(records: records)
        while remembered < records.count { memory.record(records[remembered]); remembered += 1 }
        try writeReport(info: info, records: records, memory: memory)
        return (todo.count, fixed)
    }

    private static func losses(_ u: UpdateRecord) -> String {
        u.losses.map { String(format: "%.3f", $0) }.joined(separator: " → ")
    }

    // MARK: pieces of the loop

    /// A unit's answer and what it cost, over every try.
    private struct Answer {
        var output: LineGenerator.Output
        var generated = 0, prefilled = 0
        var prefillSeconds = 0.0
        var rejected: [String] = []
        var withoutContext = false
        /// Generation's token limit: an answer that reached it ran on.
        var maxTokens = Int.max
        var retriedFor: [String]?
        var rejectedAnswer: String?
        var ranOn: Bool { output.generated.count >= maxTokens }

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
    private func translate(_ unit: TranslationUnit, position: Int, prompt: [Int32], context: [BilingualPair], glossary: [GlossaryEntry],
                           checkCopies: Bool, adapter: LoRAAdapter?) throws -> Answer {
        let sourceTokens = generator.tokenCount(unit.source)
        let maxTokens = min(512, 3 * sourceTokens + 24)
        let minTokens = sourceTokens / CopyGuard.sourceTokensPerAnswerToken
        func generate(_ ids: [Int32], ban: TokenRunBan? = nil, minTokens: Int = 0) -> LineGenerator.Output {
            var o = generator.generateLine(prompt: ids, maxTokens: maxTokens, repetitionPenalty: settings.repetitionPenalty,
                                           adapter: adapter, ban: ban, minTokens: minTokens,
                                           answerEnd: template.answerEnd(in:))
            if let hook = answerHook { o.text = hook(position, 0, o.text) }
            return o
        }
        var answer = Answer(generate(prompt))
        answer.maxTokens = maxTokens
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

    /// The output guard: an answer failing a check is translated once more, alone (no context to
    /// copy or drift from) and without the adapter (the suspect when Temp-LoRA learnt a fault);
    /// the answer failing fewer checks is kept, the first on a tie. Headings are checked for
    /// Chinese only and not retried: their "Chapter N:" is given, and a bare 第一回 has no title.
    private func guarded(_ unit: TranslationUnit, position: Int, answer: inout Answer, glossary: [GlossaryEntry],
                         state: OutputGuard) throws -> OutputGuard.Verdict {
        var first = state.check(source: unit.source, translation: answer.output.text, ranOn: answer.ranOn)
        if unit.isHeading {
            first.flags.removeAll { $0 != .chinese }
            return first
        }
        guard !first.isSound else { return first }
        let alone = try generator.encode(template.prompt(context: [], source: unit.source, glossary: glossary), bos: true)
        var retry = retryGenerator.generateLine(prompt: alone.ids, maxTokens: answer.maxTokens, repetitionPenalty: settings.repetitionPenalty,
                                           adapter: nil, minTokens: 0, answerEnd: template.answerEnd(in:))
        if let hook = answerHook { retry.text = hook(position, 1, retry.text) }
        let second = state.check(source: unit.source, translation: retry.text, ranOn: retry.generated.count >= answer.maxTokens)
        answer.retriedFor = first.flags.map(\.rawValue)
        answer.add(retry)
        guard second.flags.count < first.flags.count else { return first }
        answer.rejectedAnswer = answer.output.text
        answer.output = retry
        return second
    }

    /// Token count of a pair, as the budgets count it (both sides, plus the template's few tokens).
    private func tokens(of pair: BilingualPair) -> Int {
        generator.tokenCount(pair.source) + generator.tokenCount(pair.target) + 4
    }

    /// An update's data. With the output guard, the chunk's last sound pairs (up to Δ/8 tokens,
    /// at most 4, never all of them) are held out: the update is undone if it raises their loss,
    /// and the next chunk starts with them, so they are trained on then. Also returns where the
    /// next chunk starts.
    private func updateData(_ loop: Loop, chunk: ClosedRange<Int>) throws -> (data: UpdateData, next: Int) {
        let sound = chunk.filter { loop.records[$0].flags == nil }
        var held: [Int] = [], heldTokens = 0
        if settings.outputGuard == true {
            for i in sound.reversed() {
                guard held.count < 4, held.count + 1 < sound.count,
                      held.isEmpty || heldTokens + loop.pairTokens[i] <= settings.chunkTokens / 8 else { break }
                held.insert(i, at: 0)
                heldTokens += loop.pairTokens[i]
            }
        }
        guard let first = held.first else {
            let seq = try trainingSequence(loop, chunk: chunk)
            return (UpdateData(tokens: seq.ids, mask: seq.mask), chunk.upperBound + 1)
        }
        let seq = try trainingSequence(loop, chunk: chunk.lowerBound...(first - 1))
        let h = try trainingSequence(loop, chunk: first...chunk.upperBound)
        return (UpdateData(tokens: seq.ids, mask: seq.mask, heldOut: (h.ids, h.mask)), first)
    }

    /// The chunk's pairs with up to L_T tokens of the pairs before it as loss-masked context.
    /// Units the output guard flagged are left out, from the chunk and from its context.
    private func trainingSequence(_ loop: Loop, chunk: ClosedRange<Int>) throws -> (ids: [Int32], mask: [Bool]) {
        let sound = { (i: Int) in loop.records[i].flags == nil }
        var first = chunk.lowerBound
        var budget = settings.trainContextTokens
        while first > 0 && loop.pairTokens[first - 1] <= budget {
            budget -= loop.pairTokens[first - 1]
            first -= 1
        }
        let units = chunk.filter(sound)
        // Each unit's glossary note as prompted: the terms it was shown, as the glossary now has them.
        let entries = Dictionary(loop.memory.glossary(user: glossary).entries.map { ($0.source, $0) }, uniquingKeysWith: { a, _ in a })
        let pieces = template.trainingSequence(context: (first..<chunk.lowerBound).filter(sound).map { loop.pairs[$0] },
                                               chunk: units.map { loop.pairs[$0] },
                                               notes: units.map { loop.records[$0].glossary.compactMap { entries[$0] } })
        return try generator.encode(pieces, bos: true)
    }

    private func loadForResume() throws -> (RunInfo, [SegmentRecord], LoopState) {
        let info = try RunInfo.read(folder: folder)
        // Only --chapters (and --glossary) may change, chapters to a range that begins with the
        // run's: the run is then extended, as if it had been started with the longer range.
        // Paths count as the same when they name the same file from here.
        let saved = info.settings.canonicalPaths, now = settings.canonicalPaths
        var sameButChapters = saved
        sameButChapters.chapters = now.chapters
        // A glossary may be given or changed on resume (names.tsv corrected by hand): the units
        // after the checkpoint are prompted with it.
        sameButChapters.glossary = now.glossary
        guard sameButChapters == now else {
            throw TranslateError.resume(path: folder.path, reason: "the settings differ from the run's (see run.json): \(saved.differences(from: now, keys: .convertToSnakeCase).joined(separator: ", "))")
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
            let english = plan.units[i].reference
            guard (records[i].reference ?? false) == (english != nil), english.map({ $0 == records[i].translation }) ?? true else {
                throw TranslateError.resume(path: folder.segments, reason: "line \(i + 1) does not match the English of unit \(i) in \(settings.reference ?? "the reference") (was the reference changed?)")
            }
        }
        let state = try checkpoints.load(LoopState.self) ?? LoopState()
        guard state.nextUnit <= records.count else {
            throw TranslateError.resume(path: folder.path, reason: "the checkpoint is at unit \(state.nextUnit) but segments.jsonl has only \(records.count) records")
        }
        return (info, records, state)
    }

    private func makeRuntime(state: LoopState) throws -> AdapterRuntime {
        switch settings.strategy {
        case .off: return NoAdapter()
        case .cascaded, .parallel:
            let threads = settings.strategy == .parallel ? settings.trainThreads : settings.threads
            let trainer = try checkpoints.trainer(state.trainer, model: bundle.model, lora: settings.lora,
                                                  optimizer: settings.optimizer, threads: threads)
            return TempLoRARuntime(settings: settings, trainer: trainer, interrupt: interruptHook)
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

    /// names.tsv: the names the run settled on so far (not over a user's glossary of that path).
    private func writeNames(_ memory: BookMemory) throws {
        guard let settled = memory.names?.settled(), !settled.isEmpty,
              settings.canonicalPaths.glossary != RunFolder.canonical(folder.names) else { return }
        try NameGlossary.write(settled, to: folder.names)
    }

    private func writeReport(info: RunInfo, records: [SegmentRecord], memory: BookMemory) throws {
        try RunFolder.writeAtomically(Report.markdown(settings: settings, info: info, records: records, plan: plan,
                                                      glossary: tallyGlossary(records, glossary: memory.glossary(user: glossary)))
                                      + Completeness.markdown(plan: plan, records: records, guardOn: settings.outputGuard == true)
                                      + Coverage.markdown(book: book, plan: plan, records: records),
                                      to: folder.report)
    }

    private func tallyGlossary(_ records: [SegmentRecord], glossary: Glossary) -> GlossaryTally {
        var t = GlossaryTally(glossary: glossary)
        // The reference's English says nothing about how the model uses the glossary.
        for r in records where r.reference != true { t.count(source: r.source, translation: r.translation) }
        return t
    }
}
