/// Writes a serialized SentencePiece `ModelProto` (protobuf, by hand) for a GGUF `llama`
/// vocabulary, so libsentencepiece encodes it the way llama.cpp does (research notes §3.4):
/// BPE by score with byte fallback, user-defined space runs renamed to U+2581 runs, and the
/// normalizer told explicitly not to add a dummy prefix or collapse whitespace.
struct ModelProtoBuilder {
    enum PieceType: Int32 { case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6 }

    struct Piece {
        var text: [UInt8]
        var score: Float
        var type: PieceType
    }

    var pieces: [Piece] = []
    var unkId: Int32 = -1, bosId: Int32 = -1, eosId: Int32 = -1, padId: Int32 = -1
    var byteFallback = true

    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pieces.count * 24 + 256)
        for p in pieces {
            var m: [UInt8] = []
            Self.bytesField(1, p.text, &m)
            Self.key(2, wire: 5, &m)
            withUnsafeBytes(of: p.score.bitPattern.littleEndian) { m.append(contentsOf: $0) }
            Self.varintField(3, UInt64(p.type.rawValue), &m)
            Self.bytesField(1, m, &out)
        }

        var trainer: [UInt8] = []
        Self.varintField(3, 2, &trainer)  // model_type = BPE
        Self.varintField(4, UInt64(pieces.count), &trainer)  // vocab_size
        Self.varintField(24, 0, &trainer)  // treat_whitespace_as_suffix = false
        Self.varintField(35, byteFallback ? 1 : 0, &trainer)
        Self.varintField(40, UInt64(bitPattern: Int64(unkId)), &trainer)
        Self.varintField(41, UInt64(bitPattern: Int64(bosId)), &trainer)
        Self.varintField(42, UInt64(bitPattern: Int64(eosId)), &trainer)
        Self.varintField(43, UInt64(bitPattern: Int64(padId)), &trainer)
        // The special pieces' names decide what bos_id()/eos_id() report.
        for (field, id) in [(45, unkId), (46, bosId), (47, eosId), (48, padId)] where id >= 0 && Int(id) < pieces.count {
            Self.bytesField(field, pieces[Int(id)].text, &trainer)
        }
        Self.bytesField(2, trainer, &out)

        var normalizer: [UInt8] = []
        Self.bytesField(1, Array("identity".utf8), &normalizer)
        Self.varintField(3, 0, &normalizer)  // add_dummy_prefix: proto2 default is true, so say false
        Self.varintField(4, 0, &normalizer)  // remove_extra_whitespaces: likewise
        Self.varintField(5, 1, &normalizer)  // escape_whitespaces
        Self.bytesField(3, normalizer, &out)
        return out
    }

    private static func varint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func key(_ field: Int, wire: UInt64, _ out: inout [UInt8]) {
        varint(UInt64(field) << 3 | wire, &out)
    }

    private static func varintField(_ field: Int, _ v: UInt64, _ out: inout [UInt8]) {
        key(field, wire: 0, &out)
        varint(v, &out)
    }

    private static func bytesField(_ field: Int, _ bytes: [UInt8], _ out: inout [UInt8]) {
        key(field, wire: 2, &out)
        varint(UInt64(bytes.count), &out)
        out.append(contentsOf: bytes)
    }
}
