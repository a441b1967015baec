/// Document-level BLEU (d-BLEU, as in G-Transformer's `generate.py`): each document (a chapter)
/// is one segment, its sentences joined by a space, then corpus BLEU. N-grams may cross sentence
/// boundaries, and sentences need not be aligned inside a document.
public func documentBLEU(hypotheses: SegmentSet, references: [SegmentSet], bleu: BLEU = BLEU()) throws -> Score {
    let docs = try ScoringInput.align(hypotheses: hypotheses, references: references, documentLevel: true)
    return try bleu.corpusScore(hyps: docs.hypotheses, refs: docs.references)
}

/// d-BLEU over line-aligned segments with one document id per segment.
public func documentBLEU(hyps: [String], refs: [[String]], documentIDs: [String],
                         bleu: BLEU = BLEU()) throws -> Score {
    try documentBLEU(hypotheses: SegmentSet(segments: hyps, documentIDs: documentIDs, origin: "hypotheses"),
                     references: refs.enumerated().map {
                         SegmentSet(segments: $1, documentIDs: documentIDs, origin: "reference stream \($0 + 1)")
                     }, bleu: bleu)
}

/// One score per document (chapter), in document order: the series behind "BLEU by chapter"
/// charts. Each document's sentences are joined as in d-BLEU.
public func perDocumentScores(_ metric: any CorpusMetric, hypotheses: SegmentSet, references: [SegmentSet]) throws
    -> [(document: String, score: Score)] {
    let docs = try ScoringInput.align(hypotheses: hypotheses, references: references, documentLevel: true)
    let named = hypotheses.documentIDs != nil ? hypotheses : (references.first { $0.documentIDs != nil } ?? hypotheses)
    let ids = try named.documents().map(\.id)
    let scores = try metric.sentenceScores(hyps: docs.hypotheses, refs: docs.references)
    return zip(ids, scores).map { ($0, $1) }
}
