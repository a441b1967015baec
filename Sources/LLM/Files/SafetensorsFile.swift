import Foundation

/// Element types of safetensors files.
public enum SafetensorDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32", f64 = "F64", i64 = "I64", u64 = "U64"
    case f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3", f8e8m0 = "F8_E8M0"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3, .f8e8m0: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// The matching ggml type for the float types this project computes with.
    public var tensorType: TensorType? {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        default: return nil
        }
    }
}

/// One tensor of a safetensors file.
public struct SafetensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorDType
    /// PyTorch order (row-major, last axis contiguous).
    public let shape: [Int]
    /// Absolute byte offset in the file.
    public let offset: Int
    public let byteCount: Int

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file, memory-mapped and validated on open (header JSON, dtypes, shapes, every
/// tensor's byte range inside the data buffer and matching its shape, no overlaps).
public final class SafetensorsFile: @unchecked Sendable {
    public static let maxHeaderBytes = 100_000_000

    public let path: String
    public let tensors: [String: SafetensorInfo]
    public let metadata: [String: String]
    /// Tensor names in data order.
    public let tensorNames: [String]
    public var fileSize: Int { mapping.size }
    private let mapping: MappedFile

    public init(path: String) throws {
        mapping = try MappedFile(path: path)
        self.path = path
        var r = ByteReader(file: path, base: mapping.base, count: mapping.size)
        let n = try r.read(UInt64.self, "header size")
        guard n <= UInt64(Self.maxHeaderBytes), Int(n) <= r.remaining else {
            throw r.error("header size", at: 0, "a JSON header of at most \(min(Self.maxHeaderBytes, r.remaining)) bytes (the rest of the file), found \(n)")
        }
        let headerBytes = try r.readBytes(Int(n), "header")
        let dataStart = 8 + Int(n)
        let dataSize = mapping.size - dataStart
        func fail(_ field: String, _ expected: String, at: Int? = nil) -> ModelFileError {
            ModelFileError(file: path, field: field, offset: at, expected: expected)
        }
        guard headerBytes.first == UInt8(ascii: "{"),
              let json = try? JSONSerialization.jsonObject(with: Data(headerBytes)), let header = json as? [String: Any]
        else {
            throw fail("header", "a JSON object", at: 8)
        }
        var metadata: [String: String] = [:]
        var tensors: [String: SafetensorInfo] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw fail("__metadata__", "an object of strings") }
                for (k, v) in m {
                    guard let s = v as? String else { throw fail("__metadata__.\(k)", "a string value") }
                    metadata[k] = s
                }
                continue
            }
            let field = "tensor '\(name)'"
            guard let t = value as? [String: Any] else { throw fail(field, "an object with dtype, shape, data_offsets") }
            guard let dt = t["dtype"] as? String, let dtype = SafetensorDType(rawValue: dt) else {
                throw fail(field + " dtype", "one of \(SafetensorDType.allCases.map(\.rawValue).joined(separator: " ")), found \(t["dtype"].map { "\($0)" } ?? "nothing")")
            }
            guard let shapeValues = t["shape"] as? [Any], shapeValues.count <= 8 else { throw fail(field + " shape", "an array of at most 8 dimensions") }
            var shape: [Int] = []
            var elements = 1
            for v in shapeValues {
                guard let d = Self.integer(v), d >= 0 else { throw fail(field + " shape", "non-negative integer dimensions, found \(v)") }
                let (p, o) = elements.multipliedReportingOverflow(by: d)
                guard !o, p < (1 << 53) else { throw fail(field + " shape", "a tensor of fewer than 2^53 elements") }
                elements = p
                shape.append(d)
            }
            guard let offs = t["data_offsets"] as? [Any], offs.count == 2,
                  let begin = Self.integer(offs[0]), let end = Self.integer(offs[1]) else {
                throw fail(field + " data_offsets", "[begin, end] integers")
            }
            guard 0 <= begin, begin <= end, end <= dataSize else {
                throw fail(field + " data_offsets", "a range inside the data buffer (\(dataSize) bytes), found [\(begin), \(end)] (truncated file?)", at: dataStart + begin)
            }
            guard end - begin == elements * dtype.byteSize else {
                throw fail(field + " data_offsets", "\(elements * dtype.byteSize) bytes for shape \(shape) \(dtype.rawValue), found \(end - begin)", at: dataStart + begin)
            }
            tensors[name] = SafetensorInfo(name: name, dtype: dtype, shape: shape, offset: dataStart + begin, byteCount: end - begin)
        }
        let ordered = tensors.values.sorted { $0.offset != $1.offset ? $0.offset < $1.offset : $0.name < $1.name }
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw fail("tensor '\(b.name)' data_offsets", "data not overlapping tensor '\(a.name)'", at: b.offset)
        }
        self.tensors = tensors
        self.metadata = metadata
        tensorNames = ordered.map(\.name)
    }

    private static func integer(_ v: Any) -> Int? {
        // JSONSerialization gives NSNumber; accept only integral values (not 1.5).
        guard let n = v as? NSNumber else { return nil }
        return Int(exactly: n.doubleValue)
    }

    /// The tensor's bytes inside the mapping; valid while this file object lives.
    public func pointer(to t: SafetensorInfo) -> UnsafeRawPointer {
        precondition(t.offset + t.byteCount <= mapping.size, "tensor of another file")
        return mapping.base + t.offset
    }

    /// The tensor as floats (F32, F16 and BF16).
    public func floats(_ t: SafetensorInfo) throws -> [Float] {
        guard let type = t.dtype.tensorType else {
            throw ModelFileError(file: path, field: "tensor '\(t.name)' dtype", offset: t.offset, expected: "F32, F16 or BF16, found \(t.dtype.rawValue)")
        }
        let n = t.elementCount
        return [Float](unsafeUninitializedCapacity: n) { buf, count in
            if n > 0 { dequantize(type, pointer(to: t), buf.baseAddress!, count: n) }
            count = n
        }
    }
}
