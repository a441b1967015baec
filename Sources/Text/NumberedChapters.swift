/// What pairs a chapter with its counterpart in another book: the number in its heading, and the
/// volume when the book's numbers restart in each volume (第一卷 第一章…第十章, 第二卷 第一章…),
/// where the number alone is not a key.
public struct ChapterKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Index into `Book.volumes` (-1 before the first volume heading); nil when the numbers run
    /// through the book.
    public var volume: Int?
    public var number: Int

    public init(volume: Int? = nil, number: Int) {
        self.volume = volume
        self.number = number
    }

    public static func < (a: ChapterKey, b: ChapterKey) -> Bool {
        (a.volume ?? -1, a.number) < (b.volume ?? -1, b.number)
    }

    /// "7", "7 of volume 2" (volumes counted from 1) or "7 before the first volume".
    public var description: String {
        guard let volume else { return String(number) }
        return volume < 0 ? "\(number) before the first volume" : "\(number) of volume \(volume + 1)"
    }
}

/// One side's numbered chapters by key, in reading order. A key that comes again keeps its first
/// chapter (the later ones are listed in `repeated`); unnumbered chapters (楔子, 尾声) are counted.
public struct NumberedChapters<Item> {
    public var order: [ChapterKey] = []
    public var items: [ChapterKey: Item] = [:]
    public var repeated: [ChapterKey] = []
    public var unnumbered = 0

    public init(_ entries: [(key: ChapterKey?, item: Item)]) {
        for (key, item) in entries {
            guard let key else { unnumbered += 1; continue }
            if items[key] == nil {
                items[key] = item
                order.append(key)
            } else {
                repeated.append(key)
            }
        }
    }

    public subscript(key: ChapterKey) -> Item? { items[key] }

    public var isEmpty: Bool { order.isEmpty }
}

extension NumberedChapters where Item == Chapter {
    /// A book's chapters, keyed by number, or by volume and number when a number repeats.
    public init(book: Book) {
        let numbers = book.chapters.compactMap(\.number)
        let restarts = Set(numbers).count != numbers.count
        self.init(book.chapters.map { c in
            (c.number.map { ChapterKey(volume: restarts ? c.volume ?? -1 : nil, number: $0) }, c)
        })
    }
}

/// Sides (books, runs, references) paired by chapter key: the keys every side has, in the first
/// side's order, and per side the keys it has that are not shared.
public struct ChapterMatch: Sendable, Equatable {
    public var shared: [ChapterKey]
    public var leftOut: [[ChapterKey]]

    /// `sides`: each side's keys in its reading order, each once.
    public init(_ sides: [[ChapterKey]]) {
        let sets = sides.map(Set.init)
        shared = sides.first?.filter { key in sets.allSatisfy { $0.contains(key) } } ?? []
        let common = Set(shared)
        leftOut = sides.map { $0.filter { !common.contains($0) } }
    }

    public init<A, B>(_ a: NumberedChapters<A>, _ b: NumberedChapters<B>) {
        self.init([a.order, b.order])
    }
}
