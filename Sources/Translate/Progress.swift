/// What the loop tells its caller as it goes (the command line turns it into a live line or
/// log lines).
public enum TranslateEvent: Sendable {
    /// A warning about the input (e.g. a book without headings).
    case warning(String)
    /// Something worth a log line (resume point, adapter update, files written).
    case note(String)
    case unit(UnitProgress)
}

public struct UnitProgress: Sendable {
    /// 1-based position of the unit's chapter in the selection, and the selection's size.
    public var chapterPosition: Int
    public var chapterCount: Int
    public var chapterNumber: Int
    public var unitsDone: Int
    public var unitsTotal: Int
    /// Generated tokens per second over this session (replayed units included).
    public var tokensPerSecond: Double
    /// Seconds left at this session's pace so far.
    public var etaSeconds: Double?
    public var lastLoss: Float?
    public var adapterVersion: Int
    /// The unit was translated again to rebuild state after a resume.
    public var replayed: Bool
    public var source: String
    public var translation: String
}
