import Foundation
import Text

/// The segments of one side (a system's output or a reference) with optional documents.
public struct SegmentSet: Sendable, Equatable {
    public var segments: [String]
    /// One document id per segment (chapters), when the input has documents.
    public var documentIDs: [String]?
    /// Where the segments came from (a path), for error messages.
    public var origin: String

    public init(segments: [String], documentIDs: [String]? = nil, origin: String) {
        self.segments = segments
        self.documentIDs = documentIDs
        self.origin = origin
    }

    /// Reads a run folder (a directory with segments.jsonl), a GuoFeng file (`<BOOK>`/`<CHAPTER>`
    /// marker lines; chapters become documents, markers are dropped) or a plain line-aligned file.
    public static func read(_ path: String) throws -> SegmentSet {
        if RunFolderReader.isRunFolder(path) { return try RunFolderReader.segmentSet(path) }
        let lines = try SegmentFile.readLines(path)
        if isGuoFeng(lines) { return try readGuoFeng(path) }
        return SegmentSet(segments: lines, origin: path)
    }

    static func isGuoFeng(_ lines: [String]) -> Bool {
        guard let first = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }) else { return false }
        let t = first.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("<BOOK") || t.hasPrefix("<CHAPTER")
    }

    /// GuoFeng parsing belongs to Text; one side is read as a pair of itself.
    static func readGuoFeng(_ path: String) throws -> SegmentSet {
        let corpus = try GuoFengCorpus.read(source: path, target: path, alignment: .sentences)
        var segments = [String](), ids = [String]()
        for doc in corpus.documents {
            segments += doc.target
            ids += Array(repeating: "\(doc.book)/\(doc.id)", count: doc.target.count)
        }
        return SegmentSet(segments: segments, documentIDs: ids, origin: path)
    }

    /// Reads a document-id file: one id per line, line i naming the document of segment i.
    public func withDocumentIDs(fromFile path: String) throws -> SegmentSet {
        let ids = try SegmentFile.readLines(path)
        guard ids.count == segments.count else {
            throw EvaluateError.segmentCountMismatch(hypotheses: segments.count, hypothesisSource: origin,
                                                     references: ids.count, referenceSource: path)
        }
        var copy = self
        copy.documentIDs = ids
        return copy
    }

    /// Documents in order of first appearance, each its segments joined by one space (d-BLEU).
    public func documents() throws -> [(id: String, text: String)] {
        guard let ids = documentIDs else {
            throw EvaluateError.invalidArgument("\(origin): no documents: document-level scores need chapters "
                + "(a GuoFeng file, a run folder) or a document-id file (--doc-ids)")
        }
        var order = [String](), members = [String: [String]]()
        for (id, segment) in zip(ids, segments) {
            if members[id] == nil { order.append(id) }
            members[id, default: []].append(segment)
        }
        return order.map { ($0, members[$0]!.joined(separator: " ")) }
    }
}
