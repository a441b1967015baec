import Base

/// A minimal ordered JSON value for machine-readable output (`--json`), keeping keys in the
/// order sacreBLEU prints them. Numbers print as the shortest round-trip decimal.
public indirect enum JSONValue: Sendable {
    case string(String)
    case number(Double)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public func serialized(indent: Int? = 1, level: Int = 0) -> String {
        switch self {
        case .string(let s): return jsonQuoted(s)
        case .number(let d):
            return d.isFinite ? "\(d)" : "null"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return wrap("[", "]", items.map { $0.serialized(indent: indent, level: level + 1) }, indent, level)
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            let sep = indent == nil ? ":" : ": "
            return wrap("{", "}", pairs.map {
                jsonQuoted($0.0) + sep + $0.1.serialized(indent: indent, level: level + 1)
            }, indent, level)
        }
    }

    private func wrap(_ open: String, _ close: String, _ parts: [String], _ indent: Int?, _ level: Int) -> String {
        guard let indent else { return open + parts.joined(separator: ",") + close }
        let inner = String(repeating: " ", count: indent * (level + 1))
        let outer = String(repeating: " ", count: indent * level)
        return open + "\n" + parts.map { inner + $0 }.joined(separator: ",\n") + "\n" + outer + close
    }
}
