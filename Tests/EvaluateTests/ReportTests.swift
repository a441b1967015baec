import Evaluate
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// SVG charts, Markdown tables and the comparison report.
final class ReportTests: XCTestCase {
    /// Parses the SVG as XML and returns element names with their text.
    private func elements(_ svg: String) throws -> (names: [String], texts: [String]) {
        final class Collector: NSObject, XMLParserDelegate {
            var names = [String](), texts = [String](), current = ""
            func parser(_ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) { names.append(e); current = "" }
            func parser(_ p: XMLParser, foundCharacters s: String) { current += s }
            func parser(_ p: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
                if e == "text" { texts.append(current) }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let c = Collector()
        parser.delegate = c
        XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return (c.names, c.texts)
    }

    func testBarChartHasBarsErrorBarsAxesAndLegend() throws {
        let svg = SVGChart.barChart(title: "BLEU <by> system", yLabel: "BLEU", bars: [
            .init(label: "base", value: 20.5, lower: 18, upper: 23),
            .init(label: "temp-lora & co", value: 31.25, lower: 29, upper: 34),
        ])
        let (names, texts) = try elements(svg)
        XCTAssertEqual(names.first, "svg")
        XCTAssertTrue(texts.contains("BLEU <by> system"))
        XCTAssertEqual(texts.filter { $0 == "temp-lora & co" }.count, 2)  // axis label and legend
        XCTAssertTrue(texts.contains("31.25"))
        XCTAssertTrue(texts.contains("40"), "y axis reaches the top interval: \(texts)")
        XCTAssertEqual(names.filter { $0 == "rect" }.count, 1 + 2 + 2)  // background, bars, legend swatches
        XCTAssertEqual(names.filter { $0 == "line" }.count, 3 * 2 + 5 + 2)  // error bars, grid (0…40), axes
    }

    func testLineChartDrawsEverySeries() throws {
        let svg = SVGChart.lineChart(title: "PPL by chapter", xLabel: "chapter", yLabel: "PPL", series: [
            .init(name: "no adapter", points: (1...10).map { (Double($0), 30 - Double($0) * 0.2) }),
            .init(name: "Temp-LoRA", points: (1...10).map { (Double($0), 30 - Double($0) * 1.5) }),
        ])
        let (names, texts) = try elements(svg)
        XCTAssertEqual(names.filter { $0 == "polyline" }.count, 2)
        XCTAssertEqual(names.filter { $0 == "circle" }.count, 20)
        for label in ["chapter", "PPL", "no adapter", "Temp-LoRA", "10"] { XCTAssertTrue(texts.contains(label), label) }
    }

    func testMarkdownTableEscapesCells() {
        let t = MarkdownReport.table(headers: ["System", "BLEU"], rows: [["a|b", "1.00"]], rightAligned: [1])
        XCTAssertEqual(t, "| System | BLEU |\n| --- | ---: |\n| a\\|b | 1.00 |\n")
    }

    func testComparisonReportAndJSON() throws {
        let ref = SegmentSet(segments: TestVectors.r, origin: "ref")
        let systems = [(name: "base", output: SegmentSet(segments: TestVectors.h, origin: "h")),
                       (name: "alt", output: SegmentSet(segments: TestVectors.r2, origin: "r2"))]
        let result = try Comparison(references: [ref], systems: systems, metrics: [BLEU(), CHRF(), TER()],
                                    bootstrap: PairedBootstrap(samples: 100)).run()
        XCTAssertEqual(result.metrics.map(\.name), ["BLEU", "chrF2", "TER"])
        XCTAssertEqual(result.metrics[0].results[0].score.score, 38.49679289215302)
        let md = result.markdown(charts: ["BLEU": "r-bleu.svg"])
        XCTAssertTrue(md.contains("| System | BLEU | p | chrF2 | p | TER ↓ | p |"), md)
        XCTAssertTrue(md.contains("| base | 38.50 (μ = "), md)
        XCTAssertTrue(md.contains("BLEU|nrefs:1|bs:100|seed:12345|case:mixed"), md)
        XCTAssertTrue(md.contains("![BLEU by system](r-bleu.svg)"), md)
        let json = result.json().serialized(indent: nil)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["systems"] as? [String], ["base", "alt"])

        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ReportWriter.write(result, to: dir.appendingPathComponent("report.md").path)
        XCTAssertEqual(written.map { ($0 as NSString).lastPathComponent },
                       ["report.md", "report-bleu.svg", "report-chrf2.svg", "report-ter.svg"])
        for path in written { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
    }

    func testScoreJSONHasSacreBLEUKeys() throws {
        let s = try BLEU().corpusScore(hyps: TestVectors.h, refs: [TestVectors.r])
        let text = JSONValue.array([s.jsonObject()]).serialized()
        let arr = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(arr[0]["name"] as? String, "BLEU")
        XCTAssertEqual(arr[0]["score"] as? Double, s.score)
        XCTAssertEqual(arr[0]["verbose_score"] as? String, "71.4/52.3/33.3/17.6 (BP = 1.000 ratio = 1.000 hyp_len = 49 ref_len = 49)")
        XCTAssertEqual(arr[0]["tok"] as? String, "13a")
    }

    func testChaptersGiveAPerChapterSeriesAndChart() throws {
        let ids = ["1", "1", "1", "2", "2"]
        let ref = SegmentSet(segments: TestVectors.r, documentIDs: ids, origin: "ref")
        let systems = [(name: "base", output: SegmentSet(segments: TestVectors.h, origin: "h")),
                       (name: "alt", output: SegmentSet(segments: TestVectors.r2, origin: "r2"))]
        let result = try Comparison(references: [ref], systems: systems, metrics: [BLEU()],
                                    bootstrap: PairedBootstrap(samples: 50)).run()
        XCTAssertEqual(result.byChapter.map(\.system), ["base", "alt"])
        XCTAssertEqual(result.byChapter[0].scores.map(\.document), ["1", "2"])
        let chapter1 = try BLEU().sentenceScore(hyp: TestVectors.h[0..<3].joined(separator: " "),
                                                refs: [TestVectors.r[0..<3].joined(separator: " ")])
        XCTAssertEqual(result.byChapter[0].scores[0].score, chapter1.score)
        let (names, _) = try elements(try XCTUnwrap(result.chapterChart()))
        XCTAssertEqual(names.filter { $0 == "polyline" }.count, 2)
        XCTAssertTrue(result.markdown().contains("## BLEU by chapter\n| Chapter | base | alt |"))
    }
}
