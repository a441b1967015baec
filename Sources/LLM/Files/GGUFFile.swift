/// One tensor of a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: `dims[0]` (ne0) is the contiguous axis, i.e. PyTorch's shape reversed.
    public let dims: [Int]
    public let type: TensorType
    /// Absolute byte offset of the data in the file.
    public let offset: Int
    public let byteCount: Int

    public var elementCount: Int { dims.reduce(1, *) }
    /// Elements per row (ne0) and number of rows (product of the other dims).
    public var rowLength: Int { dims.first ?? 1 }
    public var rowCount: Int { dims.dropFirst().reduce(1, *) }
}

/// A GGUF file (versions 2 and 3, little-endian), memory-mapped and fully validated on open:
/// after `init` succeeds every tensor's bytes lie inside the mapping, so `pointer(to:)` is safe.
public final class GGUFFile: @unchecked Sendable {
    public static let magic: UInt32 = 0x4655_4747  // "GGUF" read as little-endian u32
    /// Nesting limit for arrays of arrays (real files use at most 2; stops stack exhaustion).
    static let maxArrayDepth = 8

    public let path: String
    public let version: UInt32
    public let alignment: Int
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    public let tensors: [GGUFTensorInfo]
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int
    public var fileSize: Int { mapping.size }

    private let mapping: MappedFile
    private let index: [String: Int]

    public init(path: String) throws {
        mapping = try MappedFile(path: path)
        self.path = path
        var r = ByteReader(file: path, base: mapping.base, count: mapping.size)

        let magic = try r.read(UInt32.self, "magic")
        guard magic == GGUFFile.magic else {
            throw r.error("magic", at: 0, "the bytes \"GGUF\" (0x47475546), found 0x\(String(UInt32(bigEndian: magic), radix: 16))")
        }
        let version = try r.read(UInt32.self, "version")
        if version & 0xFFFF == 0 && version != 0 {
            throw r.error("version", at: 4, "a little-endian GGUF (this one looks big-endian: version \(version.byteSwapped))")
        }
        guard version == 2 || version == 3 else {
            throw r.error("version", at: 4, "GGUF version 2 or 3, found \(version)")
        }
        self.version = version

        // Minimum bytes per tensor info: name length, n_dims, type, offset.
        let tensorCount = try r.readCount("tensor_count", minItemBytes: 8 + 4 + 4 + 8)
        // Minimum bytes per key/value: key length, value type, 1-byte value.
        let kvCount = try r.readCount("kv_count", minItemBytes: 8 + 4 + 1)

        var metadata: [String: GGUFValue] = [:]
        metadata.reserveCapacity(kvCount)
        var keys: [String] = []
        for i in 0..<kvCount {
            let at = r.offset
            let key = try r.readString("metadata key #\(i)")
            guard metadata[key] == nil else {
                throw r.error("metadata key '\(key)'", at: at, "unique keys, but this key appears twice")
            }
            let typeAt = r.offset
            let type = try r.read(UInt32.self, "type of '\(key)'")
            guard GGUFValue.minEncodedSize(typeId: type) != nil else {
                throw r.error("type of '\(key)'", at: typeAt, "a value type 0–12, found \(type)")
            }
            metadata[key] = try GGUFFile.readValue(&r, type: type, field: key, depth: 0)
            keys.append(key)
        }
        self.metadata = metadata
        metadataKeys = keys

        var alignment = 32
        if let a = metadata["general.alignment"] {
            guard case .uint32(let v) = a, v > 0, v & (v - 1) == 0 else {
                throw ModelFileError(file: path, field: "general.alignment",
                                     expected: "a u32 power of two, found \(a.typeName) \(a.int.map(String.init) ?? "?")")
            }
            alignment = Int(v)
        }
        self.alignment = alignment

        var infos: [(name: String, dims: [Int], type: TensorType, rel: Int, at: Int)] = []
        infos.reserveCapacity(tensorCount)
        var names: [String: Int] = [:]
        for i in 0..<tensorCount {
            let at = r.offset
            let name = try r.readString("tensor #\(i) name")
            let field = "tensor '\(name)'"
            guard names[name] == nil else { throw r.error(field, at: at, "unique tensor names, but this name appears twice") }
            names[name] = i
            let nDimsAt = r.offset
            let nDims = try r.read(UInt32.self, field + " n_dims")
            guard nDims <= 4 else { throw r.error(field + " n_dims", at: nDimsAt, "at most 4 dimensions, found \(nDims)") }
            var dims: [Int] = []
            var elements = 1
            for d in 0..<Int(nDims) {
                let dAt = r.offset
                let v = try r.read(UInt64.self, field + " dims[\(d)]")
                guard let n = Int(exactly: v), n > 0 else {
                    throw r.error(field + " dims[\(d)]", at: dAt, "a positive dimension, found \(v)")
                }
                let (p, overflow) = elements.multipliedReportingOverflow(by: n)
                guard !overflow, p < (1 << 53) else {
                    throw r.error(field + " dims", at: dAt, "an element count below 2^53, found dims that overflow")
                }
                elements = p
                dims.append(n)
            }
            let typeAt = r.offset
            let rawType = try r.read(UInt32.self, field + " type")
            guard let type = TensorType(rawValue: rawType) else {
                throw r.error(field + " type", at: typeAt, "a known ggml type id, found \(rawType)")
            }
            guard (dims.first ?? 1) % type.blockSize == 0 else {
                throw r.error(field + " dims[0]", at: nDimsAt + 4,
                              "a multiple of the \(type) block size \(type.blockSize), found \(dims.first ?? 1)")
            }
            let offAt = r.offset
            let rel = try r.read(UInt64.self, field + " offset")
            guard let relative = Int(exactly: rel) else {
                throw r.error(field + " offset", at: offAt, "an offset inside the file, found \(rel)")
            }
            guard relative % alignment == 0 else {
                throw r.error(field + " offset", at: offAt, "an offset aligned to \(alignment) bytes, found \(relative)")
            }
            infos.append((name, dims, type, relative, offAt))
        }

        let headerEnd = r.offset
        let dataOffset = (headerEnd + alignment - 1) / alignment * alignment
        if tensorCount > 0 && dataOffset > mapping.size {
            throw ModelFileError(file: path, field: "tensor data", offset: dataOffset,
                                 expected: "tensor data after the header, but the file ends at \(mapping.size) (truncated)")
        }
        self.dataOffset = dataOffset

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for t in infos {
            let elements = t.dims.reduce(1, *)
            let bytes = elements / t.type.blockSize * t.type.blockBytes
            let (start, o1) = dataOffset.addingReportingOverflow(t.rel)
            let (end, o2) = start.addingReportingOverflow(bytes)
            guard !o1, !o2, end <= mapping.size else {
                throw ModelFileError(
                    file: path, field: "tensor '\(t.name)' data", offset: t.at,
                    expected: "\(bytes) bytes of \(t.type) at file offset \(dataOffset) + \(t.rel) inside the file (\(mapping.size) bytes), but it ends past the end")
            }
            tensors.append(GGUFTensorInfo(name: t.name, dims: t.dims, type: t.type, offset: start, byteCount: bytes))
        }
        let byOffset = tensors.sorted { $0.offset < $1.offset }
        for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw ModelFileError(file: path, field: "tensor '\(b.name)' offset", offset: b.offset,
                                 expected: "data not overlapping tensor '\(a.name)' (which ends at \(a.offset + a.byteCount))")
        }
        self.tensors = tensors
        index = names
    }

    private static func readValue(_ r: inout ByteReader, type: UInt32, field: String, depth: Int) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try r.read(UInt8.self, field))
        case 1: return .int8(try r.read(Int8.self, field))
        case 2: return .uint16(try r.read(UInt16.self, field))
        case 3: return .int16(try r.read(Int16.self, field))
        case 4: return .uint32(try r.read(UInt32.self, field))
        case 5: return .int32(try r.read(Int32.self, field))
        case 6: return .float32(try r.readFloat(field))
        case 7:
            let at = r.offset
            let b = try r.read(UInt8.self, field)
            guard b <= 1 else { throw r.error(field, at: at, "a bool (0 or 1), found \(b)") }
            return .bool(b == 1)
        case 8: return .string(try r.readString(field))
        case 9:
            guard depth < maxArrayDepth else {
                throw r.error(field, "arrays nested at most \(maxArrayDepth) deep")
            }
            let typeAt = r.offset
            let elementType = try r.read(UInt32.self, field + " element type")
            guard let minSize = GGUFValue.minEncodedSize(typeId: elementType) else {
                throw r.error(field + " element type", at: typeAt, "a value type 0–12, found \(elementType)")
            }
            let count = try r.readCount(field + " array length", minItemBytes: minSize)
            var items: [GGUFValue] = []
            items.reserveCapacity(count)
            for i in 0..<count {
                items.append(try readValue(&r, type: elementType, field: count > 1 ? "\(field)[\(i)]" : field, depth: depth + 1))
            }
            return .array(items)
        case 10: return .uint64(try r.read(UInt64.self, field))
        case 11: return .int64(try r.read(Int64.self, field))
        case 12: return .float64(try r.readDouble(field))
        default:
            throw r.error(field, "a value type 0–12, found \(type)")
        }
    }

    public func tensor(named name: String) -> GGUFTensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// The tensor's bytes inside the mapping; valid while this GGUFFile is alive.
    public func pointer(to tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        precondition(tensor.offset >= 0 && tensor.offset + tensor.byteCount <= mapping.size, "tensor of another file")
        return mapping.base + tensor.offset
    }

    /// The whole tensor as floats (reference dequantization).
    public func floats(_ tensor: GGUFTensorInfo) throws -> [Float] {
        guard tensor.type.canDequantize else {
            throw ModelFileError(file: path, field: "tensor '\(tensor.name)' type", offset: tensor.offset,
                                 expected: "a supported type (F32 F16 BF16 Q8_0 Q4_0 Q5_0 Q4_K Q5_K Q6_K), found \(tensor.type)")
        }
        let n = tensor.elementCount
        return [Float](unsafeUninitializedCapacity: n) { buf, count in
            dequantize(tensor.type, pointer(to: tensor), buf.baseAddress!, count: n)
            count = n
        }
    }

    /// Metadata value under `general.architecture`'s prefix, e.g. `archValue("block_count")`.
    public var architecture: String? { metadata["general.architecture"]?.string }
    public func archValue(_ key: String) -> GGUFValue? {
        guard let a = architecture else { return nil }
        return metadata[a + "." + key]
    }
}
