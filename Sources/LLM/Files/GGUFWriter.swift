/// Builds a GGUF v3 file: metadata in insertion order, then tensor infos, then the tensor data,
/// each tensor padded to `alignment`. Used for GGUF LoRA adapters and to make test files.
public struct GGUFWriter: Sendable {
    public let alignment: Int
    private var keys: [String] = []
    private var values: [String: GGUFValue] = [:]
    private var tensors: [(name: String, dims: [Int], type: TensorType, data: [UInt8])] = []

    /// `alignment` other than 32 is recorded as `general.alignment`.
    public init(alignment: Int = 32) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.alignment = alignment
        if alignment != 32 { set("general.alignment", .uint32(UInt32(alignment))) }
    }

    /// Sets a metadata value (replacing an earlier one under the same key, keeping its position).
    /// Arrays must be homogeneous; an empty array is written with element type u8.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
    }

    /// Adds a tensor from raw bytes in `type`'s layout; `dims` in ggml order (ne0 first).
    public mutating func addTensor(name: String, dims: [Int], type: TensorType, bytes: [UInt8]) {
        let n = dims.reduce(1, *)
        precondition(dims.allSatisfy { $0 > 0 } && (dims.first ?? 1) % type.blockSize == 0, "bad dims \(dims) for \(type)")
        precondition(bytes.count == n / type.blockSize * type.blockBytes, "tensor '\(name)': \(bytes.count) bytes for \(dims) \(type)")
        precondition(!tensors.contains { $0.name == name }, "duplicate tensor '\(name)'")
        tensors.append((name, dims, type, bytes))
    }

    /// Adds an F32 tensor; `dims` in ggml order (ne0 first, i.e. PyTorch's shape reversed).
    public mutating func addTensor(name: String, dims: [Int], floats: [Float]) {
        var bytes = [UInt8](repeating: 0, count: floats.count * 4)
        bytes.withUnsafeMutableBytes { b in
            for (i, f) in floats.enumerated() { b.storeBytes(of: f.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        addTensor(name: name, dims: dims, type: .f32, bytes: bytes)
    }

    /// The complete file.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func putString(_ s: String) { put(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func pad() { while out.count % alignment != 0 { out.append(0) } }
        func putValue(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): put(x)
            case .int8(let x): put(x)
            case .uint16(let x): put(x)
            case .int16(let x): put(x)
            case .uint32(let x): put(x)
            case .int32(let x): put(x)
            case .float32(let x): put(x.bitPattern)
            case .bool(let x): put(UInt8(x ? 1 : 0))
            case .string(let s): putString(s)
            case .array(let a):
                let type = a.first?.typeId ?? 0
                precondition(a.allSatisfy { $0.typeId == type }, "GGUF arrays must be homogeneous")
                put(type)
                put(UInt64(a.count))
                for e in a { putValue(e) }
            case .uint64(let x): put(x)
            case .int64(let x): put(x)
            case .float64(let x): put(x.bitPattern)
            }
        }

        put(GGUFFile.magic)
        put(UInt32(3))
        put(UInt64(tensors.count))
        put(UInt64(keys.count))
        for k in keys {
            let v = values[k]!
            putString(k)
            put(v.typeId)
            putValue(v)
        }
        var offset = 0
        for t in tensors {
            putString(t.name)
            put(UInt32(t.dims.count))
            for d in t.dims { put(UInt64(d)) }
            put(t.type.rawValue)
            put(UInt64(offset))
            offset += (t.data.count + alignment - 1) / alignment * alignment
        }
        pad()
        for t in tensors {
            out.append(contentsOf: t.data)
            pad()
        }
        return out
    }

    /// Writes the file through a temporary name and a rename.
    public func write(to path: String) throws {
        try writeFileAtomically(serialized(), to: path)
    }
}
