import Evaluate

/// How often each term's target appears in the translation of the units whose source holds it.
public struct GlossaryTally: Sendable, Equatable, Codable {
    public struct Term: Sendable, Equatable, Codable {
        public var source: String
        public var target: String
        /// Units whose source contains the term.
        public var units = 0
        /// Of those, units whose translation contains the target (case-insensitive).
        public var hits = 0
    }
    public var terms: [Term]

    public init(glossary: Glossary) {
        terms = glossary.entries.map { Term(source: $0.source, target: $0.target) }
    }

    public mutating func count(source: String, translation: String) {
        let lowered = translation.lowercased()
        for i in terms.indices where source.contains(terms[i].source) {
            terms[i].units += 1
            if lowered.contains(terms[i].target.lowercased()) { terms[i].hits += 1 }
        }
    }
}
