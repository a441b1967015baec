import Base
import Foundation

/// Reading bytes and writing files without ever leaving a half-written file behind.
enum FileIO {
    static func readBytes(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw TextError.unreadable(file: path, reason: "it is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw TextError.unreadable(file: path, reason: exists ? "permission denied" : "no such file")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.readToEnd() ?? Data()
            return [UInt8](data)
        } catch {
            throw TextError.unreadable(file: path, reason: error.localizedDescription)
        }
    }

    /// `DurableFile.write` of several files (all or none replaced), failing with Text's error.
    static func writeAtomically(_ files: [(path: String, contents: String)]) throws {
        do { try DurableFile.write(files.map { ($0.path, Data($0.contents.utf8)) }) } catch {
            throw TextError.unwritable(file: error.path, reason: error.detail)
        }
    }
}
