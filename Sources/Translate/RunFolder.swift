import Base
import Evaluate
import Foundation

/// The files of a run folder and the careful ways they are written: whole files go to a
/// temporary name, are synced, then renamed over the old one; `segments.jsonl` grows one synced
/// line at a time. A write error becomes `TranslateError.write`, and what was already written
/// stays consistent.
public struct RunFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// A file's path in one absolute, standardized form (a relative path is taken from the current
    /// directory). Runs record these, so that a run started with `../corpora/zh.txt` resumes with
    /// `/work/corpora/zh.txt`, or from another directory.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    public var runJSON: String { path + "/run.json" }
    public var segments: String { path + "/segments.jsonl" }
    public var translation: String { path + "/translation.txt" }
    public var bilingual: String { path + "/bilingual.md" }
    public var translationEPUB: String { path + "/translation.epub" }
    public var bilingualEPUB: String { path + "/bilingual.epub" }
    public var report: String { path + "/report.md" }
    /// The automatic glossary: the names the run settled on (source<TAB>English).
    public var names: String { path + "/names.tsv" }
    public var timings: String { path + "/timings.json" }
    public var adapter: String { path + "/adapter" }
    public var state: String { path + "/state" }

    /// Makes the folder for a new run. An existing non-empty folder is refused unless `force`;
    /// with `force`, only a folder that looks like a run folder (has run.json) is emptied.
    public func prepareFresh(force: Bool) throws {
        try Self.prepareFresh(path, marker: "run.json", force: force)
    }

    /// The same for any kind of run folder, recognised by its `marker` file. A folder holding
    /// nothing but an empty `state/` and `*.tmp` leftovers (a run killed before it wrote its
    /// marker) counts as empty: nothing in it can be lost, and refusing it would leave the user
    /// a folder that no command accepts.
    static func prepareFresh(_ path: String, marker: String, force: Bool) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw TranslateError.runFolder(path: path, reason: "exists and is not a folder") }
            let items = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            let inState = (try? fm.contentsOfDirectory(atPath: path + "/state")) ?? ["not a folder"]
            let abandoned = items.allSatisfy { $0.hasSuffix(".tmp") || ($0 == "state" && inState.allSatisfy { $0.hasSuffix(".tmp") }) }
            if !items.isEmpty && !abandoned {
                guard force else {
                    throw TranslateError.runFolder(path: path, reason: "already exists; add --resume to continue it or --force to start over")
                }
                guard fm.fileExists(atPath: path + "/" + marker) else {
                    throw TranslateError.runFolder(path: path, reason: "is not empty and has no \(marker); refusing to delete it even with --force")
                }
            }
            for item in items { try? fm.removeItem(atPath: path + "/" + item) }
        }
        do { try fm.createDirectory(atPath: path + "/state", withIntermediateDirectories: true) } catch {
            throw TranslateError.write(path: path, reason: error.localizedDescription)
        }
    }

    /// The records of segments.jsonl, in order. A torn last line (the process died while
    /// writing it) is cut off the file first.
    public func records() throws -> [SegmentRecord] {
        try LineAppender.readLines(segments).enumerated().map { i, line in
            do { return try JSONDecoder().decode(SegmentRecord.self, from: Data(line.utf8)) } catch {
                throw TranslateError.resume(path: segments, reason: "line \(i + 1) is not a segment record (\(error))")
            }
        }
    }

    /// `DurableFile.write`, failing with the translate loop's error (which says the run resumes).
    public static func writeAtomically(_ data: Data, to file: String) throws {
        do { try DurableFile.write(data, to: file) } catch { throw TranslateError.write(path: error.path, reason: error.detail) }
    }

    public static func writeAtomically(_ text: String, to file: String) throws {
        try writeAtomically(Data(text.utf8), to: file)
    }

    /// `DurableFile.replace` for the folders a run keeps (trainer states, the adapter).
    static func replaceFolder(_ path: String, with make: (String) throws -> Void) throws {
        do { try DurableFile.replace(path, with: make) } catch { throw TranslateError.write(path: error.path, reason: error.detail) }
    }
}

/// Appends synced lines to a JSONL file.
final class LineAppender {
    let file: String
    private let fd: Int32

    init(file: String) throws {
        self.file = file
        fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw TranslateError.write(path: file, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    func append(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                // Take back a partial line so the file stays a list of whole records.
                if off > 0, let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int {
                    ftruncate(fd, off_t(size - off))
                }
                throw TranslateError.write(path: file, reason: reason)
            }
            off += n
        }
        guard fsync(fd) == 0 else { throw TranslateError.write(path: file, reason: String(cString: strerror(errno))) }
    }

    /// The complete lines of `file`; a torn last line (no newline: the process died while
    /// writing it) is cut off the file.
    static func readLines(_ file: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else { return [] }
        var bytes = [UInt8](data)
        if let last = bytes.lastIndex(of: UInt8(ascii: "\n")) {
            if last + 1 < bytes.count {
                bytes.removeSubrange((last + 1)...)
                guard truncate(file, off_t(bytes.count)) == 0 else {
                    throw TranslateError.write(path: file, reason: String(cString: strerror(errno)))
                }
            }
        } else {
            bytes = []
            if !data.isEmpty { _ = truncate(file, 0) }
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
