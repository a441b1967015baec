/// What a single line says about the book's structure, before the whole-book sequence check.
struct HeadingCandidate: Equatable {
    enum Kind: Equatable { case chapter, volume, special }
    var kind: Kind
    var number: Int?
    var title: String
    /// Headings of one style number one sequence: "回", "章", "节", "chapter", "tag", …
    var style: String
}

/// The outcome of looking at one line.
enum HeadingMatch: Equatable {
    case heading(HeadingCandidate)
    /// Starts like a heading but reads like body text (reported, never split on).
    case bodyLike(reason: String)
    /// A structural marker with nothing to keep as a heading (`</CHAPTER>`).
    case none
}

enum HeadingParser {
    static let chapterUnits: [Unicode.Scalar: String] = ["回": "回", "章": "章", "节": "节", "節": "节", "话": "话", "話": "话", "幕": "幕"]
    static let volumeUnits: Set<Unicode.Scalar> = ["卷", "部", "册", "冊", "集"]
    static let separators: Set<Unicode.Scalar> = [" ", "\t", "\u{3000}", "：", ":", "、", ".", "．", "，", ",", "-", "—", "–", "·", "・", "|", "｜", "(", "（", "【", "[", "《", "「"]
    static let sentenceEnds: Set<Unicode.Scalar> = ["。", "！", "？", "!", "?", "；", ";"]
    static let specials = ["楔子", "序章", "序言", "序幕", "引子", "引言", "前言", "自序", "尾声", "尾聲", "终章", "終章",
                           "后记", "後記", "后記", "後记", "番外", "跋", "序"]
    static let englishSpecials: Set<String> = ["prologue", "epilogue", "preface", "foreword", "introduction", "afterword"]

    /// Classifies a line (already known not to be blank). Returns nil for ordinary text.
    static func match(_ raw: Substring) -> HeadingMatch? {
        let line = Script.trimmed(raw)
        guard let first = line.unicodeScalars.first else { return nil }
        switch first {
        case "第": return chinese(line)
        case "C", "c": return english(line, keyword: "chapter", kind: .chapter)
        case "B", "b": return english(line, keyword: "book", kind: .volume)
        case "P", "p", "E", "e", "F", "f", "I", "i", "A", "a":
            if englishSpecials.contains(String(line.lowercased().trimmingTrailing("."))) {
                return .heading(HeadingCandidate(kind: .special, number: nil, title: "", style: "special"))
            }
            return english(line, keyword: "part", kind: .volume)
        case "V", "v": return english(line, keyword: "volume", kind: .volume)
        case "<": return tag(line)
        default:
            return special(line)
        }
    }

    /// 第…回 / 第…章 / 第…卷 followed by nothing, a separator and a title, or a short title.
    static func chinese(_ line: Substring) -> HeadingMatch? {
        let scalars = Array(line.unicodeScalars)
        var i = 1
        while i < scalars.count, Numerals.isNumeralScalar(scalars[i]) { i += 1 }
        guard i > 1, i < scalars.count else { return nil }
        let unit = scalars[i]
        let kind: HeadingCandidate.Kind
        let style: String
        if let s = chapterUnits[unit] { kind = .chapter; style = s }
        else if volumeUnits.contains(unit) { kind = .volume; style = String(unit) }
        else { return nil }
        guard let number = Numerals.parseChinese(scalars[1..<i]) else {
            return .bodyLike(reason: "the number is not a well-formed numeral")
        }
        let rest = Array(scalars[(i + 1)...])
        guard let title = titleAfterNumber(rest, limitWithoutSeparator: 30) else {
            return .bodyLike(reason: "the line continues as body text")
        }
        return .heading(HeadingCandidate(kind: kind, number: number, title: title, style: style))
    }

    /// The title after a heading's number, or nil when the rest reads like a sentence.
    static func titleAfterNumber(_ rest: [Unicode.Scalar], limitWithoutSeparator: Int) -> String? {
        guard let first = rest.first else { return "" }
        let text = String(String.UnicodeScalarView(rest))
        if separators.contains(first) {
            var title = Substring(text)
            while let f = title.unicodeScalars.first, separators.contains(f) || Script.isSpace(f),
                  !["(", "（", "【", "[", "《", "「"].contains(f) {
                title = Substring(title.unicodeScalars.dropFirst())
            }
            title = Script.trimmed(title)
            if title.unicodeScalars.count > 60 || title.unicodeScalars.contains(where: { $0 == "。" }) { return nil }
            return String(title)
        }
        // No separator (第一章风起): only a short line without sentence punctuation is a heading.
        if rest.count > limitWithoutSeparator { return nil }
        if rest.contains(where: { sentenceEnds.contains($0) || "，、：“”「」．".unicodeScalars.contains($0) }) { return nil }
        return String(Script.trimmed(Substring(text)))
    }

    /// "Chapter 12", "CHAPTER IV.", "Chapter Twelve: Title", "BOOK II", "Part 3".
    static func english(_ line: Substring, keyword: String, kind: HeadingCandidate.Kind) -> HeadingMatch? {
        let words = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2, words[0].lowercased() == keyword else {
            return nil
        }
        // Heading keywords are capitalised ("Chapter", "CHAPTER"); lower case is a sentence.
        guard words[0].first!.isUppercase else { return nil }
        var rest = words[1][...]
        var numberEnd = rest.startIndex
        while numberEnd < rest.endIndex, rest[numberEnd].isLetter || rest[numberEnd].isNumber || rest[numberEnd] == "-" { numberEnd = rest.index(after: numberEnd) }
        let token = rest[rest.startIndex..<numberEnd]
        guard let number = Numerals.parseEnglish(token) else { return nil }
        rest = rest[numberEnd...]
        var title = rest
        if let f = title.first {
            if ".:—–-".contains(f) {
                title = title.drop { ".:—–- ".contains($0) }
            } else if f == " " || f == "\t" {
                title = title.drop { $0 == " " || $0 == "\t" }
                // "Chapter 12 of the book says…" is a sentence, "Chapter 12 The Storm" a heading.
                if let t = title.first, t.isLowercase { return .bodyLike(reason: "the line continues as a sentence") }
            } else {
                return nil
            }
        }
        title = Substring(Script.trimmed(title))
        if title.count > 80 { return .bodyLike(reason: "the title is too long for a heading") }
        let style = kind == .chapter ? "chapter" : keyword
        return .heading(HeadingCandidate(kind: kind, number: number, title: String(title), style: style))
    }

    /// GuoFeng markers inside a book file: `<CHAPTER id="x_0001">`, `<BOOK id=…>`, `</CHAPTER>`.
    static func tag(_ line: Substring) -> HeadingMatch? {
        let text = String(line)
        guard let kind = GuoFengSide.marker(text) else { return nil }
        switch kind {
        case let .chapter(id):
            let digits = id.reversed().prefix { $0.isASCII && $0.isNumber }
            let number = Int(String(digits.reversed()))
            return .heading(HeadingCandidate(kind: .chapter, number: number, title: "", style: "tag"))
        case let .book(id):
            return .heading(HeadingCandidate(kind: .volume, number: nil, title: id, style: "tag"))
        default:
            return HeadingMatch.none
        }
    }

    /// 楔子, 序章, 尾声, 番外 …, alone or followed by a separator and a short title.
    static func special(_ line: Substring) -> HeadingMatch? {
        for word in specials where line.hasPrefix(word) {
            let rest = Array(line.unicodeScalars.dropFirst(word.unicodeScalars.count))
            if rest.isEmpty { return .heading(HeadingCandidate(kind: .special, number: nil, title: "", style: "special")) }
            if word.count == 1 { return nil }  // "序" or "跋" starting a sentence
            var r = rest[...]
            // 番外一, 番外篇: the word may carry a number or 篇 before the title.
            if word == "番外" { r = r.drop { Numerals.isNumeralScalar($0) || $0 == "篇" } }
            if r.isEmpty { return .heading(HeadingCandidate(kind: .special, number: nil, title: "", style: "special")) }
            guard let title = titleAfterNumber(Array(r), limitWithoutSeparator: 0), separators.contains(r.first!) else {
                return nil
            }
            return .heading(HeadingCandidate(kind: .special, number: nil, title: title, style: "special"))
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingTrailing(_ c: Character) -> Substring {
        var s = Substring(self)
        while s.last == c { s = s.dropLast() }
        return s
    }
}
