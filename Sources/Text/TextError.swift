import Foundation

/// Every failure of the Text module. Each message names the file, the place (byte offset, line or
/// field) and what was expected, so a user can fix the input without reading the source.
public enum TextError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The file could not be opened or read at all.
    case unreadable(file: String, reason: String)
    /// The file has no bytes, or nothing but a byte-order mark and whitespace.
    case empty(file: String)
    /// The bytes are not text (NUL bytes or many control characters).
    case binary(file: String, offset: Int, reason: String)
    /// A byte sequence is not valid in the encoding (strict decoding).
    case invalidBytes(file: String, encoding: String, offset: Int, line: Int)
    /// `--encoding` named an encoding ICU does not know.
    case unknownEncoding(name: String)
    /// A structured file (GuoFeng, TSV, …) does not follow its format.
    case malformed(file: String, line: Int, expected: String, found: String)
    /// Two files that must line up do not.
    case misaligned(first: String, second: String, line: Int, detail: String)
    /// Writing an output file failed (the reason says which files, if any, were replaced).
    case unwritable(file: String, reason: String)
    /// An ICU call failed (the shim's message is kept verbatim).
    case icu(operation: String, message: String)
    /// An EPUB that cannot be read: the archive itself (`entry` nil) or one entry inside it.
    case badEPUB(file: String, entry: String?, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file (\(reason))"
        case let .empty(file):
            return "\(file): the file is empty; expected text"
        case let .binary(file, offset, reason):
            return "\(file): byte offset \(offset): this is not a text file (\(reason)); expected text in UTF-8, UTF-16, GB18030 or Big5"
        case let .invalidBytes(file, encoding, offset, line):
            return "\(file): byte offset \(offset) (line \(line)): invalid \(encoding) byte sequence; fix the file, pass its encoding (--encoding; for the English file of eval-ppl, align or translate --reference, --reference-encoding or --target-encoding), or use --lossy to replace bad bytes with U+FFFD"
        case let .unknownEncoding(name):
            return "unknown encoding '\(name)'; expected a name such as UTF-8, UTF-16LE, UTF-16BE, GB18030, GBK, GB2312 or Big5"
        case let .malformed(file, line, expected, found):
            return "\(file): line \(line): expected \(expected), found \(found)"
        case let .misaligned(first, second, line, detail):
            return "\(first) and \(second) disagree at line \(line): \(detail)"
        case let .unwritable(file, reason):
            return "\(file): cannot write (\(reason))"
        case let .icu(operation, message):
            return "ICU \(operation) failed: \(message)"
        case let .badEPUB(file, entry, problem):
            return "\(file): " + (entry.map { "entry \($0): " } ?? "") + problem
        }
    }

    public var errorDescription: String? { description }
}
