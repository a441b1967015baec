import CKernels

/// Inverted dropout of one row of `cols` values with a regenerated mask: element c is kept
/// (scaled by 1/(1−p)) when its 24-bit draw is below (1−p)·2²⁴. The draws continue the SplitMix64
/// stream whose state is `state`; each 64-bit draw decides two elements (bits 40…63, then 8…31).
/// `dst` may alias `src`.
public func dropoutRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, cols: Int, state: UInt64,
                       p: Float) {
    ck_dropout_row(src, dst, Int64(cols), state, UInt32((1 - p) * 16_777_216), 1 / (1 - p))
}
