import Base
import Foundation

/// Line-aligned UTF-8 text files, read the way sacreBLEU's CLI reads them: lines split on "\n"
/// only (U+001C–U+001F, U+2028 stay inside a line), a final newline ends the last line rather
/// than starting an empty one, empty lines are empty segments, and the bytes must be valid UTF-8.
public enum SegmentFile {
    public static func readLines(_ path: String) throws -> [String] {
        let bytes = try readBytes(path)
        try validateUTF8(bytes, path: path)
        var lines = [String]()
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            lines.append(String(decoding: bytes[start..<i], as: UTF8.self))
            start = i + 1
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    static func readBytes(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluateError.fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw EvaluateError.unreadable(path: path, reason: "it is a directory, expected a text file") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw EvaluateError.unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// Throws at the first invalid UTF-8 sequence, naming its 1-based line and byte offset.
    static func validateUTF8(_ bytes: [UInt8], path: String) throws {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0x0A { line += 1 }
                offset += encoded.count
            case .emptyInput:
                return
            case .error:
                throw EvaluateError.invalidUTF8(path: path, line: line, byteOffset: offset)
            }
        }
    }

    /// `DurableFile.write`, failing with Evaluate's error.
    public static func writeAtomically(_ text: String, to path: String) throws {
        do { try DurableFile.write(text, to: path) } catch { throw EvaluateError.unwritable(path: path, reason: error.detail) }
    }
}
