import CSentencePiece

/// Owns one libsentencepiece processor through the C shim; errors become `ModelFileError`.
final class SentencePieceProcessor: @unchecked Sendable {
    private let handle: OpaquePointer
    let source: String

    private init(source: String) throws {
        guard let h = spp_create() else {
            throw ModelFileError(file: source, field: "tokenizer", expected: "memory for a SentencePiece processor")
        }
        handle = h
        self.source = source
    }

    deinit { spp_free(handle) }

    convenience init(modelFile path: String) throws {
        try self.init(source: path)
        var err = [CChar](repeating: 0, count: 1024)
        let rc = spp_load_file(handle, path, &err, err.count)
        guard rc == 0 else {
            throw ModelFileError(file: path, field: "SentencePiece model", expected: "a loadable tokenizer.model (\(cString(err)))")
        }
    }

    /// Loads a serialized ModelProto; `source`/`field` name where it came from for errors.
    convenience init(serializedProto bytes: [UInt8], source: String, field: String) throws {
        try self.init(source: source)
        var err = [CChar](repeating: 0, count: 1024)
        let rc = spp_load_proto(handle, bytes, bytes.count, &err, err.count)
        guard rc == 0 else {
            throw ModelFileError(file: source, field: field, expected: "a vocabulary SentencePiece accepts (\(cString(err)))")
        }
    }

    var vocabSize: Int { Int(spp_vocab_size(handle)) }
    var addDummyPrefix: Bool { spp_add_dummy_prefix(handle) != 0 }
    var unkId: Int32 { spp_unk_id(handle) }
    var bosId: Int32 { spp_bos_id(handle) }
    var eosId: Int32 { spp_eos_id(handle) }
    var padId: Int32 { spp_pad_id(handle) }

    func pieceType(_ id: Int32) -> Int32 { spp_piece_type(handle, id) }
    func score(_ id: Int32) -> Float { spp_score(handle, id) }

    func pieceBytes(_ id: Int32) -> [UInt8] {
        var ptr: UnsafeMutablePointer<CChar>?
        var len = 0
        guard spp_piece(handle, id, &ptr, &len) == 0, let ptr else { return [] }
        defer { spp_free_text(ptr) }
        return Array(UnsafeRawBufferPointer(start: ptr, count: len))
    }

    /// Encodes raw UTF-8 bytes, appending ids to `out`.
    func encode(_ bytes: UnsafeRawBufferPointer, into out: inout [Int32]) throws {
        var ids: UnsafeMutablePointer<Int32>?
        var count = 0
        var err = [CChar](repeating: 0, count: 512)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let rc = spp_encode(handle, base.assumingMemoryBound(to: CChar.self), bytes.count, &ids, &count, &err, err.count)
        guard rc == 0 else {
            throw ModelFileError(file: source, field: "tokenizer encode", expected: "text SentencePiece can encode (\(cString(err)))")
        }
        defer { spp_free_ids(ids) }
        out.append(contentsOf: UnsafeBufferPointer(start: ids, count: count))
    }
}

func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
