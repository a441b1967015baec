import Base
import Foundation

/// Writes a safetensors file: a JSON header (keys sorted, padded with spaces to a multiple of 8)
/// and the tensors' little-endian bytes in name order. Used for PEFT adapters and test files.
public struct SafetensorsWriter: Sendable {
    private var entries: [String: (dtype: SafetensorDType, shape: [Int], bytes: [UInt8])] = [:]
    public var metadata: [String: String]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds an F32 tensor with a PyTorch-order shape.
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "tensor '\(name)': \(floats.count) values for shape \(shape)")
        var bytes = [UInt8](repeating: 0, count: floats.count * 4)
        bytes.withUnsafeMutableBytes { b in
            for (i, f) in floats.enumerated() { b.storeBytes(of: f.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        add(name, dtype: .f32, shape: shape, bytes: bytes)
    }

    /// Adds a tensor from raw little-endian bytes.
    public mutating func add(_ name: String, dtype: SafetensorDType, shape: [Int], bytes: [UInt8]) {
        precondition(name != "__metadata__" && entries[name] == nil, "bad or duplicate tensor name '\(name)'")
        precondition(shape.reduce(1, *) * dtype.byteSize == bytes.count, "tensor '\(name)': \(bytes.count) bytes for \(shape) \(dtype.rawValue)")
        entries[name] = (dtype, shape, bytes)
    }

    public func serialized() -> [UInt8] {
        let names = entries.keys.sorted()
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(metadata[$0]!))" }.joined(separator: ",")
            parts.append("\"__metadata__\":{\(m)}")
        }
        var offset = 0
        for name in names {
            let e = entries[name]!
            parts.append("\(jsonQuoted(name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names { out.append(contentsOf: entries[name]!.bytes) }
        return out
    }

    /// Writes the file through a temporary name and a rename.
    public func write(to path: String) throws {
        try writeFileAtomically(serialized(), to: path)
    }
}
