import Base
import Foundation
import TestSupport
import Text
import XCTest

/// The pieces of the sentence aligner: lengths, the length model, anchors, the dictionary, the
/// banded dynamic program and the output files.
final class AlignmentTests: XCTestCase {
    func testLengthsCountNonSpaceChineseAndAllEnglishCharacters() {
        XCTAssertEqual(SentenceLength.chinese("你好，Tom！ 我 來了。"), 11)
        XCTAssertEqual(SentenceLength.english("  Hi, Tom.  "), 8)
    }

    func testLengthCostIsZeroAtTheExpectedRatioAndGrowsAwayFromIt() {
        let p = AlignmentParameters(c: 3, s2: 5)
        XCTAssertEqual(p.lengthCost(source: 10, target: 30), 0, accuracy: 1e-12)
        XCTAssertLessThan(p.lengthCost(source: 10, target: 35), p.lengthCost(source: 10, target: 50))
        XCTAssertLessThan(p.lengthCost(source: 10, target: 25), p.lengthCost(source: 10, target: 10))
        // Far in the tail erfc underflows; the asymptotic form keeps the cost finite and growing.
        let far = p.lengthCost(source: 1, target: 3000), farther = p.lengthCost(source: 1, target: 6000)
        XCTAssertTrue(far.isFinite && farther.isFinite)
        XCTAssertGreaterThan(farther, far)
        XCTAssertGreaterThan(far, 700)
    }

    func testChineseNumbersAreReadAsValues() {
        XCTAssertEqual(AnchorNumbers.chinese("他買了一百二十個蘋果和3個梨，第五天又買了1,000個。"), [120, 3, 5, 1000])
        XCTAssertEqual(AnchorNumbers.chinese("頑石三万六千五百零一塊"), [36501])
        XCTAssertEqual(AnchorNumbers.chinese("一日，他來了。"), [], "a lone 一 is not an anchor")
        XCTAssertEqual(AnchorNumbers.chinese("我有两个孩子"), [2])
    }

    func testEnglishNumbersAreReadAsValues() {
        XCTAssertEqual(AnchorNumbers.english("Two hundred and five men, 1,000 horses and 36,501 blocks on the third day."), [205, 1000, 36501, 3])
        XCTAssertEqual(AnchorNumbers.english("twenty-four chang square, twelve in height"), [24, 12])
        XCTAssertEqual(AnchorNumbers.english("I have no idea."), [])
    }

    func testWordKeysDropStopWordsAndSuffixes() {
        XCTAssertEqual(AnchorWords.contentWords("The stones were prescribed to Tom's cats"), ["ston", "prescrib", "tom", "cat"])
        XCTAssertEqual(AnchorWords.key("stone"), AnchorWords.key("stones"))
        XCTAssertEqual(AnchorWords.key("studies"), AnchorWords.key("study"))
    }

    static let miniDictionary = """
    # a CC-CEDICT excerpt
    湯姆 汤姆 [Tang1 mu3] /Tom (name)/
    東京 东京 [Dong1 jing1] /Tokyo, capital of Japan/Tonkin (northern Vietnam during the French colonial period)/
    石頭 石头 [shi2 tou5] /stone/CL:塊|块[kuai4]/
    學校 学校 [xue2 xiao4] /school/CL:所[suo3]/
    人 人 [ren2] /person/people/
    """

    func testDictionaryMapsBothScriptsToGlossHeadWords() throws {
        let d = try BilingualDictionary.parse(Self.miniDictionary)
        func words(_ text: String) -> Set<String> { Set(d.glossWordIDs(in: text).map { d.words[Int($0)] }) }
        XCTAssertEqual(words("汤姆在学校。"), ["tom", "school"])
        XCTAssertEqual(words("湯姆去東京買石頭"), ["tom", "tokyo", "tonkin", AnchorWords.key("stone")],
                       "only the part of each gloss before its first comma counts (not \"capital\", \"japan\")")
        XCTAssertEqual(words("人"), [], "single-character headwords are not used")
        let e = AnchorExtractor(dictionary: d)
        XCTAssertFalse(Set(e.chinese("汤姆在学校。")).isDisjoint(with: e.english("Tom is at school.")))
        XCTAssertTrue(Set(e.chinese("汤姆在学校。")).isDisjoint(with: e.english("Mary went home.")))
    }

    func testMalformedDictionaryLineIsNamed() {
        XCTAssertThrowsError(try BilingualDictionary.parse("湯姆 汤姆 [Tang1 mu3] /Tom/\n這不是詞條\n", file: "d.txt")) { error in
            XCTAssertEqual("\(error)", "d.txt: line 2: expected a CC-CEDICT entry `traditional simplified [pinyin] /gloss/`, found 這不是詞條")
        }
        XCTAssertThrowsError(try BilingualDictionary.parse("# only comments\n"))
    }

    func testGzipDictionaryIsReadThroughGzip() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") || FileManager.default.isExecutableFile(atPath: "/bin/gzip") else {
            throw Requirement.missing("no gzip program in /usr/bin or /bin (Debian package gzip)")
        }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("cedict.txt").path
        try Self.miniDictionary.write(toFile: plain, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") ? "/usr/bin/gzip" : "/bin/gzip")
        gzip.arguments = ["-k", plain]
        try gzip.run()
        gzip.waitUntilExit()
        let fromGzip = try BilingualDictionary.read(file: plain + ".gz")
        let fromText = try BilingualDictionary.read(file: plain)
        XCTAssertEqual(fromGzip.entries, fromText.entries)
        XCTAssertEqual(fromGzip.words, fromText.words)
        XCTAssertThrowsError(try BilingualDictionary.read(file: dir.appendingPathComponent("missing.gz").path))
    }

    func testAlignerFindsMergesAndDeletions() {
        // Target = 3 × source length, except a 1-2 split at sentence 2 and an inserted sentence.
        let source = AlignmentSide(lengths: [10, 20, 30, 12, 8, 25])
        let target = AlignmentSide(lengths: [30, 60, 45, 45, 36, 200, 24, 75])
        let beads = SentenceAligner(parameters: AlignmentParameters(c: 3, s2: 5)).align(source: source, target: target)
        XCTAssertEqual(beads.map(\.type), [.oneOne, .oneOne, .oneTwo, .oneOne, .zeroOne, .oneOne, .oneOne])
        XCTAssertEqual(beads[2].target, 2..<4)
        XCTAssertEqual(beads.last!.source, 5..<6)
        XCTAssertEqual(beads.last!.target, 7..<8)
    }

    func testAnchorsDecideWhatLengthsCannot() {
        // Four sentences of equal length, the English order differs only by which pair shares a number.
        let source = AlignmentSide(lengths: [10, 10], anchors: [[-6], [-8]])
        let target = AlignmentSide(lengths: [30, 30, 30], anchors: [[], [-6], [-8]])
        let beads = SentenceAligner(parameters: AlignmentParameters(c: 3, s2: 5)).align(source: source, target: target)
        XCTAssertEqual(beads.map(\.type), [.zeroOne, .oneOne, .oneOne])
        XCTAssertEqual(beads.map(\.anchors), [0, 1, 1])
    }

    func testEmptySidesGiveOnlyDeletions() {
        let aligner = SentenceAligner(parameters: AlignmentParameters(c: 3, s2: 5))
        XCTAssertEqual(aligner.align(source: AlignmentSide(lengths: [5, 6]), target: AlignmentSide(lengths: [])).map(\.type), [.oneZero, .oneZero])
        XCTAssertEqual(aligner.align(source: AlignmentSide(lengths: []), target: AlignmentSide(lengths: [9])).map(\.type), [.zeroOne])
        XCTAssertEqual(aligner.align(source: AlignmentSide(lengths: []), target: AlignmentSide(lengths: [])), [])
    }

    func testNarrowBandWidensUntilItFindsTheFullProgramsOptimum() {
        // 60 English sentences inserted before the real translation push the path far from the diagonal.
        var rng = SplitMix64(seed: 5)
        let zh = (0..<80).map { _ in 5 + Int(rng.next() % 40) }
        var en = (0..<60).map { _ in 20 + Int(rng.next() % 100) }
        en += zh.map { 3 * $0 + Int(rng.next() % 7) - 3 }
        let parameters = AlignmentParameters(c: 3, s2: 5)
        let narrow = SentenceAligner(parameters: parameters, minimumBand: 1).align(source: AlignmentSide(lengths: zh), target: AlignmentSide(lengths: en))
        let full = SentenceAligner(parameters: parameters, minimumBand: 1000).align(source: AlignmentSide(lengths: zh), target: AlignmentSide(lengths: en))
        XCTAssertEqual(narrow.reduce(0) { $0 + $1.cost }, full.reduce(0) { $0 + $1.cost }, accuracy: 1e-9)
        let correct = full.filter { $0.type == .oneOne && $0.target.lowerBound == $0.source.lowerBound + 60 }.count
        XCTAssertGreaterThanOrEqual(correct, 60, "the translated part is found after the insertions")
    }

    func testOutputFilesAreGuoFengAndMatchTheBeads() throws {
        let chapters = [
            ChapterSentences(id: "t_0001", number: 1, source: ["我有三個孩子。", "他們都在學校。", "多出來的。"],
                             target: ["I have three children.", "They are all", "at school."]),
            ChapterSentences(id: "t_0002", number: 2, source: ["第二章。"], target: ["Chapter two.", "An extra sentence with no source at all, long enough to stand alone."]),
        ]
        let result = BookAligner().align(chapters)
        let output = AlignmentOutput(name: "t", source: "zh.txt", target: "en.txt", dictionary: nil, result: result, warnings: [])
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try output.write(directory: dir.path)
        let corpus = try GuoFengCorpus.read(source: dir.appendingPathComponent("t.zh").path, target: dir.appendingPathComponent("t.en").path)
        XCTAssertEqual(corpus.documents.map(\.id), ["t_0001", "t_0002"])
        XCTAssertEqual(corpus.documents.map(\.source.count), result.chapters.map { $0.beads.filter(\.type.pairs).count })
        // Every pairing bead's `line` in alignment.jsonl points at its own sentences in the .zh and .en files.
        let zhLines = Lines.split(try String(contentsOf: dir.appendingPathComponent("t.zh"), encoding: .utf8))
        let enLines = Lines.split(try String(contentsOf: dir.appendingPathComponent("t.en"), encoding: .utf8))
        let records = Lines.split(try String(contentsOf: dir.appendingPathComponent("alignment.jsonl"), encoding: .utf8))
        XCTAssertEqual(records.count, result.chapters.reduce(0) { $0 + $1.beads.count })
        struct Record: Decodable { var chapter: String; var zh: [Int]; var en: [Int]; var line: Int? }
        for record in records {
            let object = try JSONDecoder().decode(Record.self, from: Data(record.utf8))
            let chapter = try XCTUnwrap(chapters.first { $0.id == object.chapter })
            let zh = object.zh.map { chapter.source[$0] }.joined()
            let en = object.en.map { chapter.target[$0] }.joined(separator: " ")
            if let line = object.line {
                XCTAssertEqual(zhLines[line - 1], zh)
                XCTAssertEqual(enLines[line - 1], en)
            } else {
                XCTAssertTrue(zh.isEmpty || en.isEmpty, "only 1-0 and 0-1 beads have no line")
            }
        }
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8).contains("| 1 | 3 | 3 |"))
        // A file where the directory should be: a clear error, nothing written.
        let blocked = dir.appendingPathComponent("file").path
        FileManager.default.createFile(atPath: blocked, contents: Data())
        XCTAssertThrowsError(try output.write(directory: blocked)) { XCTAssertTrue("\($0)".contains("not a directory")) }
    }

    func testGuoFengChapterAlignedInputIsReadLineBySentence() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zh = dir.appendingPathComponent("b.zh").path, en = dir.appendingPathComponent("b.en").path
        try "<BOOK id=\"b1\">\n<CHAPTER id=\"c1\">\n他來了。她笑了。\n好。\n</CHAPTER>\n".write(toFile: zh, atomically: true, encoding: .utf8)
        try "<BOOK id=\"b1\">\n<CHAPTER id=\"c1\">\nHe came.\nShe smiled.\nGood.\n</CHAPTER>\n".write(toFile: en, atomically: true, encoding: .utf8)
        let input = try AlignmentInput.read(source: zh, target: en)
        XCTAssertEqual(input.name, "b1")
        XCTAssertEqual(input.chapters.map(\.source), [["他來了。她笑了。", "好。"]])
        XCTAssertEqual(input.chapters.map(\.target), [["He came.", "She smiled.", "Good."]])
        XCTAssertThrowsError(try AlignmentInput.read(source: zh, target: dir.appendingPathComponent("missing.en").path)) {
            XCTAssertTrue("\($0)".contains("missing.en"))
        }
    }
}
