import Evaluate
import Foundation
import XCTest

/// Reading `yanfu eval-ppl` output for the compare report.
final class PerplexityEvalTests: XCTestCase {
    func testReadsAFolderOrTheFile() throws {
        let folder = FixturePaths.evaluate("eval-ppl")
        let fromFolder = try PerplexityEval.read(folder.path)
        XCTAssertEqual(fromFolder.label, "eval-ppl")
        XCTAssertEqual(fromFolder.path, folder.appendingPathComponent("eval.json").path)
        XCTAssertEqual(fromFolder.basePPL, 41.5)
        XCTAssertEqual(fromFolder.tempLoRAPPL, 33.25)
        XCTAssertEqual(fromFolder.chapters.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(fromFolder.chapters[2].tempLoRAPPL, 29.75)
        XCTAssertEqual(fromFolder.chapters[3].targetTokens, 755)
        let fromFile = try PerplexityEval.read(folder.appendingPathComponent("eval.json").path)
        XCTAssertEqual(fromFile, fromFolder)
    }

    func testMalformedFilesNameTheFieldAndTheExpectedShape() throws {
        let bad = FixturePaths.evaluate("eval-ppl-malformed.json").path
        XCTAssertThrowsError(try PerplexityEval.read(bad)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("\(bad): field \"chapters[0].temp_lora_ppl\" is missing or null; "
                + "expected `yanfu eval-ppl` output"), text)
        }
        let dir = try FixturePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ content: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let url = dir.appendingPathComponent("e.json")
            try Data(content.utf8).write(to: url)
            XCTAssertThrowsError(try PerplexityEval.read(url.path), file: file, line: line) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(url.path): \(message)"), "\(error)", file: file, line: line)
            }
        }
        try check("{\"base_ppl\": 3", "not valid JSON")
        try check("[1, 2]", "the top level is not a JSON object")
        try check("{\"base_ppl\": 2, \"temp_lora_ppl\": 2}", "field \"chapters\" is missing")
        try check("{\"base_ppl\": \"2\", \"temp_lora_ppl\": 2, \"chapters\": []}", "field \"base_ppl\" is not a number")
        try check("{\"base_ppl\": 0.5, \"temp_lora_ppl\": 2, \"chapters\": []}", "field \"base_ppl\" is 0.5, not a perplexity")
        try check("{\"base_ppl\": 2, \"temp_lora_ppl\": 2, \"chapters\": [{\"number\": 1.5, \"base_ppl\": 2, "
            + "\"temp_lora_ppl\": 2, \"target_tokens\": 3}]}", "a field that holds a whole number has a fraction or is out of range")
        XCTAssertThrowsError(try PerplexityEval.read(dir.appendingPathComponent("missing").path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("missing: no such file"), "\(error)")
        }
    }
}
