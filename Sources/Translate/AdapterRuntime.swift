import Evaluate
import LLM

/// What the translate loop needs from Temp-LoRA: the adapter currently used for generation, and
/// training on finished chunks. `off` has no adapter.
/// What one update trains on: a token sequence whose mask marks the targets, and with the output
/// guard a held-out sequence whose loss must not rise.
struct UpdateData {
    var tokens: [Int32]
    var mask: [Bool]
    var heldOut: (tokens: [Int32], mask: [Bool])?
}

protocol AdapterRuntime: AnyObject {
    /// The adapter generation runs with (nil: the base model).
    var generationAdapter: LoRAAdapter? { get }
    /// Version of the adapter used for generation.
    var generationVersion: Int { get }
    /// A chunk is finished: cascaded trains on it now; parallel waits for the previous chunk's
    /// training, swaps that adapter in and starts training on this one. Returns finished updates.
    func chunkFinished(index: Int, units: ClosedRange<Int>, data: UpdateData) throws -> [UpdateRecord]
    /// Parallel, on resume: starts again the background training that was running at the checkpoint.
    func startPending(index: Int, units: ClosedRange<Int>, data: UpdateData) throws
    /// Parallel: starts the training queued by `chunkFinished` (called once the checkpoint
    /// has saved the trainer as it was before that training).
    func launchQueued()
    /// Waits for any training still running (end of the book).
    func finish() throws -> [UpdateRecord]
    /// Saves the trainer (adapter + optimizer) to `directory`.
    func saveState(to directory: String) throws
    /// Saves the final adapter in PEFT layout.
    func saveAdapter(to directory: String, baseModelName: String) throws
    /// Parallel: the chunk being trained in the background, if any.
    var pending: ClosedRange<Int>? { get }
}

/// No adapter: the base model with its bilingual context.
final class NoAdapter: AdapterRuntime {
    var generationAdapter: LoRAAdapter? { nil }
    var generationVersion: Int { 0 }
    func chunkFinished(index: Int, units: ClosedRange<Int>, data: UpdateData) throws -> [UpdateRecord] { [] }
    func startPending(index: Int, units: ClosedRange<Int>, data: UpdateData) throws {}
    func launchQueued() {}
    func finish() throws -> [UpdateRecord] { [] }
    func saveState(to directory: String) throws {}
    func saveAdapter(to directory: String, baseModelName: String) throws {}
    var pending: ClosedRange<Int>? { nil }
}
