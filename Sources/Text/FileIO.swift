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

    /// Writes every file to a temporary name next to it first, then renames them all, so a failure
    /// leaves the previous files untouched.
    static func writeAtomically(_ files: [(path: String, contents: String)]) throws {
        var temporaries: [(temp: String, final: String)] = []
        defer { for t in temporaries { try? FileManager.default.removeItem(atPath: t.temp) } }
        for file in files {
            let url = URL(fileURLWithPath: file.path)
            let temp = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)").path
            do { try Data(file.contents.utf8).write(to: URL(fileURLWithPath: temp)) } catch {
                throw TextError.unwritable(file: file.path, reason: "\(error.localizedDescription); nothing was replaced")
            }
            temporaries.append((temp, file.path))
        }
        for (k, t) in temporaries.enumerated() {
            if rename(t.temp, t.final) != 0 {
                let done = temporaries[..<k].map(\.final)
                throw TextError.unwritable(file: t.final, reason: String(cString: strerror(errno)) +
                                           (done.isEmpty ? "; nothing was replaced" : "; already replaced: \(done.joined(separator: ", "))"))
            }
        }
        temporaries.removeAll()
    }
}
