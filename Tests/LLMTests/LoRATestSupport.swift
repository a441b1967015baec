import Foundation
import LLM
import XCTest

/// Tiny random models (F32 GGUF written with GGUFWriter) for LoRA tests.
enum LoRATestSupport {
    struct Rng {
        var s: UInt64
        mutating func next() -> Float {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float((s >> 40) & 0xFFFFFF) / Float(1 << 24) * 2 - 1
        }
    }

    /// Writes a tiny `gemma3` (tied head, q/k norms, post-norms, sliding layer 0 with window 4),
    /// `llama` (separate output head, GQA, Llama 3 RoPE frequency factors), `qwen2` (tied head,
    /// q/k/v biases) or `qwen3` (separate head, q/k norms) model and loads it.
    static func tinyModel(_ arch: String, layers: Int = 2, seed: UInt64 = 7) throws -> LanguageModel {
        let dim = 32, heads = 2, kvHeads = 1, hd = 16, ffn = 48, vocab = 40
        var rng = Rng(s: seed)
        var w = GGUFWriter()
        w.set("general.architecture", .string(arch))
        w.set("\(arch).embedding_length", .uint32(UInt32(dim)))
        w.set("\(arch).block_count", .uint32(UInt32(layers)))
        w.set("\(arch).feed_forward_length", .uint32(UInt32(ffn)))
        w.set("\(arch).attention.head_count", .uint32(UInt32(heads)))
        w.set("\(arch).attention.head_count_kv", .uint32(UInt32(kvHeads)))
        w.set("\(arch).attention.key_length", .uint32(UInt32(hd)))
        w.set("\(arch).context_length", .uint32(64))
        w.set("\(arch).attention.layer_norm_rms_epsilon", .float32(1e-6))
        w.set("\(arch).vocab_size", .uint32(UInt32(vocab)))
        if arch == "gemma3" {
            w.set("gemma3.attention.sliding_window", .uint32(4))
            w.set("gemma3.attention.sliding_window_pattern", .uint32(2))
        }
        func mat(_ name: String, _ rows: Int, _ cols: Int, _ scale: Float) {
            let s = scale / Float(cols).squareRoot()
            w.addTensor(name: name, dims: [cols, rows], floats: (0..<rows * cols).map { _ in rng.next() * s * 1.7 })
        }
        func norm(_ name: String, _ n: Int) {
            w.addTensor(name: name, dims: [n], floats: (0..<n).map { _ in 1 + 0.3 * rng.next() })
        }
        w.addTensor(name: "token_embd.weight", dims: [dim, vocab], floats: (0..<dim * vocab).map { _ in rng.next() })
        norm("output_norm.weight", dim)
        if arch == "llama" || arch == "qwen3" { mat("output.weight", vocab, dim, 2) }
        if arch == "llama" { w.addTensor(name: "rope_freqs.weight", dims: [hd / 2], floats: (0..<hd / 2).map { i in 1 + Float(i) }) }
        for l in 0..<layers {
            let p = "blk.\(l)."
            norm(p + "attn_norm.weight", dim)
            mat(p + "attn_q.weight", heads * hd, dim, 1)
            mat(p + "attn_k.weight", kvHeads * hd, dim, 1)
            mat(p + "attn_v.weight", kvHeads * hd, dim, 1)
            mat(p + "attn_output.weight", dim, heads * hd, 1)
            norm(p + "ffn_norm.weight", dim)
            mat(p + "ffn_gate.weight", ffn, dim, 1)
            mat(p + "ffn_up.weight", ffn, dim, 1)
            mat(p + "ffn_down.weight", dim, ffn, 1)
            if arch == "qwen2" {
                for (name, n) in [("attn_q", heads * hd), ("attn_k", kvHeads * hd), ("attn_v", kvHeads * hd)] {
                    w.addTensor(name: p + name + ".bias", dims: [n], floats: (0..<n).map { _ in 0.5 * rng.next() })
                }
            }
            if arch == "gemma3" || arch == "qwen3" {
                norm(p + "attn_q_norm.weight", hd)
                norm(p + "attn_k_norm.weight", hd)
            }
            if arch == "gemma3" {
                norm(p + "post_attention_norm.weight", dim)
                norm(p + "post_ffw_norm.weight", dim)
            }
        }
        let path = NSTemporaryDirectory() + "yanfu-lora-tiny-\(arch)-\(layers)-\(seed)-\(getpid()).gguf"
        try w.write(to: path)
        return try LanguageModel.load(path: path, threads: 1)
    }

    /// A random token sequence and a mask with loss on roughly the second half.
    static func sequence(_ n: Int, vocab: Int, seed: UInt64 = 3) -> ([Int32], [Bool]) {
        var rng = Rng(s: seed)
        let ids = (0..<n).map { _ in Int32(Int((rng.next() + 1) / 2 * Float(vocab)) % vocab) }
        let mask = (0..<n).map { i in i >= n / 2 || i % 3 == 1 }
        return (ids, mask)
    }

    /// Fills every B (and perturbs A) with random values so that every gradient is nonzero.
    static func randomize(_ adapter: LoRAAdapter, seed: UInt64 = 11, scale: Float = 0.3) {
        var rng = Rng(s: seed)
        for m in adapter.modules {
            for i in m.b.indices { m.b[i] = rng.next() * scale }
        }
    }

    static func tempDir(_ name: String) -> String {
        let p = NSTemporaryDirectory() + "yanfu-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }
}
