import Foundation

/// Writes a comparison's Markdown report and its SVG charts (`<stem>-<metric>.svg` beside it),
/// each through a temporary file and a rename.
public enum ReportWriter {
    @discardableResult
    public static func write(_ result: Comparison.Result, to path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let stem = url.deletingPathExtension().lastPathComponent
        var charts = [String: String]()
        var written = [String]()
        for (metric, svg) in result.charts() {
            let file = "\(stem)-\(slug(metric)).svg"
            try SegmentFile.writeAtomically(svg, to: dir.appendingPathComponent(file).path)
            charts[metric] = file
            written.append(dir.appendingPathComponent(file).path)
        }
        if let svg = result.chapterChart() {
            let file = "\(stem)-\(Comparison.Result.chapterChartKey).svg"
            try SegmentFile.writeAtomically(svg, to: dir.appendingPathComponent(file).path)
            charts[Comparison.Result.chapterChartKey] = file
            written.append(dir.appendingPathComponent(file).path)
        }
        try SegmentFile.writeAtomically(result.markdown(charts: charts), to: path)
        return [path] + written
    }

    static func slug(_ metric: String) -> String {
        metric.lowercased().replacingOccurrences(of: "+", with: "p")
    }
}
