import Foundation

/// Small self-contained SVG charts (no scripts, no external fonts or services) that browsers and
/// rsvg render: bar charts of scores with confidence intervals, and line charts of per-chapter
/// series (PPL or BLEU by chapter, with and without the adapter).
public enum SVGChart {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        /// Interval drawn as an error bar (e.g. the bootstrap 95% interval).
        public var lower: Double?
        public var upper: Double?
        public init(label: String, value: Double, lower: Double? = nil, upper: Double? = nil) {
            self.label = label; self.value = value; self.lower = lower; self.upper = upper
        }
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name; self.points = points
        }
    }

    static let palette = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"]
    static let margin = (left: 70.0, right: 20.0, top: 50.0, bottom: 70.0)

    /// Vertical bars with optional error bars; the legend maps colours to bar labels.
    public static func barChart(title: String, yLabel: String, bars: [Bar], width: Double = 640, height: Double = 400) -> String {
        let highs = bars.map { max($0.value, $0.upper ?? $0.value) }
        let lows = bars.map { min($0.value, $0.lower ?? $0.value) }
        let axis = NiceAxis(min: min(0, lows.min() ?? 0), max: highs.max() ?? 1)
        var svg = Canvas(width: width, height: height, title: title)
        let plot = svg.plotArea(margin)
        svg.yAxis(axis, plot, label: yLabel)
        let slot = plot.width / Double(max(bars.count, 1))
        let barWidth = slot * 0.6
        for (i, bar) in bars.enumerated() {
            let x = plot.minX + slot * (Double(i) + 0.5)
            let y0 = plot.y(axis, 0), y1 = plot.y(axis, bar.value)
            svg.rect(x: x - barWidth / 2, y: min(y0, y1), width: barWidth, height: abs(y0 - y1),
                     fill: palette[i % palette.count], tooltip: "\(bar.label): \(fixed(bar.value, 2))")
            if let lo = bar.lower, let hi = bar.upper {
                let ylo = plot.y(axis, lo), yhi = plot.y(axis, hi)
                svg.line(x - barWidth / 6, yhi, x + barWidth / 6, yhi, stroke: "#222", width: 1.5)
                svg.line(x, yhi, x, ylo, stroke: "#222", width: 1.5)
                svg.line(x - barWidth / 6, ylo, x + barWidth / 6, ylo, stroke: "#222", width: 1.5)
            }
            svg.text(fixed(bar.value, 2), x: x + barWidth / 2 - 2, y: min(y0, y1) - 4, anchor: "end", size: 11)
            svg.text(bar.label, x: x, y: plot.maxY + 18, anchor: "middle", size: 12)
        }
        svg.legend(bars.enumerated().map { ($0.element.label, palette[$0.offset % palette.count], false) }, plot)
        return svg.finish()
    }

    /// One polyline (with point markers) per series over a shared x axis.
    public static func lineChart(title: String, xLabel: String, yLabel: String, series: [Series],
                                 width: Double = 640, height: Double = 400) -> String {
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let xAxis = NiceAxis(min: xs.min() ?? 0, max: xs.max() ?? 1)
        let yAxis = NiceAxis(min: ys.min() ?? 0, max: ys.max() ?? 1)
        var svg = Canvas(width: width, height: height, title: title)
        let plot = svg.plotArea(margin)
        svg.yAxis(yAxis, plot, label: yLabel)
        svg.xAxis(xAxis, plot, label: xLabel)
        for (k, s) in series.enumerated() {
            let color = palette[k % palette.count]
            let pts = s.points.map { (plot.x(xAxis, $0.x), plot.y(yAxis, $0.y)) }
            svg.polyline(pts, stroke: color)
            for (p, raw) in zip(pts, s.points) {
                svg.circle(p.0, p.1, r: 3, fill: color, tooltip: "\(s.name): x = \(trim(raw.x)), y = \(fixed(raw.y, 2))")
            }
        }
        svg.legend(series.enumerated().map { ($0.element.name, palette[$0.offset % palette.count], true) }, plot)
        return svg.finish()
    }

    static func trim(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : fixed(v, 2) }
}

/// Axis bounds and ticks at 1, 2 or 5 × 10^k.
struct NiceAxis {
    var lower: Double
    var upper: Double
    var step: Double

    init(min lo: Double, max hi: Double, ticks: Int = 5) {
        var lo = lo, hi = hi
        if hi - lo < 1e-12 { lo -= 1; hi += 1 }
        let raw = (hi - lo) / Double(ticks)
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        self.step = step
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
    }

    var ticks: [Double] {
        var out = [Double](), v = lower
        while v <= upper + step * 1e-9 { out.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        return out
    }

    func label(_ v: Double) -> String {
        step >= 1 ? String(format: "%.0f", v) : String(format: "%.\(Int(-log10(step).rounded(.up)))f", v)
    }
}

struct PlotArea {
    var minX, maxX, minY, maxY: Double
    var width: Double { maxX - minX }
    func x(_ a: NiceAxis, _ v: Double) -> Double { minX + (v - a.lower) / (a.upper - a.lower) * (maxX - minX) }
    func y(_ a: NiceAxis, _ v: Double) -> Double { maxY - (v - a.lower) / (a.upper - a.lower) * (maxY - minY) }
}

/// Accumulates SVG elements; escapes all text.
struct Canvas {
    let width: Double, height: Double
    private var body: [String] = []

    init(width: Double, height: Double, title: String) {
        self.width = width; self.height = height
        body.append("<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>")
        text(title, x: width / 2, y: 26, anchor: "middle", size: 16, weight: "bold")
    }

    func plotArea(_ m: (left: Double, right: Double, top: Double, bottom: Double)) -> PlotArea {
        PlotArea(minX: m.left, maxX: width - m.right, minY: m.top, maxY: height - m.bottom)
    }

    mutating func yAxis(_ a: NiceAxis, _ p: PlotArea, label: String) {
        for t in a.ticks {
            let y = p.y(a, t)
            line(p.minX, y, p.maxX, y, stroke: "#e5e5e5", width: 1)
            text(a.label(t), x: p.minX - 6, y: y + 4, anchor: "end", size: 11)
        }
        line(p.minX, p.minY, p.minX, p.maxY, stroke: "#333", width: 1)
        line(p.minX, p.maxY, p.maxX, p.maxY, stroke: "#333", width: 1)
        body.append("<text x=\"16\" y=\"\(n((p.minY + p.maxY) / 2))\" text-anchor=\"middle\" font-size=\"12\" "
            + "font-family=\"sans-serif\" transform=\"rotate(-90 16 \(n((p.minY + p.maxY) / 2)))\">\(escape(label))</text>")
    }

    mutating func xAxis(_ a: NiceAxis, _ p: PlotArea, label: String) {
        for t in a.ticks {
            let x = p.x(a, t)
            line(x, p.maxY, x, p.maxY + 5, stroke: "#333", width: 1)
            text(a.label(t), x: x, y: p.maxY + 18, anchor: "middle", size: 11)
        }
        text(label, x: (p.minX + p.maxX) / 2, y: p.maxY + 40, anchor: "middle", size: 12)
    }

    mutating func legend(_ items: [(String, String, Bool)], _ p: PlotArea) {
        var x = p.minX
        let y = height - 16
        for (name, color, isLine) in items {
            if isLine { line(x, y - 4, x + 18, y - 4, stroke: color, width: 2.5) } else {
                rect(x: x, y: y - 10, width: 12, height: 12, fill: color, tooltip: nil)
            }
            text(name, x: x + 22, y: y, anchor: "start", size: 12)
            x += 34 + Double(name.count) * 7
        }
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, tooltip: String?) {
        let tip = tooltip.map { "<title>\(escape($0))</title>" } ?? ""
        body.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\">\(tip)</rect>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double) {
        body.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"/>")
    }

    mutating func polyline(_ pts: [(Double, Double)], stroke: String) {
        let list = pts.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2\"/>")
    }

    mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, tooltip: String) {
        body.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill)\"><title>\(escape(tooltip))</title></circle>")
    }

    mutating func text(_ s: String, x: Double, y: Double, anchor: String, size: Int, weight: String = "normal") {
        body.append("<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" "
            + "font-weight=\"\(weight)\" font-family=\"sans-serif\">\(escape(s))</text>")
    }

    func finish() -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\">\n" + body.joined(separator: "\n") + "\n</svg>\n"
    }

    private func n(_ v: Double) -> String { String(format: "%.1f", v) }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
