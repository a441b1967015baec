import CKernels

/// In-place softmax of `n` values (max subtracted).
public func softmaxForward(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    ck_softmax(x, Int64(n))
}

/// log Σ exp(x) (max subtracted; the sum of exponentials is accumulated in double).
public func logSumExp(_ x: UnsafePointer<Float>, count n: Int) -> Double {
    ck_logsumexp(x, Int64(n))
}

/// Dot product of two f32 vectors.
public func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) -> Float {
    ck_dot_f32(x, y, Int64(n))
}

/// Σ exp(x − m) (for log-sum-exp over pieces of a row).
public func sumExp(_ x: UnsafePointer<Float>, count n: Int, shift m: Float) -> Double {
    ck_sumexp(x, Int64(n), m)
}

/// y += a·x over n values.
public func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
    ck_axpy(a, x, y, Int64(n))
}

/// The largest of n values (−∞ when n = 0).
public func maxValue(_ x: UnsafePointer<Float>, count n: Int) -> Float {
    ck_max(x, Int64(n))
}
