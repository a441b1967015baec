import Foundation
import ZIPFoundation

/// The ZIP container of an EPUB (OCF): entries by their path inside the book, read on demand.
/// Reading and writing both go through ZIPFoundation; nothing here inflates by hand.
public struct EPUBArchive {
    public let file: String
    private let archive: Archive
    /// Entry path → entry. Paths are the raw UTF-8 names (OCF requires UTF-8), not percent-encoded.
    private let entries: [String: Entry]
    public var paths: [String] { entries.keys.sorted() }

    /// True when the bytes start like a ZIP file (local file header).
    public static func looksLikeZIP(_ bytes: some Collection<UInt8>) -> Bool {
        Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04]
    }

    public init(file: String) throws {
        let data = Data(try FileIO.readBytes(file))
        try self.init(data: data, file: file)
    }

    public init(data: Data, file: String) throws {
        self.file = file
        do {
            // OCF names are UTF-8 whether or not the writer set the ZIP's UTF-8 flag.
            archive = try Archive(data: data, accessMode: .read, pathEncoding: .utf8)
        } catch {
            throw TextError.badEPUB(file: file, entry: nil, problem: "cannot open it as a ZIP archive (\(error)); expected an EPUB (a ZIP file)")
        }
        var map: [String: Entry] = [:]
        for entry in archive { map[entry.path(using: .utf8)] = entry }
        entries = map
    }

    public func contains(_ path: String) -> Bool { entries[path] != nil || caseFolded(path) != nil }

    private func caseFolded(_ path: String) -> Entry? {
        let lower = path.lowercased()
        return entries.first { $0.key.lowercased() == lower }?.value
    }

    /// The bytes of one entry. `purpose` says what the entry was expected to be, for the error.
    public func data(_ path: String, purpose: String) throws -> Data {
        // Some tools write names that differ in case from the manifest's hrefs; a reader that
        // follows the letter of the spec would lose the chapter, so accept a unique match.
        guard let entry = entries[path] ?? caseFolded(path) else {
            throw TextError.badEPUB(file: file, entry: path, problem: "missing from the archive; expected \(purpose)")
        }
        var out = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { out.append($0) }
        } catch {
            throw TextError.badEPUB(file: file, entry: path, problem: "cannot be read (\(error)); expected \(purpose)")
        }
        return out
    }

    /// An entry that must be UTF-8 text (XML documents go to the parser as bytes instead, which
    /// honours their encoding declaration).
    public func text(_ path: String, purpose: String) throws -> String {
        guard let s = String(data: try data(path, purpose: purpose), encoding: .utf8) else {
            throw TextError.badEPUB(file: file, entry: path, problem: "is not valid UTF-8; expected \(purpose)")
        }
        return s
    }
}

/// Writes an EPUB container whose bytes depend only on its entries: `mimetype` first and
/// stored, every entry stamped with one fixed date, entries in the order given.
public struct EPUBZipWriter {
    /// 1980-01-01 00:00:00 UTC, the first date a ZIP (MS-DOS) timestamp can hold. A constant,
    /// so a resumed run writes the same bytes as an uninterrupted one.
    public static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    public struct Item {
        public var path: String
        public var data: Data
        public init(path: String, data: Data) { self.path = path; self.data = data }
    }

    public static func build(_ items: [Item]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: .utf8)
        var all = [Item(path: "mimetype", data: Data("application/epub+zip".utf8))]
        all += items.filter { $0.path != "mimetype" }
        var seen = Set<String>()
        for item in all {
            guard seen.insert(item.path).inserted else { continue }
            let data = item.data
            // mimetype must be stored (OCF); the rest is deflated.
            try archive.addEntry(with: item.path, type: .file, uncompressedSize: Int64(data.count),
                                 modificationDate: fixedDate, permissions: 0o644,
                                 compressionMethod: item.path == "mimetype" ? .none : .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let bytes = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return bytes
    }
}
