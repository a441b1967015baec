import CKernels

/// RMSNorm forward over `rows` rows of `n`: y = x / √(mean(x²) + eps) · w. `y` may alias `x`.
/// The weight is applied exactly as given (Gemma's GGUF weights already include the +1).
public func rmsNormForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           rows: Int, n: Int, eps: Float) {
    ck_rmsnorm(x, w, y, Int64(rows), Int64(n), eps)
}
