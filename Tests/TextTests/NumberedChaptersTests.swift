import Text
import XCTest

/// Chapters paired by key: numbers that restart in each volume, chapters missing on either side,
/// keys that come twice.
final class NumberedChaptersTests: XCTestCase {
    func book(_ text: String) throws -> Book { try BookReader.parse(text: text, options: BookOptions()) }
    func key(_ volume: Int?, _ number: Int) -> ChapterKey { ChapterKey(volume: volume, number: number) }

    func testNumbersRestartingInEachVolumeArePairedWithTheirVolume() throws {
        let source = try book("第一卷 少年\n第一章 出发\n　　走了。\n第二章 到达\n　　到了。\n"
            + "第二卷 青年\n第一章 再出发\n　　又走了。\n第二章 再到达\n　　又到了。\n")
        let target = try book("BOOK I\n\nChapter 1\n\nHe left.\n\nBOOK II\n\nChapter 1\n\nHe left again.\n\n"
            + "Chapter 2\n\nHe arrived again.\n\nChapter 3\n\nHe stayed.\n")
        XCTAssertEqual(NumberedChapters(book: source).order, [key(0, 1), key(0, 2), key(1, 1), key(1, 2)])
        let pair = ChapterAlignedBooks(source: source, target: target)
        XCTAssertEqual(pair.pairs.map(\.key), [key(0, 1), key(1, 1), key(1, 2)])
        XCTAssertEqual(pair.pairs.map { $0.source.sentences.map(\.text) }, [["走了。"], ["又走了。"], ["又到了。"]])
        XCTAssertEqual(pair.pairs.map { $0.target.sentences.map(\.text) }, [["He left."], ["He left again."], ["He arrived again."]])
        // Missing on either side.
        XCTAssertEqual(pair.sourceOnly, [key(0, 2)])
        XCTAssertEqual(pair.targetOnly, [key(1, 3)])
        XCTAssertEqual(pair.warnings, ["chapters only in source: 2 of volume 1", "chapters only in target: 3 of volume 2"])
    }

    func testNumbersRunningThroughTheVolumesNeedNoVolume() throws {
        let b = try book("第一卷 少年\n第一章 出发\n　　走了。\n第二卷 青年\n第二章 到达\n　　到了。\n")
        XCTAssertEqual(NumberedChapters(book: b).order, [key(nil, 1), key(nil, 2)])
    }

    func testMatchKeepsTheFirstSidesOrderAndListsWhatEachSideHasAlone() {
        let k = { (n: [Int]) in n.map { ChapterKey(number: $0) } }
        let m = ChapterMatch([k([1, 2, 3, 5]), k([5, 3, 2, 4]), k([2, 3, 5, 6])])
        XCTAssertEqual(m.shared, k([2, 3, 5]))
        XCTAssertEqual(m.leftOut, [k([1]), k([4]), k([6])])
        XCTAssertEqual(ChapterMatch([k([1]), k([2])]).shared, [])
    }

    func testARepeatedKeyKeepsItsFirstChapterAndIsListed() {
        let n = NumberedChapters([(key(nil, 1), "one"), (nil, "楔子"), (key(nil, 2), "two"), (key(nil, 1), "one again")])
        XCTAssertEqual(n.order, [key(nil, 1), key(nil, 2)])
        XCTAssertEqual(n[key(nil, 1)], "one")
        XCTAssertEqual(n.repeated, [key(nil, 1)])
        XCTAssertEqual(n.unnumbered, 1)
        let m = ChapterMatch(n, NumberedChapters([(key(nil, 1), 1), (key(nil, 1), 2)]))
        XCTAssertEqual(m.shared, [key(nil, 1)])
        XCTAssertEqual(m.leftOut, [[key(nil, 2)], []])
    }
}
