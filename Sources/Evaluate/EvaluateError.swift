/// Errors from reading inputs and scoring, each naming the file, the place and what was expected.
public enum EvaluateError: Error, CustomStringConvertible, Equatable {
    case noReferences
    case segmentCountMismatch(hypotheses: Int, hypothesisSource: String, references: Int, referenceSource: String)
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    case badRecord(path: String, line: Int, reason: String)
    case emptyInput(path: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .noReferences:
            return "no references given: at least one reference stream is needed"
        case let .segmentCountMismatch(h, hs, r, rs):
            return "segment count mismatch: \(hs) has \(h) segment\(h == 1 ? "" : "s") but \(rs) has \(r); "
                + "inputs must be line-aligned (one segment per line)"
        case .fileNotFound(let path):
            return "\(path): no such file"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .unwritable(path, reason):
            return "\(path): cannot write (\(reason)); an existing file is left as it was"
        case let .invalidUTF8(path, line, offset):
            return "\(path):\(line): invalid UTF-8 at byte offset \(offset); expected UTF-8 text"
        case let .badRecord(path, line, reason):
            return "\(path):\(line): \(reason)"
        case .emptyInput(let path):
            return "\(path): no segments"
        case .invalidArgument(let message):
            return message
        }
    }
}
