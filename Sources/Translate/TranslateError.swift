import Foundation

/// Errors of the translate loop, each naming the file or setting at fault and what was expected.
public enum TranslateError: Error, LocalizedError, CustomStringConvertible, Equatable {
    case badInput(file: String, reason: String)
    case badSetting(name: String, reason: String)
    case runFolder(path: String, reason: String)
    case write(path: String, reason: String)
    case resume(path: String, reason: String)

    public var description: String {
        switch self {
        case .badInput(let file, let reason): return "\(file): \(reason)"
        case .badSetting(let name, let reason): return "\(name): \(reason)"
        case .runFolder(let path, let reason): return "run folder \(path): \(reason)"
        case .write(let path, let reason): return "cannot write \(path): \(reason) (the run folder keeps its last consistent state; fix the cause and rerun with --resume)"
        case .resume(let path, let reason): return "cannot resume \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// The Temp-LoRA budgets `translate` and `eval-ppl` share.
func requireTempLoRASettings(chunkTokens: Int, contextTokens: Int, trainContextTokens: Int, threads: Int, rank: Int) throws {
    try requireSetting(chunkTokens >= 16, "--chunk-tokens", "expected at least 16, got \(chunkTokens)")
    try requireSetting(contextTokens >= 0, "--context-tokens", "expected 0 or more, got \(contextTokens)")
    try requireSetting(trainContextTokens >= 0, "--train-context-tokens", "expected 0 or more, got \(trainContextTokens)")
    try requireSetting(threads >= 1, "--threads", "expected at least 1, got \(threads)")
    try requireSetting(rank >= 1, "--rank", "expected at least 1, got \(rank)")
}

/// Throws `badSetting` for the option `name` unless `ok`.
func requireSetting(_ ok: Bool, _ name: String, _ what: String) throws {
    if !ok { throw TranslateError.badSetting(name: name, reason: what) }
}
