import Text
import XCTest

/// Heading styles, the monotone numbering rule, prefaces, volumes and books without headings.
final class ChapterTests: XCTestCase {
    func book(_ text: String, _ options: BookOptions = BookOptions()) throws -> Book {
        try BookReader.parse(text: text, options: options)
    }

    func summary(_ b: Book) -> [String] {
        b.chapters.map { "\($0.number.map(String.init) ?? "-")|\($0.title)" }
    }

    func testChineseHeadingStyles() throws {
        let cases: [(String, Int, String)] = [
            ("第一回　甄士隱夢幻識通靈", 1, "甄士隱夢幻識通靈"),
            ("第1章 风起", 1, "风起"),
            ("第１２章：雨落", 12, "雨落"),
            ("第一百二十回 大结局", 120, "大结局"),
            ("第一二零回", 120, ""),
            ("第十五節 山中", 15, "山中"),
            ("第二十一章风起云涌", 21, "风起云涌"),
            ("第两百零五话 重逢", 205, "重逢"),
            ("第一〇一回：薦杜預老將獻新謀", 101, "薦杜預老將獻新謀"),
        ]
        for (heading, number, title) in cases {
            let b = try book("\(heading)\n\u{3000}\u{3000}正文第一句。正文第二句。\n")
            XCTAssertEqual(b.chapters.count, 1, heading)
            XCTAssertEqual(b.chapters.first?.number, number, heading)
            XCTAssertEqual(b.chapters.first?.title, title, heading)
            XCTAssertEqual(b.chapters.first?.heading, heading, heading)
            XCTAssertEqual(b.chapters.first?.sentences.map(\.text), ["正文第一句。", "正文第二句。"], heading)
        }
    }

    func testSpecialHeadingsAreUnnumberedChapters() throws {
        let text = """
        楔子
        　　很久以前。
        第一章 开始
        　　故事开始了。
        第二章 继续
        　　故事继续。
        尾声
        　　结束了。
        後記：寫在最後
        　　謝謝。
        番外一 小事
        　　一件小事。
        """
        let b = try book(text)
        XCTAssertEqual(summary(b), ["-|", "1|开始", "2|继续", "-|", "-|寫在最後", "-|小事"])
        XCTAssertEqual(b.chapters.map(\.heading), ["楔子", "第一章 开始", "第二章 继续", "尾声", "後記：寫在最後", "番外一 小事"])
        for word in ["序章", "序言", "引子"] {
            XCTAssertEqual(try book("\(word)\n　　前言正文。\n第一章\n　　正文。\n").chapters.map(\.heading), [word, "第一章"])
        }
    }

    func testEnglishHeadings() throws {
        let text = """
        Chapter 12

        It was a dark night.

        CHAPTER XIII.

          The storm.

        Rain fell.

        CHAPTER XIV

        More rain.

        Chapter Fifteen: The End

        Sun.
        """
        let b = try book(text)
        XCTAssertEqual(summary(b), ["12|", "13|The storm.", "14|", "15|The End"])
        XCTAssertEqual(b.language, .english)
        XCTAssertEqual(b.chapters[1].paragraphs.map(\.text), ["Rain fell."])
    }

    func testEnglishTitleLineUnderTheHeading() throws {
        let b = try book("Chapter 1\n\nThe Boy Who Lived\n\nMr. Dursley was proud.\n\nChapter 2\n\n\"Hello\"\n\nShe waved.\n")
        XCTAssertEqual(summary(b), ["1|The Boy Who Lived", "2|"])
        XCTAssertEqual(b.chapters[1].paragraphs.map(\.text), ["\"Hello\"", "She waved."])
    }

    func testGuoFengTagsInABookFile() throws {
        let text = "<BOOK id=\"100-demo\">\n<CHAPTER id=\"demo_0001\">\n第一句。\n</CHAPTER>\n<CHAPTER id=\"demo_0002\">\n第二句。\n</CHAPTER>\n"
        let b = try book(text)
        XCTAssertEqual(b.chapters.map(\.number), [1, 2])
        XCTAssertEqual(b.volumes.map(\.title), ["100-demo"])
        XCTAssertEqual(b.chapters.map(\.volume), [0, 0])
        XCTAssertEqual(b.chapters[0].sentences.map(\.text), ["第一句。"])
    }

    func testVolumesGroupChaptersAndMayRestartNumbering() throws {
        let text = "第一卷 少年\n第一章 出发\n　　走了。\n第二章 到达\n　　到了。\n第二卷 青年\n卷首语。\n第一章 再出发\n　　又走了。\n"
        let b = try book(text)
        XCTAssertEqual(summary(b), ["1|出发", "2|到达", "1|再出发"])
        XCTAssertEqual(b.volumes.map(\.number), [1, 2])
        XCTAssertEqual(b.volumes.map(\.title), ["少年", "青年"])
        XCTAssertEqual(b.volumes.map(\.firstChapter), [0, 2])
        XCTAssertEqual(b.volumes[1].paragraphs.map(\.text), ["卷首语。"])
        XCTAssertEqual(b.chapters.map(\.volume), [0, 0, 1])
        XCTAssertEqual(b.rejectedHeadings, [])
    }

    func testABookOfVolumesOnlyHasThemAsChapters() throws {
        let b = try book("第一卷 春\n　　春天来了。\n第二卷 夏\n　　夏天来了。\n")
        XCTAssertEqual(summary(b), ["1|春", "2|夏"])
        XCTAssertEqual(b.volumes, [])
    }

    func testBodyLinesAndRepeatedHeadingsDoNotSplitChapters() throws {
        let text = """
        第一回　開始
        　　正文。
        第二回　繼續
        第二回　繼續
        　　正文二。
        第一回中說過的事，此處不再重複。
        第三回
        　　正文三。
        第十回
        　　這一行像標題，但編號跳到了十。
        第四回
        　　正文四。
        """
        let b = try book(text)
        XCTAssertEqual(b.chapters.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(b.rejectedHeadings.map(\.line), [4, 6, 9])
        XCTAssertTrue(b.rejectedHeadings[0].reason.contains("repeats chapter 2 (line 3)"), b.rejectedHeadings[0].reason)
        XCTAssertTrue(b.rejectedHeadings[1].reason.contains("body text"), b.rejectedHeadings[1].reason)
        XCTAssertTrue(b.rejectedHeadings[2].reason.contains("out of sequence: 10 after chapter 3"), b.rejectedHeadings[2].reason)
        // The rejected lines stay in the text of the chapter they are in.
        XCTAssertEqual(b.chapters[2].paragraphs.map(\.text), ["正文三。", "第十回", "這一行像標題，但編號跳到了十。"])
    }

    func testPrefaceIsKept() throws {
        let b = try book("紅樓夢\n作者：曹雪芹\n\n第一回 開始\n　　正文。\n")
        XCTAssertEqual(b.preface?.index, 0)
        XCTAssertEqual(b.preface?.paragraphs.map(\.text), ["紅樓夢作者：曹雪芹"])  // too short a book to know the wrap width
        XCTAssertEqual(b.preface.map { b.slice($0.range) }, "紅樓夢\n作者：曹雪芹\n\n")
        XCTAssertEqual(b.chapters.count, 1)
    }

    func testTitleOnTheLinesUnderTheHeading() throws {
        let zh = "第三回\n\n--------------------\n\n　　　　賈雨村夤緣复舊職　林黛玉拋父進京都\n\n　　卻說雨村忙回頭看時。\n"
        let b = try book(zh)
        XCTAssertEqual(b.chapters.first?.title, "賈雨村夤緣复舊職　林黛玉拋父進京都")
        XCTAssertEqual(b.chapters.first?.paragraphs.map(\.text), ["卻說雨村忙回頭看時。"])
        let en = "CHAPTER I.\n\n  Chen Shih-yin, in a vision,\n  apprehends perception.\n\n\nThis is the opening.\n"
        let e = try book(en)
        XCTAssertEqual(e.chapters.first?.title, "Chen Shih-yin, in a vision, apprehends perception.")
        XCTAssertEqual(e.chapters.first?.paragraphs.map(\.text), ["This is the opening."])
    }

    func testBookWithoutHeadingsIsCutAtParagraphsWithAWarning() throws {
        let paragraph = "　　" + String(repeating: "天下大勢，分久必合。", count: 10) + "\n"
        let b = try book(String(repeating: paragraph, count: 12), BookOptions(chapterSizeLimit: 250))
        XCTAssertEqual(b.chapters.count, 6)
        XCTAssertTrue(b.chapters.allSatisfy { $0.paragraphs.count == 2 && $0.number == nil })
        XCTAssertEqual(b.chapters.map(\.index), Array(1...6))
        XCTAssertNil(b.preface)
        XCTAssertEqual(b.warnings.count, 1)
        XCTAssertTrue(b.warnings[0].hasPrefix("no chapter headings found; cut the text into 6 chapter(s)"), b.warnings[0])
    }

    func testSimplifyAndNFKCOnRequest() throws {
        let text = "第一回　紅樓夢\n　　寶玉聽了，心中大喜。ＡＢＣ\n"
        let plain = try book(text)
        XCTAssertEqual(plain.chapters[0].sentences[0].text, "寶玉聽了，心中大喜。")
        let simplified = try book(text, BookOptions(simplify: true))
        XCTAssertEqual(simplified.chapters[0].title, "红楼梦")
        XCTAssertEqual(simplified.chapters[0].sentences[0].text, "宝玉听了，心中大喜。")
        let nfkc = try book(text, BookOptions(nfkc: true))
        XCTAssertEqual(nfkc.chapters[0].paragraphs[0].text, "寶玉聽了,心中大喜。ABC")
        XCTAssertEqual(try Normalizer.simplify("紅樓夢"), "红楼梦")
        XCTAssertEqual(try Normalizer.traditionalize("红楼梦"), "紅樓夢")
    }
}
