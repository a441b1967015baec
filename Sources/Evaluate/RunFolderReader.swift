import Foundation

/// Reads the run folders `yanfu translate` writes, through the types translate writes them with:
/// `R/segments.jsonl` (one `SegmentRecord` a line) and `R/run.json` (`RunInfo`). A torn last line
/// (a write cut off mid-line, so no final newline) is ignored; any other bad line is an error.
public enum RunFolderReader {
    public static let segmentsFile = "segments.jsonl"

    public static func isRunFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public static func read(_ folder: String) throws -> [SegmentRecord] {
        let path = (folder as NSString).appendingPathComponent(segmentsFile)
        let bytes = try SegmentFile.readBytes(path)
        try SegmentFile.validateUTF8(bytes, path: path)
        let endsWithNewline = bytes.last == 0x0A
        let lines = try SegmentFile.readLines(path)
        var segments = [SegmentRecord]()
        for (i, line) in lines.enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            do {
                segments.append(try SegmentRecord.parse(line))
            } catch {
                if i == lines.count - 1 && !endsWithNewline { break }
                throw EvaluateError.badRecord(path: path, line: i + 1, reason: error.reason)
            }
        }
        if segments.isEmpty { throw EvaluateError.emptyInput(path: path) }
        return segments
    }

    /// The chapters of `segments` that the run has not finished: when run.json says the run is
    /// not finished (translate still running, or stopped), the chapters its `chapterSeconds` does
    /// not list yet (translate rewrites run.json at the end of every chapter). A folder without
    /// run.json, or with one that does not parse, has its chapters taken as finished; the second
    /// case gets a warning.
    public static func unfinishedChapters(_ folder: String, segments: [SegmentRecord]) -> (chapters: [Int], warning: String?) {
        let path = (folder as NSString).appendingPathComponent(RunInfo.fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return ([], nil) }
        let info: RunInfo
        do { info = try RunInfo.decode(data) } catch {
            return ([], "\(path): \(error.reason); every chapter of the run is taken as finished")
        }
        if info.finished { return ([], nil) }
        let done = Set(info.chapterSeconds.keys.compactMap { Int($0) })
        var seen = Set<Int>()
        return (segments.map(\.chapter).filter { !done.contains($0) && seen.insert($0).inserted }, nil)
    }

    /// The hypothesis segments (translations in order) with chapters as documents.
    public static func segmentSet(_ folder: String) throws -> SegmentSet {
        let segments = try read(folder)
        return SegmentSet(segments: segments.map(\.translation), documentIDs: segments.map { String($0.chapter) },
                          origin: folder)
    }
}
