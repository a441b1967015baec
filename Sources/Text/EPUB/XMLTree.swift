import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree built with Foundation's XMLParser (libxml2), namespaces resolved: the
/// OPF, NCX, navigation and XHTML documents of an EPUB are all read through it.
final class MarkupElement {
    /// Local name, lowercased for XHTML's sake ("p", "navPoint" → "navpoint").
    let name: String
    let namespace: String
    /// Attributes by qualified name as written ("epub:type", "xml:lang", "href").
    let attributes: [String: String]
    var children: [Child] = []
    /// 1-based line of the start tag, for error messages.
    let line: Int

    init(name: String, namespace: String, attributes: [String: String], line: Int) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.line = line
    }

    enum Child {
        case element(MarkupElement)
        case text(String)
    }

    var elements: [MarkupElement] {
        children.compactMap { if case let .element(e) = $0 { return e } else { return nil } }
    }

    func first(_ name: String) -> MarkupElement? { elements.first { $0.name == name } }
    func all(_ name: String) -> [MarkupElement] { elements.filter { $0.name == name } }

    /// Every descendant element, depth first in document order.
    func descendants(_ name: String? = nil) -> [MarkupElement] {
        var out: [MarkupElement] = []
        func walk(_ e: MarkupElement) {
            for c in e.elements {
                if name == nil || c.name == name { out.append(c) }
                walk(c)
            }
        }
        walk(self)
        return out
    }

    /// All text inside, in document order.
    var text: String {
        var s = ""
        for c in children {
            switch c {
            case let .text(t): s += t
            case let .element(e): s += e.text
            }
        }
        return s
    }

    /// An attribute by local name, whatever its prefix ("type" finds "epub:type" and "ops:type").
    func attribute(local: String) -> String? {
        if let v = attributes[local] { return v }
        return attributes.first { $0.key.hasSuffix(":" + local) }?.value
    }

    /// The space-separated tokens of `epub:type`.
    var epubTypes: [String] { (attribute(local: "type") ?? "").split(separator: " ").map(String.init) }
}

enum XMLTree {
    /// Parses a document; `file`/`entry` name it in errors.
    static func parse(_ data: Data, file: String, entry: String, expected: String) throws -> MarkupElement {
        let builder = Builder()
        let parser = XMLParser(data: replacingHTMLEntities(data))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        builder.parser = parser
        let ok = parser.parse()
        // swift-corelibs' parser can return true after reporting an error to the delegate.
        if let e = builder.error ?? (ok ? nil : parser.parserError.map { (parser.lineNumber, parser.columnNumber, $0) }) {
            throw TextError.badEPUB(file: file, entry: entry,
                                    problem: "line \(e.line), column \(e.column): not well-formed XML (\(describe(e.error))); expected \(expected)")
        }
        if builder.root == nil || !builder.stack.isEmpty {
            throw TextError.badEPUB(file: file, entry: entry,
                                    problem: "line \(parser.lineNumber): not well-formed XML (\(builder.root == nil ? "no root element" : "<\(builder.stack.last!.name)> is never closed")); expected \(expected)")
        }
        return builder.root!
    }

    /// XHTML written by hand or by HTML tools uses HTML's named entities, which XML does not
    /// know without the DTD (libxml2 would stop at the first `&nbsp;`). They become character
    /// references; the five XML entities are left alone.
    static func replacingHTMLEntities(_ data: Data) -> Data {
        guard data.contains(UInt8(ascii: "&")) else { return data }
        let s = String(decoding: data, as: UTF8.self)
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = String(after[..<semi])
                if let code = htmlEntities[name] {
                    out += "&#\(code);"
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        out += rest
        return Data(out.utf8)
    }

    static let htmlEntities: [String: Int] = [
        "nbsp": 160, "iexcl": 161, "cent": 162, "pound": 163, "yen": 165, "sect": 167, "copy": 169, "laquo": 171,
        "reg": 174, "deg": 176, "plusmn": 177, "middot": 183, "raquo": 187, "iquest": 191, "times": 215, "divide": 247,
        "ensp": 8194, "emsp": 8195, "thinsp": 8201, "zwnj": 8204, "zwj": 8205, "ndash": 8211, "mdash": 8212,
        "lsquo": 8216, "rsquo": 8217, "sbquo": 8218, "ldquo": 8220, "rdquo": 8221, "bdquo": 8222, "dagger": 8224,
        "Dagger": 8225, "bull": 8226, "hellip": 8230, "permil": 8240, "prime": 8242, "lsaquo": 8249, "rsaquo": 8250,
        "euro": 8364, "trade": 8482, "larr": 8592, "rarr": 8594, "uarr": 8593, "darr": 8595, "shy": 173, "para": 182,
        "acute": 180, "uml": 168, "ordf": 170, "ordm": 186, "sup1": 185, "sup2": 178, "sup3": 179, "frac12": 189,
        "frac14": 188, "frac34": 190, "eacute": 233, "egrave": 232, "agrave": 224, "aacute": 225, "ouml": 246, "uuml": 252,
    ]

    /// libxml2's error codes (xmlParserErrors) that books run into, in words.
    static let libxml2Errors: [Int: String] = [
        4: "the document is empty", 5: "extra content after the root element", 9: "a character not allowed in XML",
        26: "an entity that is not declared", 41: "an attribute without a value", 42: "an attribute given twice",
        68: "a name was expected", 73: "'>' was expected", 76: "an end tag that does not match the open element",
        77: "an element that is never closed",
    ]

    static func describe(_ error: Error) -> String {
        let e = error as NSError
        if let words = libxml2Errors[e.code] { return words }
        return e.localizedDescription.isEmpty || e.localizedDescription.hasPrefix("The operation") ? "libxml2 error \(e.code)" : e.localizedDescription
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: MarkupElement?
        var error: (line: Int, column: Int, error: Error)?
        var stack: [MarkupElement] = []
        weak var parser: XMLParser?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let local = (elementName.split(separator: ":").last.map(String.init) ?? elementName).lowercased()
            let e = MarkupElement(name: local, namespace: namespaceURI ?? "", attributes: attributeDict, line: parser.lineNumber)
            if let top = stack.last { top.children.append(.element(e)) } else if root == nil { root = e }
            stack.append(e)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard let top = stack.last else { return }
            if case let .text(t)? = top.children.last {
                top.children[top.children.count - 1] = .text(t + string)
            } else {
                top.children.append(.text(string))
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = (parser.lineNumber, parser.columnNumber, parseError) }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
        }
    }
}
