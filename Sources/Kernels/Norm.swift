import CKernels

/// RMSNorm forward over `rows` rows of `n`: y = x / √(mean(x²) + eps) · w. `y` may alias `x`.
/// The weight is applied exactly as given (Gemma's GGUF weights already include the +1).
public func rmsNormForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           rows: Int, n: Int, eps: Float) {
    if rows * n < parallelElementsMinimum { ck_rmsnorm(x, w, y, Int64(rows), Int64(n), eps); return }
    parallelRanges(rows) { r0, r1 in ck_rmsnorm(x + r0 * n, w, y + r0 * n, Int64(r1 - r0), Int64(n), eps) }
}

/// RMSNorm backward (no weight gradient): for y = x·r·w with r = 1/√(mean(x²) + eps),
/// dx += r·(w⊙dy) − x·r³·Σ(w⊙dy⊙x)/n, row by row. `x` is the forward input.
public func rmsNormBackward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                            _ dx: UnsafeMutablePointer<Float>, rows: Int, n: Int, eps: Float) {
    parallelRanges(rows) { r0, r1 in
    for row in r0..<r1 {
        let xr = x + row * n, gr = dy + row * n, dr = dx + row * n
        // Σx² in double as ck_rmsnorm does, so r matches the forward's value.
        var ss = 0.0
        var dotGX: Float = 0
        for i in 0..<n {
            ss += Double(xr[i]) * Double(xr[i])
            dotGX += gr[i] * w[i] * xr[i]
        }
        let r = 1 / (Float(ss / Double(n)) + eps).squareRoot()
        let c = dotGX * r * r * r / Float(n)
        for i in 0..<n { dr[i] += r * w[i] * gr[i] - c * xr[i] }
    }
    }
}
