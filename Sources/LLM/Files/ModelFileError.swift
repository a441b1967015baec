/// A model file (GGUF, safetensors, config.json, tokenizer) that cannot be used as it is.
///
/// The description names the file, the field, the byte offset where known, and what was expected,
/// e.g. `model.gguf: tensor 'blk.0.attn_q.weight' data at byte 6525120: ends at 9999999, past the end of the file (4096 bytes)`.
public struct ModelFileError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let field: String
    public let offset: Int?
    public let expected: String

    public init(file: String, field: String, offset: Int? = nil, expected: String) {
        self.file = file
        self.field = field
        self.offset = offset
        self.expected = expected
    }

    public var description: String {
        let place = offset.map { "\(field) at byte \($0)" } ?? field
        return "\(file): \(place): \(expected)"
    }
}
