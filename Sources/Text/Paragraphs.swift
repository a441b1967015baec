/// Undoes hard wrapping: groups a run of lines into paragraphs and joins each paragraph's lines,
/// with no space between CJK characters and one space between Latin words.
struct ParagraphBuilder {
    let source: SourceText
    /// False when every line is its own paragraph (no blank lines or indentation to go by).
    let wrapped: Bool
    /// Lines that stand alone even in wrapped text (headings rejected by the numbering check).
    var standalone: Set<Int> = []

    func paragraphs(lines: Range<Int>) -> [Paragraph] {
        var result: [Paragraph] = []
        var current: [Int] = []
        func flush() {
            if !current.isEmpty { result.append(join(current)) }
            current.removeAll()
        }
        for i in lines {
            let line = source.lines[i]
            if line.blank { flush(); continue }
            if line.separator {
                flush()
                let r = source.trimmedRange(i)
                result.append(Paragraph(text: source.string(r), range: line.range, isSeparator: true,
                                        pieces: [.init(textOffset: 0, source: r)]))
                continue
            }
            if !wrapped || line.indented || standalone.contains(i) { flush() }
            current.append(i)
            // In hard-wrapped text a line far shorter than the wrap width ends its paragraph
            // (a title or an author line above the first chapter, the last line of a paragraph).
            if standalone.contains(i) || (source.wrapWidth >= 20 && line.width * 2 < source.wrapWidth) { flush() }
        }
        flush()
        return result
    }

    private func join(_ lineIndices: [Int]) -> Paragraph {
        var text = ""
        var pieces: [Paragraph.Piece] = []
        var previousLast: Unicode.Scalar?
        for i in lineIndices {
            let r = source.trimmedRange(i)
            let piece = source.substring(r)
            if let last = previousLast, let first = piece.unicodeScalars.first,
               needsSpace(after: last, before: first, previous: text) {
                text += " "
            }
            pieces.append(.init(textOffset: text.utf8.count, source: r))
            text += piece
            previousLast = piece.unicodeScalars.last
        }
        let range = source.lines[lineIndices.first!].range.lowerBound..<source.lines[lineIndices.last!].range.upperBound
        return Paragraph(text: text, range: range, isSeparator: false, pieces: pieces)
    }

    /// Latin words wrapped across lines need a space; CJK text and hyphenated words do not.
    private func needsSpace(after last: Unicode.Scalar, before first: Unicode.Scalar, previous: String) -> Bool {
        if Script.isWide(last) || Script.isWide(first) { return false }
        if last == "-", first.properties.isLowercase,
           let beforeHyphen = previous.unicodeScalars.dropLast().last, beforeHyphen.properties.isAlphabetic {
            return false
        }
        // Curly quotes and dashes sit next to either script; look at what they quote.
        if "“”‘’—".unicodeScalars.contains(last) {
            if let letter = previous.unicodeScalars.reversed().first(where: { $0.properties.isAlphabetic }) {
                return !Script.isWide(letter)
            }
        }
        return true
    }
}

/// The decoded book text with per-line facts, addressed by UTF-8 byte offsets.
struct SourceText {
    struct Line {
        var range: Range<Int>
        var blank: Bool
        var indented: Bool
        var separator: Bool
        /// Display width: CJK characters count two columns.
        var width: Int
    }

    let text: String
    let lines: [Line]
    /// The width most lines are wrapped at (90th percentile of line widths).
    let wrapWidth: Int

    init(_ text: String) {
        self.text = text
        var lines: [Line] = []
        for r in Lines.ranges(in: text) {
            let s = Self.substring(text, r)
            let first = s.unicodeScalars.first
            let blank = s.unicodeScalars.allSatisfy(Script.isSpace)
            let indented = !blank && (first == "\u{3000}" || first == "\t" || s.hasPrefix("  "))
            // Closing GuoFeng markers are structure, not text to translate.
            let marker = !blank && (Script.trimmed(s) == "</CHAPTER>" || Script.trimmed(s) == "</BOOK>")
            var width = 0
            if !blank { for c in s.unicodeScalars { width += Script.isWide(c) ? 2 : 1 } }
            lines.append(Line(range: r, blank: blank, indented: indented, separator: marker || (!blank && Script.isSeparatorLine(s)), width: width))
        }
        self.lines = lines
        let widths = lines.filter { !$0.blank }.map(\.width).sorted()
        wrapWidth = widths.isEmpty ? 0 : widths[widths.count * 9 / 10]
    }

    static func substring(_ text: String, _ r: Range<Int>) -> Substring {
        let u = text.utf8
        let a = u.index(u.startIndex, offsetBy: r.lowerBound)
        let b = u.index(a, offsetBy: r.count)
        return text[a..<b]
    }

    func substring(_ r: Range<Int>) -> Substring { Self.substring(text, r) }
    func string(_ r: Range<Int>) -> String { String(substring(r)) }
    func line(_ i: Int) -> Substring { substring(lines[i].range) }

    /// A line's range without leading indentation and trailing spaces.
    func trimmedRange(_ i: Int) -> Range<Int> {
        let r = lines[i].range
        let s = substring(r)
        var a = r.lowerBound, b = r.upperBound
        for c in s.unicodeScalars { if Script.isSpace(c) { a += UTF8.width(c) } else { break } }
        for c in s.unicodeScalars.reversed() { if b > a, Script.isSpace(c) { b -= UTF8.width(c) } else { break } }
        return a..<max(a, b)
    }

    /// Whether lines are hard-wrapped inside paragraphs (so that blank lines or indentation mark
    /// paragraph starts) rather than one paragraph a line.
    var isWrapped: Bool {
        var content = 0, markers = 0
        for l in lines where !l.blank {
            content += 1
            if l.indented { markers += 1 }
        }
        markers += lines.filter(\.blank).count
        return markers * 20 >= content
    }
}
