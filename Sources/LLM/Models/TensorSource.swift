import Kernels

/// Where a model's weights come from, by GGUF tensor name ("blk.3.attn_q.weight"). A GGUF file
/// serves them from its mapping; an HF folder translates the names to its own.
protocol TensorSource: AnyObject {
    /// File or folder, for error messages.
    var sourcePath: String { get }
    func has(_ name: String) -> Bool
    /// A weight of `rows` outputs × `cols` inputs (GGUF dims [cols, rows]).
    func matrix(_ name: String, rows: Int, cols: Int) throws -> WeightMatrix
    /// A vector of `count` floats (dequantized copy).
    func vector(_ name: String, count: Int) throws -> [Float]
}

extension TensorSource {
    func linear(_ name: String, rows: Int, cols: Int) throws -> LinearWeight {
        LinearWeight(try matrix(name, rows: rows, cols: cols))
    }

    func missing(_ name: String) -> ModelFileError {
        ModelFileError(file: sourcePath, field: "tensor '\(name)'", expected: "present (needed by the forward pass)")
    }
}

final class GGUFTensorSource: TensorSource {
    let file: GGUFFile
    init(_ file: GGUFFile) { self.file = file }
    var sourcePath: String { file.path }

    func has(_ name: String) -> Bool { file.tensor(named: name) != nil }

    private func info(_ name: String, dims: [Int]) throws -> GGUFTensorInfo {
        guard let t = file.tensor(named: name) else { throw missing(name) }
        if t.dims != dims {
            throw ModelFileError(file: file.path, field: "tensor '\(name)' dims", offset: t.offset,
                                 expected: "\(dims) (from the metadata), found \(t.dims)")
        }
        if !WeightMatrix.supports(t.type) || !t.type.canDequantize {
            throw ModelFileError(file: file.path, field: "tensor '\(name)' type", offset: t.offset,
                                 expected: "one of F32 F16 BF16 Q8_0 Q4_0 Q5_0 Q4_K Q5_K Q6_K, found \(t.type)")
        }
        return t
    }

    func matrix(_ name: String, rows: Int, cols: Int) throws -> WeightMatrix {
        let t = try info(name, dims: [cols, rows])
        return WeightMatrix(type: t.type, data: file.pointer(to: t), rows: rows, cols: cols)
    }

    func vector(_ name: String, count: Int) throws -> [Float] {
        try file.floats(try info(name, dims: [count]))
    }
}

/// Reads GGUF metadata `<arch>.<key>` with a clear error when it is missing or mistyped.
struct GGUFHyperparameters {
    let file: GGUFFile

    func int(_ key: String) throws -> Int {
        guard let v = file.archValue(key) else {
            throw ModelFileError(file: file.path, field: "metadata '\(file.architecture ?? "?").\(key)'", expected: "present")
        }
        guard let i = v.int else {
            throw ModelFileError(file: file.path, field: "metadata '\(file.architecture ?? "?").\(key)'", expected: "an integer")
        }
        return i
    }

    func int(_ key: String, default d: Int) throws -> Int {
        file.archValue(key) == nil ? d : try int(key)
    }

    func float(_ key: String, default d: Float) throws -> Float {
        guard let v = file.archValue(key) else { return d }
        guard let x = v.double else {
            throw ModelFileError(file: file.path, field: "metadata '\(file.architecture ?? "?").\(key)'", expected: "a number")
        }
        return Float(x)
    }

    /// Vocabulary size: `<arch>.vocab_size`, else the token list length, else the embedding rows.
    func vocabSize() -> Int {
        if let v = file.archValue("vocab_size")?.int { return v }
        if let n = file.metadata["tokenizer.ggml.tokens"]?.array?.count { return n }
        return file.tensor(named: "token_embd.weight")?.dims.last ?? 0
    }
}
