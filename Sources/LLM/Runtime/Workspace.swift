import Kernels

/// Activation buffers for up to `maxRows` positions per forward call, allocated once.
final class Workspace: @unchecked Sendable {
    let maxRows: Int
    let x, xb, q, k, v, att, gate, up: UnsafeMutablePointer<Float>
    /// Cos/sin tables per row, for the global and the local RoPE base.
    let csGlobal, csLocal: UnsafeMutablePointer<Float>
    /// Dequantized weight tiles for the matrix products of prefill.
    let weightScratch: UnsafeMutableBufferPointer<Float>
    private var scores: UnsafeMutablePointer<Float>
    private var scoresCount: Int
    private var all: [UnsafeMutableRawPointer] = []

    init(config c: ModelConfig, maxRows: Int, weightScratchCount: Int) {
        self.maxRows = maxRows
        func buf(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n))
            p.initialize(repeating: 0, count: max(1, n))
            return p
        }
        x = buf(maxRows * c.dim)
        xb = buf(maxRows * max(c.dim, c.qDim))
        q = buf(maxRows * c.qDim)
        k = buf(maxRows * c.kvDim)
        v = buf(maxRows * c.kvDim)
        att = buf(maxRows * c.qDim)
        gate = buf(maxRows * c.ffnDim)
        up = buf(maxRows * c.ffnDim)
        csGlobal = buf(maxRows * c.rotaryDims)
        csLocal = buf(maxRows * c.rotaryDims)
        weightScratch = UnsafeMutableBufferPointer(start: buf(weightScratchCount), count: weightScratchCount)
        scoresCount = 0
        scores = buf(1)
        all = [x, xb, q, k, v, att, gate, up, csGlobal, csLocal, weightScratch.baseAddress!].map { UnsafeMutableRawPointer($0) }
    }

    /// Score scratch of at least n floats.
    func scoreScratch(_ n: Int) -> UnsafeMutablePointer<Float> {
        if n > scoresCount {
            scores.deallocate()
            scoresCount = n
            scores = .allocate(capacity: n)
        }
        return scores
    }

    deinit {
        for p in all { p.deallocate() }
        scores.deallocate()
    }
}
