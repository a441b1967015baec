import Foundation

/// A file or folder that could not be written. `replaced` lists the files of the same write that
/// were already replaced (empty: nothing was).
public struct FileWriteError: Error, CustomStringConvertible, LocalizedError {
    public var path: String
    public var reason: String
    public var replaced: [String] = []
    public init(path: String, reason: String, replaced: [String] = []) {
        self.path = path; self.reason = reason; self.replaced = replaced
    }
    /// The reason and what became of the other files.
    public var detail: String {
        reason + (replaced.isEmpty ? "; nothing was replaced" : "; already replaced: \(replaced.joined(separator: ", "))")
    }
    public var description: String { "cannot write \(path): \(detail)" }
    public var errorDescription: String? { description }
}

/// The one way Yanfu replaces files and folders: write a temporary `<path>.tmp` next to each,
/// flush it to the disk, rename it over the old one and flush the folder, so a crash or a full
/// disk leaves either the old contents or the new, never a mix.
public enum DurableFile {
    public static func write(_ data: Data, to path: String) throws(FileWriteError) {
        try write([(path, data)])
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        try write([(path, Data(bytes))])
    }

    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write([(path, Data(text.utf8))])
    }

    /// Writes the file at `path` from the parts `produce` hands to `emit` in order, so a large
    /// file (an adapter, optimizer moments) is never whole in memory; durable like `write`.
    public static func write(to path: String,
                             _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws(FileWriteError) {
        defer { unlink(temporary(path)) }   // gone after the rename; left over only on failure
        try writeSynced(to: temporary(path), naming: path, produce)
        try commit([path])
    }

    /// Writes every file to its temporary first and renames them only when all are on the disk,
    /// so a failed write replaces none of them.
    public static func write(_ files: [(path: String, data: Data)]) throws(FileWriteError) {
        var written: [String] = []
        defer { for p in written { unlink(temporary(p)) } }
        for (path, data) in files {
            written.append(path)
            try writeSynced(data, to: temporary(path), naming: path)
        }
        try commit(written)
        written.removeAll()
    }

    /// Replaces the folder (or file) at `path` with what `make` writes at the temporary path it
    /// is given; `make` must sync what it writes (LoRATrainer and the adapter writers do).
    public static func replace(_ path: String, with make: (String) throws -> Void) throws(FileWriteError) {
        let tmp = temporary(path)
        try? FileManager.default.removeItem(atPath: tmp)
        do { try make(tmp) } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error as? FileWriteError ?? FileWriteError(path: path, reason: "\(error)")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            // rename(2) puts a folder in place of another only when that one is empty.
            try? FileManager.default.removeItem(atPath: path)
        }
        do { try commit([path]) } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
    }

    /// Flushes the folder holding `path`, so a rename into it survives a power cut.
    public static func syncFolder(of path: String) {
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    private static func syncDirectory(_ dir: String) {
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    public static func temporary(_ path: String) -> String { path + ".tmp" }

    private static func writeSynced(_ data: Data, to tmp: String, naming path: String) throws(FileWriteError) {
        try writeSynced(to: tmp, naming: path) { emit in try data.withUnsafeBytes { try emit($0) } }
    }

    /// Writes what `produce` emits to `tmp` and flushes it to the disk; errors name `path`.
    private static func writeSynced(to tmp: String, naming path: String,
                                    _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws(FileWriteError) {
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, reason: errnoText()) }
        defer { close(fd) }
        do {
            try produce { raw in
                var off = 0
                while off < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 { if errno == EINTR { continue }; throw FileWriteError(path: path, reason: errnoText()) }
                    off += n
                }
            }
        } catch {
            throw error as? FileWriteError ?? FileWriteError(path: path, reason: "\(error)")
        }
        if fsync(fd) != 0 { throw FileWriteError(path: path, reason: errnoText()) }
    }

    private static func commit(_ paths: [String]) throws(FileWriteError) {
        for (k, path) in paths.enumerated() where rename(temporary(path), path) != 0 {
            throw FileWriteError(path: path, reason: errnoText(), replaced: Array(paths[..<k]))
        }
        for folder in Set(paths.map { ($0 as NSString).deletingLastPathComponent }) { syncDirectory(folder) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
