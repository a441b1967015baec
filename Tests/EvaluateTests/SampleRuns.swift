import Foundation

/// Run folders fabricated from the sample book's `story.tsv` (the source of its zh/en layouts), as
/// `yanfu translate` would write them: one JSON record per unit, chapter 0 the title, each
/// chapter's heading its unit 0.
enum SampleRuns {
    struct Row {
        var chapter: Int
        var zh: String
        var en: String
        var isHeading: Bool
    }

    static let sample = FixturePaths.packageRoot.appendingPathComponent("Corpora/sample")

    /// story.tsv rows in order (header skipped).
    static func rows() throws -> [Row] {
        let text = try String(contentsOf: sample.appendingPathComponent("story.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(chapter: Int(f[0])!, zh: f[3], en: f[4], isHeading: f[0] != "0" && f[1] == "0")
        }
    }

    /// A run folder `dir/name` whose units are `rows` grouped `perUnit` sentences at a time (headings
    /// and the title alone), translated by `translate` (default: the reference English itself).
    @discardableResult
    static func write(_ name: String, in dir: URL, rows: [Row], perUnit: Int = 1,
                      translate: (Row) -> String = { $0.en }) throws -> URL {
        let folder = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var units = [(chapter: Int, heading: Bool, rows: [Row])]()
        for row in rows {
            if let last = units.last, last.chapter == row.chapter, !last.heading, !row.isHeading, row.chapter != 0,
               last.rows.count < perUnit {
                units[units.count - 1].rows.append(row)
            } else {
                units.append((row.chapter, row.isHeading, [row]))
            }
        }
        var lines = [String](), unitInChapter = [Int: Int]()
        for (index, u) in units.enumerated() {
            let n = unitInChapter[u.chapter, default: 0]
            unitInChapter[u.chapter] = n + 1
            let record: [String: Any] = [
                "chapter": u.chapter, "unit": n, "index": index, "heading": u.heading, "glossary": [String](),
                "source": u.rows.map(\.zh).joined(), "translation": u.rows.map(translate).joined(separator: " "),
            ]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("segments.jsonl"))
        return folder
    }
}
