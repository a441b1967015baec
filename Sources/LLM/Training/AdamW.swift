import Foundation

/// AdamW state for a list of parameter tensors (PyTorch's `torch.optim.AdamW` update, in f32):
/// p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + eps).
final class AdamWState {
    var m: [[Float]]
    var v: [[Float]]
    /// Updates applied so far (t of the bias corrections).
    var t = 0

    init(sizes: [Int]) {
        m = sizes.map { [Float](repeating: 0, count: $0) }
        v = sizes.map { [Float](repeating: 0, count: $0) }
    }

    func update(_ index: Int, params p: UnsafeMutablePointer<Float>, grads g: UnsafePointer<Float>, count: Int,
                lr: Float, config c: AdamWConfig) {
        let bc1 = 1 - powf(c.beta1, Float(t))
        let bc2 = 1 - powf(c.beta2, Float(t))
        let stepSize = lr / bc1
        let bc2Sqrt = bc2.squareRoot()
        let decay = 1 - lr * c.weightDecay
        let b1 = c.beta1, b2 = c.beta2, eps = c.eps
        m[index].withUnsafeMutableBufferPointer { mp in
            v[index].withUnsafeMutableBufferPointer { vp in
                for i in 0..<count {
                    let gi = g[i]
                    if decay != 1 { p[i] *= decay }
                    mp[i] = b1 * mp[i] + (1 - b1) * gi
                    vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                    let denom = vp[i].squareRoot() / bc2Sqrt + eps
                    p[i] -= stepSize * mp[i] / denom
                }
            }
        }
    }
}
