/// Markdown building blocks for evaluation reports.
public enum MarkdownReport {
    /// A pipe table; cells are escaped so `|` inside a system name cannot break the layout.
    /// `rightAligned` columns (numbers) get `---:`.
    public static func table(headers: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var out = "| " + headers.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { rightAligned.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return out
    }

    public static func heading(_ text: String, level: Int = 2) -> String {
        String(repeating: "#", count: level) + " " + text + "\n"
    }

    public static func codeBlock(_ text: String) -> String { "```\n" + text + "\n```\n" }

    public static func image(alt: String, path: String) -> String { "![\(escape(alt))](\(path))\n" }

    static func escape(_ cell: String) -> String {
        cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
