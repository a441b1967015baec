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

/// Throws `badSetting` for the option `name` unless `ok`.
func requireSetting(_ ok: Bool, _ name: String, _ what: String) throws {
    if !ok { throw TranslateError.badSetting(name: name, reason: what) }
}
