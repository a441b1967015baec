import Foundation

/// Pairs a system's segments with the reference streams, at segment or document level.
public enum ScoringInput {
    /// Segment level: every side must have the same number of segments.
    /// Document level (d-BLEU): each document (chapter) becomes one segment, its segments joined
    /// by a space; a side without documents borrows them from a side with the same segment count.
    public static func align(hypotheses: SegmentSet, references: [SegmentSet], documentLevel: Bool) throws
        -> (hypotheses: [String], references: [[String]]) {
        guard !references.isEmpty else { throw EvaluateError.noReferences }
        if !documentLevel {
            for r in references where r.segments.count != hypotheses.segments.count {
                throw EvaluateError.segmentCountMismatch(
                    hypotheses: hypotheses.segments.count, hypothesisSource: hypotheses.origin,
                    references: r.segments.count, referenceSource: r.origin)
            }
            return (hypotheses.segments, references.map(\.segments))
        }
        let donor = ([hypotheses] + references).first { $0.documentIDs != nil }
        func documents(_ side: SegmentSet) throws -> [String] {
            var side = side
            if side.documentIDs == nil, let donor {
                guard donor.segments.count == side.segments.count else {
                    throw EvaluateError.invalidArgument(
                        "\(side.origin) has no chapters and \(side.segments.count) segments, but the chapters of "
                        + "\(donor.origin) cover \(donor.segments.count) segments, so they cannot be applied; "
                        + "give a document-id file (--doc-ids) or a GuoFeng file with the same chapters")
                }
                side.documentIDs = donor.documentIDs
            }
            return try side.documents().map(\.text)
        }
        let hypDocs = try documents(hypotheses)
        var refDocs = [[String]]()
        for r in references {
            let docs = try documents(r)
            guard docs.count == hypDocs.count else {
                throw EvaluateError.invalidArgument(
                    "document count mismatch: \(hypotheses.origin) has \(hypDocs.count) documents (chapters) "
                    + "but \(r.origin) has \(docs.count)")
            }
            refDocs.append(docs)
        }
        return (hypDocs, refDocs)
    }
}

/// The metrics the command line can name, with the BLEU options applied.
public enum MetricName: String, CaseIterable, Sendable {
    case bleu, chrf, chrfpp = "chrf++", ter

    /// Parses a comma-separated list such as `bleu,chrf,chrf++,ter`.
    public static func parseList(_ text: String) throws -> [MetricName] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !names.isEmpty else { throw EvaluateError.invalidArgument("--metrics: expected a list such as bleu,chrf") }
        return try names.map { name in
            guard let m = MetricName(rawValue: name) else {
                throw EvaluateError.invalidArgument(
                    "--metrics: unknown metric '\(name)'; expected \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return m
        }
    }

    public func metric(bleu: BLEU, lowercase: Bool) -> any CorpusMetric {
        switch self {
        case .bleu: return bleu
        case .chrf: return CHRF(lowercase: lowercase)
        case .chrfpp: return CHRF(wordOrder: 2, lowercase: lowercase)
        case .ter: return TER()
        }
    }
}
