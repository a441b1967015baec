// Element-wise passes over activation buffers (rows × features), split across the pool when
// they are long enough to pay for it. Every element is computed alone, so the results do not
// depend on the split or the thread count.

/// Below this many values an element-wise pass runs in the calling thread (a pool dispatch costs
/// more than the work).
public let parallelElementsMinimum = 1 << 15

/// Runs body(i0, i1) over [0, n): in ranges whose bounds are multiples of 64 on the pool for long
/// passes (so SIMD kernels meet every element in the same lane position as one whole call), or
/// in one call for short ones.
public func parallelElements(_ n: Int, _ body: (Int, Int) -> Void) {
    let threads = max(1, KernelThreads.count)
    if threads == 1 || n < parallelElementsMinimum { if n > 0 { body(0, n) }; return }
    let blocks = (n + 63) / 64
    parallelFor(blocks, chunks: threads) { b0, b1, _ in body(b0 * 64, min(n, b1 * 64)) }
}

/// y += x.
public func accumulate(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
    parallelElements(n) { i0, i1 in for i in i0..<i1 { y[i] += x[i] } }
}

/// out = a + b (out may alias either).
public func sum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int) {
    parallelElements(n) { i0, i1 in for i in i0..<i1 { out[i] = a[i] + b[i] } }
}

/// x *= s.
public func scale(_ x: UnsafeMutablePointer<Float>, by s: Float, count n: Int) {
    parallelElements(n) { i0, i1 in for i in i0..<i1 { x[i] *= s } }
}

/// y = x.
public func copy(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
    parallelElements(n) { i0, i1 in (y + i0).update(from: x + i0, count: i1 - i0) }
}

/// y = 0.
public func zero(_ y: UnsafeMutablePointer<Float>, count n: Int) {
    parallelElements(n) { i0, i1 in (y + i0).update(repeating: 0, count: i1 - i0) }
}

/// y[r] += b for each of `rows` rows of `cols` values (a linear layer's bias).
public func addBias(_ b: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
    parallelElements(rows * cols) { i0, i1 in for i in i0..<i1 { y[i] += b[i % cols] } }
}
