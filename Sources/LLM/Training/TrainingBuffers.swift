import Kernels

/// A float buffer that grows on demand and is freed with its owner.
final class FloatBuffer: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var count: Int

    init(_ n: Int = 1) {
        count = max(1, n)
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    /// At least n floats (contents not preserved when it grows).
    func reserve(_ n: Int) -> UnsafeMutablePointer<Float> {
        if n > count {
            pointer.deallocate()
            count = n
            pointer = .allocate(capacity: n)
            pointer.initialize(repeating: 0, count: n)
        }
        return pointer
    }

    var bytes: Int { count * MemoryLayout<Float>.size }

    /// Gives the memory back, down to one float (the next `reserve` allocates again).
    func release() {
        guard count > 1 else { return }
        pointer.deallocate()
        count = 1
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit { pointer.deallocate() }
}

/// Everything one decoder layer's backward needs from its forward, for `rows` positions.
final class LayerActivations {
    let rows: Int
    // Names follow the layer: h = attn-normed input, q/k raw projections, qf/kf after q/k norm,
    // RoPE and scale, a = o-projection output, x1 = residual after attention, h2 = ffn-normed x1,
    // g/u = gate/up projections, m = act(g)·u, f = down output.
    let h, q, qf, k, kf, v, att, a, x1, h2, g, u, m, f: UnsafeMutablePointer<Float>
    /// x·Aᵀ of each LoRA module of the layer, by target index (rows × rank).
    let xa: [UnsafeMutablePointer<Float>?]
    private let storage: UnsafeMutablePointer<Float>
    let byteCount: Int

    static func floatCount(_ c: ModelConfig, rows T: Int, rank: Int, targets: Int) -> Int {
        T * (5 * c.dim + 3 * c.qDim + 3 * c.kvDim + 3 * c.ffnDim + targets * rank)
    }

    init(config c: ModelConfig, rows T: Int, rank: Int, targets: [LoRATarget]) {
        rows = T
        let total = LayerActivations.floatCount(c, rows: T, rank: rank, targets: targets.count)
        storage = .allocate(capacity: max(1, total))
        storage.initialize(repeating: 0, count: max(1, total))
        byteCount = total * 4
        var p = storage
        func buf(_ n: Int) -> UnsafeMutablePointer<Float> { defer { p += n }; return p }
        let d = c.dim, qd = c.qDim, kd = c.kvDim, F = c.ffnDim
        h = buf(T * d); q = buf(T * qd); qf = buf(T * qd); k = buf(T * kd); kf = buf(T * kd); v = buf(T * kd)
        att = buf(T * qd); a = buf(T * d); x1 = buf(T * d); h2 = buf(T * d)
        g = buf(T * F); u = buf(T * F); m = buf(T * F); f = buf(T * d)
        xa = LoRATarget.allCases.map { targets.contains($0) ? buf(T * rank) : nil }
    }

    deinit { storage.deallocate() }
}

/// Gradient scratch of one layer's backward (shared by all layers).
final class LayerGradients {
    let rows: Int
    let dx1, dtmp, dh, dq, dqr, dk, dkr, dv, datt, dg, du, dm, loraG, dropout: UnsafeMutablePointer<Float>
    private var all: [UnsafeMutablePointer<Float>] = []
    let byteCount: Int

    init(config c: ModelConfig, rows T: Int, rank: Int) {
        rows = T
        var total = 0
        var list: [UnsafeMutablePointer<Float>] = []
        func buf(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n))
            p.initialize(repeating: 0, count: max(1, n))
            total += max(1, n) * 4
            list.append(p)
            return p
        }
        let d = c.dim, qd = c.qDim, kd = c.kvDim, F = c.ffnDim
        dx1 = buf(T * d); dtmp = buf(T * max(d, qd)); dh = buf(T * d)
        dq = buf(T * qd); dqr = buf(T * qd); dk = buf(T * kd); dkr = buf(T * kd); dv = buf(T * kd)
        datt = buf(T * qd); dg = buf(T * F); du = buf(T * F); dm = buf(T * F)
        loraG = buf(T * rank); dropout = buf(T * max(d, qd, F))
        all = list
        byteCount = total
    }

    deinit { for p in all { p.deallocate() } }
}

extension LayerWeights {
    /// The layer's seven linear weights in LoRATarget order (the order of every per-target table).
    var linears: [LinearWeight] { [q, k, v, o, gate, up, down] }

    /// One linear weight by target, without building the array.
    subscript(target: LoRATarget) -> LinearWeight {
        switch target {
        case .q: q
        case .k: k
        case .v: v
        case .o: o
        case .gate: gate
        case .up: up
        case .down: down
        }
    }
}

/// One layer's seven weights as f32 (dequantized once per layer per pass, so the forward, its
/// recomputation and the backward all run plain SGEMM on them).
final class DenseLayerWeights {
    private let storage: FloatBuffer
    private(set) var w: [WeightMatrix] = []   // by LoRATarget index

    init(config c: ModelConfig) {
        let total = LoRATarget.allCases.reduce(0) { s, t in let (i, o) = t.shape(c); return s + i * o }
        storage = FloatBuffer(total)
    }

    var bytes: Int { storage.bytes }

    func load(_ L: LayerWeights) {
        let lw = L.linears.map(\.weight)
        var p = storage.pointer
        w = lw.map { m in
            if m.type == .f32 { return m }
            m.dequantize(into: p)
            let out = WeightMatrix(type: .f32, data: UnsafeRawPointer(p), rows: m.rows, cols: m.cols)
            p += m.rows * m.cols
            return out
        }
    }

    subscript(t: LoRATarget) -> WeightMatrix { w[t.index] }
}
