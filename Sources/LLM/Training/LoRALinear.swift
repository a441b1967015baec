import CBLAS
import Kernels

/// The LoRA path of one linear layer during training: forward y += s·(drop(x)·Aᵀ)·Bᵀ, keeping
/// drop(x)·Aᵀ for the backward; backward dB += s·dYᵀ·xa, dA += s·(dY·B)ᵀ·drop(x),
/// dX += drop′(s·(dY·B)·A). Dropout masks are regenerated from (seed, step, layer, target, row),
/// never stored.
struct LoRALinearPass {
    let module: LoRAModule
    let scale: Float
    let dropout: Float
    let seed: UInt64
    let step: UInt64

    /// dst = src ⊙ mask / (1 − p) over rows × cols (dst may alias src); then, with `addTo`,
    /// addTo += dst.
    func applyDropout(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                      addTo: UnsafeMutablePointer<Float>? = nil) {
        parallelRanges(rows) { r0, r1 in
            for r in r0..<r1 {
                let rng = LoRARandom(seed: seed, step: step, layer: module.layer, target: module.target.index, row: r)
                dropoutRow(src + r * cols, dst + r * cols, cols: cols, state: rng.state, p: dropout)
                if let y = addTo { for c in r * cols..<(r + 1) * cols { y[c] += dst[c] } }
            }
        }
    }

    /// The input the A matrix sees (x itself without dropout).
    private func dropped(_ x: UnsafePointer<Float>, rows: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if dropout == 0 { return x }
        applyDropout(x, scratch, rows: rows, cols: module.inFeatures)
        return UnsafePointer(scratch)
    }

    func forward(_ x: UnsafePointer<Float>, rows T: Int, y: UnsafeMutablePointer<Float>,
                 xa: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let r = Int32(module.rank), i = Int32(module.inFeatures), o = Int32(module.outFeatures)
        let xd = dropped(x, rows: T, scratch: scratch)
        module.a.withUnsafeBufferPointer { a in
            parallelSgemm(CblasNoTrans, CblasTrans, Int32(T), r, i, 1, xd, i, a.baseAddress!, i, 0, xa, r)
        }
        module.b.withUnsafeBufferPointer { b in
            parallelSgemm(CblasNoTrans, CblasTrans, Int32(T), o, r, scale, xa, r, b.baseAddress!, r, 1, y, o)
        }
    }

    func backward(_ x: UnsafePointer<Float>, rows T: Int, xa: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                  dx: UnsafeMutablePointer<Float>, dA: UnsafeMutablePointer<Float>, dB: UnsafeMutablePointer<Float>,
                  g: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let r = Int32(module.rank), i = Int32(module.inFeatures), o = Int32(module.outFeatures)
        // dB [o×r] += s·dYᵀ·xa ; g = dY·B [T×r]
        parallelSgemm(CblasTrans, CblasNoTrans, o, r, Int32(T), scale, dy, o, xa, r, 1, dB, r)
        module.b.withUnsafeBufferPointer { b in
            parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(T), r, o, 1, dy, o, b.baseAddress!, r, 0, g, r)
        }
        // dA [r×in] += s·gᵀ·drop(x)
        let xd = dropped(x, rows: T, scratch: scratch)
        parallelSgemm(CblasTrans, CblasNoTrans, r, i, Int32(T), scale, g, r, xd, i, 1, dA, i)
        // dX += drop′(s·g·A)
        module.a.withUnsafeBufferPointer { a in
            if dropout == 0 {
                parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(T), i, r, scale, g, r, a.baseAddress!, i, 1, dx, i)
            } else {
                parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(T), i, r, scale, g, r, a.baseAddress!, i, 0, scratch, i)
                applyDropout(scratch, scratch, rows: T, cols: module.inFeatures, addTo: dx)
            }
        }
    }
}
