import Base
import Foundation

/// Writes a safetensors file: a JSON header (keys sorted, padded with spaces to a multiple of 8)
/// and the tensors' little-endian bytes in name order. Used for PEFT adapters, optimizer moments
/// and test files. F32 tensors are kept as the arrays given (shared, not copied) and streamed to
/// the file, so saving the 1.5B's 0.6 GB of AdamW moments costs no second copy.
public struct SafetensorsWriter: Sendable {
    private enum Payload: Sendable {
        case floats([Float])
        case bytes([UInt8])
        var count: Int {
            switch self {
            case .floats(let f): f.count * 4
            case .bytes(let b): b.count
            }
        }
    }
    private var entries: [String: (dtype: SafetensorDType, shape: [Int], payload: Payload)] = [:]
    public var metadata: [String: String]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds an F32 tensor with a PyTorch-order shape.
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "tensor '\(name)': \(floats.count) values for shape \(shape)")
        add(name, dtype: .f32, shape: shape, payload: .floats(floats))
    }

    /// Adds a tensor from raw little-endian bytes.
    public mutating func add(_ name: String, dtype: SafetensorDType, shape: [Int], bytes: [UInt8]) {
        add(name, dtype: dtype, shape: shape, payload: .bytes(bytes))
    }

    private mutating func add(_ name: String, dtype: SafetensorDType, shape: [Int], payload: Payload) {
        precondition(name != "__metadata__" && entries[name] == nil, "bad or duplicate tensor name '\(name)'")
        precondition(shape.reduce(1, *) * dtype.byteSize == payload.count, "tensor '\(name)': \(payload.count) bytes for \(shape) \(dtype.rawValue)")
        entries[name] = (dtype, shape, payload)
    }

    /// Hands the file's bytes to `emit` in order: the header, then each tensor.
    private func emit(_ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let names = entries.keys.sorted()
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(metadata[$0]!))" }.joined(separator: ",")
            parts.append("\"__metadata__\":{\(m)}")
        }
        var offset = 0
        for name in names {
            let e = entries[name]!
            parts.append("\(jsonQuoted(name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + e.payload.count)]}")
            offset += e.payload.count
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try emit($0) }
        try header.withUnsafeBytes { try emit($0) }
        for name in names {
            switch entries[name]!.payload {
            case .bytes(let b): try b.withUnsafeBytes { try emit($0) }
            case .floats(let f):
                #if _endian(little)
                try f.withUnsafeBytes { try emit($0) }
                #else
                try f.map { $0.bitPattern.littleEndian }.withUnsafeBytes { try emit($0) }
                #endif
            }
        }
    }

    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        emit { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the file through a temporary name and a rename, tensor by tensor.
    public func write(to path: String) throws {
        do { try DurableFile.write(to: path) { try emit($0) } } catch {
            throw ModelFileError(file: path, field: "not written", expected: error.detail)
        }
    }
}
