import Foundation

/// What a book read from an EPUB keeps besides its chapters: where every paragraph came from,
/// the pictures and their places, the blocks kept aside (never translated, never lost), and the
/// files an output EPUB carries over.
public struct EPUBSource: Sendable {
    /// A block of a content document: its entry path and 1-based position among its blocks.
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var position: Int
        public var description: String { "\(path) block \(position)" }
        public init(path: String, position: Int) { self.path = path; self.position = position }
    }

    /// A picture inside a chapter, placed after `afterParagraph` of its paragraphs.
    public struct Figure: Sendable, Equatable {
        public var path: String
        public var alt: String
        public var afterParagraph: Int
        public var location: Location
        public init(path: String, alt: String, afterParagraph: Int, location: Location) {
            self.path = path; self.alt = alt; self.afterParagraph = afterParagraph; self.location = location
        }
    }

    /// A block that is not translated, and why.
    public struct KeptAside: Sendable, Equatable {
        public var location: Location
        public var reason: String
        public var text: String
    }

    /// A file carried over into the output EPUBs (images, styles, fonts).
    public struct Resource: Sendable, Equatable {
        public var path: String
        public var mediaType: String
        public var data: Data
        public var isCover: Bool
    }

    public var metadata: EPUBPackage.Metadata
    public var version: String
    /// "navigation document", "NCX", "XHTML headings" or "heading detection".
    public var chapterTitlesFrom: String
    /// Chapter index (0 = preface) → the location of each paragraph.
    public var paragraphs: [Int: [Location]]
    /// Chapter index → the blocks that make its heading.
    public var headings: [Int: [Location]]
    /// Chapter index → its pictures.
    public var figures: [Int: [Figure]]
    public var keptAside: [KeptAside]
    public var resources: [Resource]
    /// Every block of every content document, for the check that nothing was left out.
    public var blockCount: Int
}
