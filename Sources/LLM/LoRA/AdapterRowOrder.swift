/// The Q/K row permutation of `llama` GGUF files (formats.md §1.4): within each head of hd rows,
/// GGUF row 2j holds HF row j and GGUF row 2j+1 holds HF row j + hd/2. LoRA B rows of q/k follow
/// the base weight's row order, so they are permuted whenever an adapter crosses between the
/// two layouts.
enum AdapterRowOrder {
    /// Rows of B (out × rank) from HF order to GGUF order.
    static func hfToGGUF(_ b: [Float], heads: Int, headDim hd: Int, rank: Int) -> [Float] {
        var out = b
        let half = hd / 2
        for h in 0..<heads {
            for j in 0..<half {
                let base = h * hd
                copyRow(b, base + j, &out, base + 2 * j, rank)
                copyRow(b, base + j + half, &out, base + 2 * j + 1, rank)
            }
        }
        return out
    }

    /// Rows of B (out × rank) from GGUF order back to HF order.
    static func ggufToHF(_ b: [Float], heads: Int, headDim hd: Int, rank: Int) -> [Float] {
        var out = b
        let half = hd / 2
        for h in 0..<heads {
            for j in 0..<half {
                let base = h * hd
                copyRow(b, base + 2 * j, &out, base + j, rank)
                copyRow(b, base + 2 * j + 1, &out, base + j + half, rank)
            }
        }
        return out
    }

    private static func copyRow(_ src: [Float], _ s: Int, _ dst: inout [Float], _ d: Int, _ n: Int) {
        for i in 0..<n { dst[d * n + i] = src[s * n + i] }
    }

    /// Heads of the q or k projection, or nil for targets that are never permuted.
    static func heads(_ target: LoRATarget, _ c: ModelConfig) -> Int? {
        switch target {
        case .q: c.heads
        case .k: c.kvHeads
        default: nil
        }
    }

    /// Whether the engine holds this model's q/k rows in the permuted (GGUF `llama`) order: the
    /// adjacent-pair RoPE style is used exactly for those.
    static func engineIsPermuted(_ c: ModelConfig) -> Bool { c.ropeStyle == .adjacent }
    /// Whether llama.cpp expects permuted q/k rows for this architecture.
    static func ggufIsPermuted(_ c: ModelConfig) -> Bool { Architectures.named(c.architecture)?.ggufPermutesQK ?? false }
}
