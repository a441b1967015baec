import Foundation

/// Why a JSON file or line does not hold the record it should, naming the field by its path
/// (`chapters[0].base_ppl`) and what it should have been.
public struct FieldError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }

    /// Decodes `type` from `data`, turning a decoding error into a reason a person can act on.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, using decoder: JSONDecoder = JSONDecoder()) throws(FieldError) -> T {
        do { return try decoder.decode(type, from: data) } catch let error as DecodingError {
            // Foundation on Linux reports a number that does not fit an integer field (1.5) as
            // invalid JSON, without the field's path.
            if case .dataCorrupted(let c) = error, c.codingPath.isEmpty, (try? JSONSerialization.jsonObject(with: data)) != nil {
                throw FieldError(reason: "a field that holds a whole number has a fraction or is out of range")
            }
            throw FieldError(reason: reason(error))
        } catch {
            throw FieldError(reason: "\(error)")
        }
    }

    static func reason(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { s, k in k.intValue.map { "\(s)[\($0)]" } ?? (s.isEmpty ? k.stringValue : s + "." + k.stringValue) }
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is Int.Type: return "an integer"
            case is Double.Type, is Float.Type: return "a number"
            case is String.Type: return "a string"
            case is Bool.Type: return "a boolean"
            case is [Any].Type: return "an array"
            default: return String(describing: type).hasPrefix("Array") ? "an array" : "an object"
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return "field \"\(path(context.codingPath + [key]))\" is missing"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            if context.codingPath.isEmpty { return "the top level is not a JSON object" }
            return "field \"\(path(context.codingPath))\" is not \(kind(type))"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "field \"\(path(context.codingPath))\" has a value of the wrong type"
        @unknown default:
            return "\(error)"
        }
    }
}
