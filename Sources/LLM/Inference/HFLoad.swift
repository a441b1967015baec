import Foundation
import Kernels

extension LanguageModel {
    /// Loads a Hugging Face folder (config.json + safetensors in F32/F16/BF16) of a registered
    /// architecture. The weights stay in the folder's mapping; Q/K rows are in HF order, so RoPE is rotate-half.
    static func loadHFFolder(path: String) throws -> LanguageModel {
        let folder = try HFModelFolder(path: path)
        let configPath = (path as NSString).appendingPathComponent("config.json")
        let config = try Architectures.of(folder.config, path: configPath).config(folder.config, path: configPath)
        let t = try Transformer(config: config, source: HFTensorSource(folder), owner: folder)
        return LanguageModel(path: path, config: config, transformer: t, gguf: nil)
    }
}

/// Serves an HF folder's tensors under GGUF names.
final class HFTensorSource: TensorSource {
    let folder: HFModelFolder
    init(_ folder: HFModelFolder) { self.folder = folder }
    var sourcePath: String { folder.path }

    /// GGUF tensor name → HF parameter name (Llama layout, with qwen3's q/k norms; `.bias` follows `.weight`).
    static func hfName(_ name: String) -> String {
        let fixed = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
                     "output.weight": "lm_head.weight"]
        if let f = fixed[name] { return f }
        let parts = name.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk" else { return name }
        let roles = ["attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
                     "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj", "ffn_norm": "post_attention_layernorm",
                     "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
                     "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"]
        let rest = parts[2]   // e.g. "attn_q.weight"
        guard let dot = rest.firstIndex(of: "."), let role = roles[String(rest[..<dot])] else { return name }
        return "model.layers.\(parts[1]).\(role)\(rest[dot...])"
    }

    func has(_ name: String) -> Bool { folder.tensor(named: Self.hfName(name)) != nil }

    private func info(_ name: String, shape: [Int]) throws -> (SafetensorInfo, TensorType) {
        let hf = Self.hfName(name)
        guard let t = folder.tensor(named: hf) else {
            throw ModelFileError(file: folder.path, field: "tensor '\(hf)'", expected: "present (needed by the forward pass)")
        }
        if t.shape != shape {
            throw ModelFileError(file: folder.path, field: "tensor '\(hf)' shape", offset: t.offset,
                                 expected: "\(shape) (from config.json), found \(t.shape)")
        }
        guard let type = t.dtype.tensorType else {
            throw ModelFileError(file: folder.path, field: "tensor '\(hf)' dtype", offset: t.offset,
                                 expected: "F32, F16 or BF16, found \(t.dtype.rawValue)")
        }
        return (t, type)
    }

    func matrix(_ name: String, rows: Int, cols: Int) throws -> WeightMatrix {
        let (_, type) = try info(name, shape: [rows, cols])
        return WeightMatrix(type: type, data: folder.pointer(to: Self.hfName(name))!, rows: rows, cols: cols)
    }

    func vector(_ name: String, count: Int) throws -> [Float] {
        _ = try info(name, shape: [count])
        return try folder.floats(named: Self.hfName(name))
    }
}
