import Foundation

/// Reads the run folders `yanfu translate` writes: `R/segments.jsonl`, one JSON object per line
/// with at least `chapter` (Int), `unit` (Int), `source` and `translation` (strings), and optionally
/// `heading` (Bool) and `glossary` (strings). A torn last line (a write cut off mid-line, so no final
/// newline) is ignored; any other bad line is an error.
public enum RunFolderReader {
    public struct Segment: Sendable, Equatable {
        public var chapter: Int
        public var unit: Int
        public var source: String
        public var translation: String
        /// The unit is a chapter heading.
        public var heading: Bool
        /// Glossary sources shown in the unit's prompt.
        public var glossary: [String]

        public init(chapter: Int, unit: Int, source: String, translation: String, heading: Bool = false,
                    glossary: [String] = []) {
            self.chapter = chapter; self.unit = unit; self.source = source; self.translation = translation
            self.heading = heading; self.glossary = glossary
        }
    }

    public static let segmentsFile = "segments.jsonl"

    public static func isRunFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public static func read(_ folder: String) throws -> [Segment] {
        let path = (folder as NSString).appendingPathComponent(segmentsFile)
        let bytes = try SegmentFile.readBytes(path)
        try SegmentFile.validateUTF8(bytes, path: path)
        let endsWithNewline = bytes.last == 0x0A
        let lines = try SegmentFile.readLines(path)
        var segments = [Segment]()
        for (i, line) in lines.enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let isTornTail = i == lines.count - 1 && !endsWithNewline
            do {
                segments.append(try parse(line))
            } catch {
                if isTornTail { break }
                throw EvaluateError.badRecord(path: path, line: i + 1, reason: error.reason)
            }
        }
        if segments.isEmpty { throw EvaluateError.emptyInput(path: path) }
        return segments
    }

    public static let runInfoFile = "run.json"

    /// The chapters of `segments` that the run has not finished: when run.json says the run is
    /// not finished (translate still running, or stopped), the chapters its `chapterSeconds` does
    /// not list yet (translate rewrites run.json at the end of every chapter). A folder without
    /// run.json, or with one that does not parse, has its chapters taken as finished; the second
    /// case gets a warning.
    public static func unfinishedChapters(_ folder: String, segments: [Segment]) -> (chapters: [Int], warning: String?) {
        let path = (folder as NSString).appendingPathComponent(runInfoFile)
        guard let data = FileManager.default.contents(atPath: path) else { return ([], nil) }
        guard let info = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let finished = info["finished"] as? Bool else {
            return ([], "\(path): not a JSON object with a boolean \"finished\"; every chapter of the run is taken as finished")
        }
        if finished { return ([], nil) }
        let done = Set(((info["chapterSeconds"] as? [String: Any]) ?? [:]).keys.compactMap { Int($0) })
        var seen = Set<Int>()
        return (segments.map(\.chapter).filter { !done.contains($0) && seen.insert($0).inserted }, nil)
    }

    /// The hypothesis segments (translations in order) with chapters as documents.
    public static func segmentSet(_ folder: String) throws -> SegmentSet {
        let segments = try read(folder)
        return SegmentSet(segments: segments.map(\.translation), documentIDs: segments.map { String($0.chapter) },
                          origin: folder)
    }

    struct RecordError: Error { var reason: String }

    private static func parse(_ line: String) throws(RecordError) -> Segment {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)),
              let record = object as? [String: Any] else {
            throw RecordError(reason: "expected one JSON object on the line")
        }
        func int(_ key: String) throws(RecordError) -> Int {
            guard let n = record[key] as? Int else {
                throw RecordError(reason: "field \"\(key)\" is missing or not an integer")
            }
            return n
        }
        func string(_ key: String) throws(RecordError) -> String {
            guard let s = record[key] as? String else {
                throw RecordError(reason: "field \"\(key)\" is missing or not a string")
            }
            return s
        }
        // Older runs lack the optional fields; present ones must have the right type.
        var heading = false
        if let value = record["heading"] {
            guard let flag = value as? Bool else {
                throw RecordError(reason: "field \"heading\" is not a boolean")
            }
            heading = flag
        }
        var glossary = [String]()
        if let value = record["glossary"] {
            guard let list = value as? [String] else {
                throw RecordError(reason: "field \"glossary\" is not an array of strings")
            }
            glossary = list
        }
        return Segment(chapter: try int("chapter"), unit: try int("unit"), source: try string("source"),
                       translation: try string("translation"), heading: heading, glossary: glossary)
    }
}
