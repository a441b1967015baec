import Translate
import XCTest

/// The copies come from a real run: the default model on 紅樓夢 chapter 1 without the guard.
final class CopyGuardTests: XCTestCase {
    let context = [
        BilingualPair(source: "先是說些云山霧海神仙玄幻之事，后便說到紅塵中榮華富貴．",
                      target: "\"First, I said that there were some things about the great forest and then I said to myself:"),
        BilingualPair(source: "石道：“自然，自然。”", target: "The stone said: \"Of course, of course.\""),
        BilingualPair(source: "那僧笑道：", target: "The monk laughed:"),
    ]

    func testFlagsCopiesOfAnotherSourcesTranslation() {
        // The same sentence again, and with one word changed.
        XCTAssertEqual(CopyGuard.copiedPairs(answer: context[0].target, source: "石頭听了，感謝不盡．", context: context), [0])
        XCTAssertEqual(CopyGuard.copiedPairs(answer: "Third, I said that there were some things about the great forest and then I said to myself:",
                                             source: "那僧便念咒書符，大展幻術．", context: context), [0])
        // A short answer for a long source, taken from an earlier line.
        XCTAssertEqual(CopyGuard.copiedPairs(answer: "The monk laughed:", source: "石頭听了，喜不能禁，乃問：“不知賜了弟子那几件奇處？”", context: context), [2])
    }

    func testLeavesOwnTranslationsAndRepeatedSourcesAlone() {
        // Shares a name and a few words, but is its own sentence.
        XCTAssertEqual(CopyGuard.copiedPairs(answer: "The stone heard this and thanked him without end.",
                                             source: "石頭听了，感謝不盡．", context: context), [])
        // A repeated source may have the repeated translation.
        XCTAssertEqual(CopyGuard.copiedPairs(answer: "The stone said: \"Of course, of course.\"",
                                             source: "石道：“自然，自然。”", context: context), [])
        // Short answers to short sources may repeat.
        XCTAssertEqual(CopyGuard.copiedPairs(answer: "The monk laughed:", source: "那僧又笑道：", context: context), [])
        XCTAssertEqual(CopyGuard.copiedPairs(answer: "", source: "那僧便念咒書符，大展幻術．", context: context), [])
    }

    func testRunBanForbidsContinuingACopiedRun() {
        let ban = TokenRunBan(length: 3, runs: [[10, 11, 12, 13], [10, 11, 14]])
        XCTAssertEqual(ban.banned(after: [10]), [])
        XCTAssertEqual(ban.banned(after: [7, 10, 11]), [12, 14])
        XCTAssertEqual(ban.banned(after: [11, 12]), [13])
        XCTAssertEqual(ban.banned(after: [12, 11]), [])
        // Runs shorter than the ban are free.
        XCTAssertEqual(TokenRunBan(length: 3, runs: [[1, 2]]).banned(after: [1, 2]), [])
    }
}
