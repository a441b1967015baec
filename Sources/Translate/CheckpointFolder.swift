import Base
import Evaluate
import Foundation
import LLM

/// A run's `state/` folder, kept by `translate` and `eval-ppl` alike: `checkpoint.json` (the loop's
/// own Codable state, where a resume starts) and the trainer (adapter + AdamW) at that point as
/// `trainer-<n>/`. The trainer is saved before the checkpoint that names it, and states no
/// checkpoint names any more are removed after, so a crash at any moment leaves a consistent pair.
struct CheckpointFolder {
    let path: String

    var file: String { path + "/checkpoint.json" }

    /// Saves the trainer (when `saveTrainer` is given: it writes the trainer to the folder it is
    /// passed) as `trainerName`, then `state`, which must name it.
    func save<State: Encodable>(_ state: State, trainerName: String?, saveTrainer: ((String) throws -> Void)? = nil) throws {
        if let saveTrainer, let trainerName {
            try RunFolder.replaceFolder(path + "/" + trainerName, with: saveTrainer)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try RunFolder.writeAtomically(try encoder.encode(state), to: file)
        for item in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        where item.hasPrefix("trainer-") && item != trainerName {
            try? FileManager.default.removeItem(atPath: path + "/" + item)
        }
    }

    /// The last checkpoint; nil when there is none (nothing to resume from but the start).
    func load<State: Decodable>(_ type: State.Type) throws -> State? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw TranslateError.resume(path: file, reason: "unreadable checkpoint (\(error))")
        }
    }

    /// The trainer a checkpoint names, or a fresh one (a no-op adapter) when it names none.
    func trainer(_ name: String?, model: LanguageModel, lora: LoRASettings, optimizer: OptimizerSettings,
                 threads: Int) throws -> LoRATrainer {
        guard let name else { return try Self.freshTrainer(lora: lora, optimizer: optimizer, model: model, threads: threads) }
        do { return try LoRATrainer.loadState(from: path + "/" + name, model: model) } catch {
            throw TranslateError.resume(path: path + "/" + name, reason: "cannot load the trainer state (\(error))")
        }
    }

    /// A fresh adapter (a no-op until trained) with its optimizer.
    static func freshTrainer(lora: LoRASettings, optimizer o: OptimizerSettings, model: LanguageModel,
                             threads: Int) throws -> LoRATrainer {
        let config = LoRAConfig(rank: lora.rank, alpha: lora.alpha, dropout: lora.dropout, seed: lora.seed)
        let opt = AdamWConfig(learningRate: o.learningRate, eps: o.eps, weightDecay: o.weightDecay,
                              warmupSteps: o.warmupSteps, maxGradNorm: o.maxGradNorm)
        return try LoRATrainer(model: model, adapter: try LoRAAdapter(model: model, config: config),
                               optimizer: opt, threads: threads)
    }
}
