import Foundation
import Kernels

/// Gradients of every module of an adapter, in the adapter's module order.
final class LoRAGradients {
    let a: [FloatBuffer], b: [FloatBuffer]

    init(_ adapter: LoRAAdapter) {
        a = adapter.modules.map { FloatBuffer($0.a.count) }
        b = adapter.modules.map { FloatBuffer($0.b.count) }
    }

    func zero(_ adapter: LoRAAdapter) {
        for (i, m) in adapter.modules.enumerated() {
            a[i].pointer.update(repeating: 0, count: m.a.count)
            b[i].pointer.update(repeating: 0, count: m.b.count)
        }
    }
}

/// Forward and backward of the whole model over one token sequence (no KV cache), with the base
/// weights frozen and gradients only for the LoRA matrices. Layer inputs are checkpointed; each
/// layer is recomputed just before its backward, so activation memory is (layers+1)·T·dim floats
/// plus one layer's worth.
final class TrainingGraph {
    let t: Transformer
    let c: ModelConfig
    let adapter: LoRAAdapter
    private let moduleIndex: [ObjectIdentifier: Int]
    private let checkpoints = FloatBuffer()
    private let csGlobal = FloatBuffer(), csLocal = FloatBuffer()
    private let attnScratch = FloatBuffer()
    private let headScratch = FloatBuffer()
    /// f32 copies of one layer's weights, for the f32 products only.
    private lazy var dense = DenseLayerWeights(config: c)
    /// Forward activations. As many layers as `activationBudgetBytes` allows keep a set of their
    /// own: the top ones, whose backward comes first. The layers below share one set and are
    /// recomputed from their checkpoint just before their backward (all but the highest of them,
    /// whose set is still current after the forward).
    private var acts: [LayerActivations] = []
    private var gradScratch: LayerGradients?
    var activationBudgetBytes = TrainingGraph.defaultActivationBudget
    /// Peak bytes of the buffers this graph holds (reported by benchmarks).
    private(set) var peakBytes = 0
    let headTileRows = 4096
    /// Products through the frozen weights in int16 (IntegerWeights) rather than f32 SGEMM.
    var integerProducts: Bool
    private var integerWeights: IntegerWeights?

    /// A quarter of the memory available (machine or container), at most 2 GiB: a Temp-LoRA chunk
    /// on the 1.5B with its context (~2,400 tokens) recomputes most layers either way, and with the
    /// budget at 3 GiB a cascaded translation with it peaked at 9.05 GB; the other layers are recomputed.
    static var defaultActivationBudget: Int { Int(min(MemoryUsage.availableBytes / 4, 2 << 30)) }

    init(transformer: Transformer, adapter: LoRAAdapter) {
        t = transformer
        c = transformer.config
        self.adapter = adapter
        var idx: [ObjectIdentifier: Int] = [:]
        for (i, m) in adapter.modules.enumerated() { idx[ObjectIdentifier(m)] = i }
        moduleIndex = idx
        integerProducts = IntegerWeights.applies(to: transformer)
    }

    /// The int16 weights when products are integer ones (built at first use).
    private func integer() -> IntegerWeights? {
        guard integerProducts else { integerWeights = nil; return nil }
        if let w = integerWeights { return w }
        let w = IntegerWeights(t)
        integerWeights = w
        return w
    }

    /// Frees the activation sets, checkpoints and scratch until the next `run`. Temp-LoRA trains a
    /// few minutes per chunk and generates in between: holding some 3 GB on the 1.5B across the
    /// generation (and the checkpoint's writing) only raised the peak. The int16 head stays: every
    /// step needs it, and packing it again per update would be work done twice.
    func releaseBuffers() {
        acts = []
        gradScratch = nil
        for b in [checkpoints, csGlobal, csLocal, attnScratch, headScratch] { b.release() }
    }

    /// The activation sets for `rows` positions: one per layer, or fewer within the budget
    /// (at least one, shared by the recomputed layers).
    private func activations(rows: Int) -> [LayerActivations] {
        let capacity = roomy(rows)
        let per = LayerActivations.floatCount(c, rows: capacity, rank: adapter.config.rank, targets: adapter.config.targets.count) * 4
        let want = min(c.layers, max(1, activationBudgetBytes / max(1, per)))
        if acts.count == want, let a = acts.first, a.rows >= rows { return acts }
        acts = []
        acts = (0..<want).map { _ in
            LayerActivations(config: c, rows: capacity, rank: adapter.config.rank, targets: adapter.config.targets)
        }
        return acts
    }

    /// Rows to allocate for `rows`: a little room, so that a book's chunks of varying length
    /// reuse the buffers instead of reallocating (and faulting in) gigabytes each time.
    private func roomy(_ rows: Int) -> Int { rows < 256 ? rows : (rows + 255) / 256 * 256 }

    /// Index of layer l's activation set among `sets` sets: its own, or 0 (shared).
    private func slot(_ l: Int, sets: Int) -> Int {
        if sets == c.layers { return l }
        let firstOwn = c.layers - (sets - 1)
        return l >= firstOwn ? l - firstOwn + 1 : 0
    }

    private func gradients(rows: Int) -> LayerGradients {
        if let g = gradScratch, g.rows >= rows { return g }
        gradScratch = nil
        let g = LayerGradients(config: c, rows: roomy(rows), rank: adapter.config.rank)
        gradScratch = g
        return g
    }

    struct Timing { var forward = 0.0, backward = 0.0 }

    /// Runs forward and backward on `ids` (the model input), with the loss on rows `lossRows`
    /// predicting `targets`, accumulating LoRA gradients into `grads`. Returns the mean loss.
    func run(ids: [Int32], lossRows: [Int], targets: [Int32], dropoutStep: UInt64,
             grads: LoRAGradients, timing: inout Timing) -> Double {
        let T = ids.count, d = c.dim, L = c.layers
        let clock0 = Date()
        let iw = integer()
        let As = activations(rows: T)
        let G = gradients(rows: T)
        let highestShared = As.count == L ? -1 : L - As.count   // its set survives the forward
        let xs = checkpoints.reserve((L + 1) * roomy(T) * d)
        let cg = csGlobal.reserve(T * c.rotaryDims), cl = csLocal.reserve(T * c.rotaryDims)
        for i in 0..<T {
            t.ropeGlobal.fill(position: i, cg + i * c.rotaryDims)
            t.ropeLocal.fill(position: i, cl + i * c.rotaryDims)
        }
        let attnShape = AttentionShape(queries: T, firstPosition: 0, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim)
        let ascratch = attnScratch.reserve(max(attnShape.scratchCount, attnShape.backwardScratchCount))
        // Embedding (no gradient needed into it).
        for (i, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < c.vocabSize, "token id \(id) outside the vocabulary")
            t.embedding.dequantizeRow(Int(id), into: xs + i * d)
            if c.embeddingScale != 1 { for j in 0..<d { xs[i * d + j] *= c.embeddingScale } }
        }
        let lowest = adapter.adaptedLayers.lowerBound
        for l in 0..<L {
            if iw == nil { dense.load(t.layers[l]) }
            layerForward(l, x: xs + l * d * T, out: xs + (l + 1) * d * T, A: As[slot(l, sets: As.count)], G: G, rows: T,
                         step: dropoutStep, scratch: ascratch)
        }
        // Head and cross-entropy at the loss rows only.
        let n = lossRows.count
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: n * d)
        let dHidden = UnsafeMutablePointer<Float>.allocate(capacity: n * d)
        defer { hidden.deallocate(); dHidden.deallocate() }
        let xL = xs + L * T * d
        for (i, r) in lossRows.enumerated() {
            rmsNormForward(xL + r * d, t.outputNorm, hidden + i * d, rows: 1, n: d, eps: c.normEps)
        }
        let hs = headScratch.reserve(iw == nil ? headTileRows * d : 1)   // integer products dequantize nothing
        let losses = targets.withUnsafeBufferPointer { tp in
            headCrossEntropy(hidden, rows: n, t.output.weight, targets: tp.baseAddress!, rowWeight: 1 / Float(n),
                             dHidden: dHidden, tileRows: headTileRows,
                             scratch: UnsafeMutableBufferPointer(start: hs, count: headScratch.count),
                             integer: iw?.head)
        }
        let clock1 = Date()
        // Backward: dX of the last layer's output is nonzero only at the loss rows.
        let dx = xs + L * T * d   // the final checkpoint is no longer needed once normed: reuse it
        let dxBuf = UnsafeMutablePointer<Float>.allocate(capacity: T * d)
        defer { dxBuf.deallocate() }
        zero(dxBuf, count: T * d)
        for (i, r) in lossRows.enumerated() {
            rmsNormBackward(dx + r * d, t.outputNorm, dHidden + i * d, dxBuf + r * d, rows: 1, n: d, eps: c.normEps)
        }
        for l in stride(from: L - 1, through: lowest, by: -1) {
            if l != L - 1 && iw == nil { dense.load(t.layers[l]) }
            let a = slot(l, sets: As.count)
            if a == 0 && l < highestShared {
                layerForward(l, x: xs + l * d * T, out: nil, A: As[0], G: G, rows: T, step: dropoutStep, scratch: ascratch)
            }
            layerBackward(l, x: xs + l * d * T, dx: dxBuf, A: As[a], G: G, rows: T, step: dropoutStep,
                          grads: grads, scratch: ascratch)
        }
        let clock2 = Date()
        timing.forward += clock1.timeIntervalSince(clock0)
        timing.backward += clock2.timeIntervalSince(clock1)
        peakBytes = max(peakBytes, checkpoints.bytes + As.reduce(0) { $0 + $1.byteCount } + G.byteCount + (iw == nil ? dense.bytes : 0) + attnScratch.bytes + headScratch.bytes
                        + 2 * n * d * 4 + T * d * 4 + n * headTileRows * 4
                        + (iw.map { $0.bytes + $0.scratch.bytes } ?? 0))
        return losses.reduce(0, +) / Double(n)
    }

    private func pass(_ l: Int, _ target: LoRATarget, _ step: UInt64) -> LoRALinearPass? {
        guard let m = adapter.module(layer: l, target: target) else { return nil }
        return LoRALinearPass(module: m, scale: adapter.scale, dropout: adapter.config.dropout,
                              seed: adapter.config.seed, step: step)
    }

    /// y = x·Wᵀ (+ bias) (+ LoRA), keeping x·Aᵀ.
    private func linearForward(_ l: Int, _ target: LoRATarget, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                               A: LayerActivations, G: LayerGradients, rows T: Int, step: UInt64) {
        if let iw = integerWeights {
            iw.forward(x, rows: T, t.layers[l][target].weight, y)
        } else {
            matmul(x, rows: T, dense[target], y, scratch: UnsafeMutableBufferPointer(start: nil, count: 0))
        }
        t.layers[l][target].addBias(to: y, rows: T)   // frozen: no gradient of its own
        if let p = pass(l, target, step) {
            p.forward(x, rows: T, y: y, xa: A.xa[target.index]!, scratch: G.dropout)
        }
    }

    /// dX (+)= dY·W, plus the LoRA path's dX and its gradients.
    private func linearBackward(_ l: Int, _ target: LoRATarget, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, accumulate: Bool, A: LayerActivations, G: LayerGradients, rows T: Int,
                                step: UInt64, grads: LoRAGradients) {
        if let iw = integerWeights {
            iw.backward(dy, rows: T, t.layers[l][target].weight, dx, accumulate: accumulate)
        } else {
            matmulBackwardInput(dy, rows: T, dense[target], dx, accumulate: accumulate,
                                scratch: UnsafeMutableBufferPointer(start: nil, count: 0))
        }
        if let p = pass(l, target, step) {
            let i = moduleIndex[ObjectIdentifier(p.module)]!
            p.backward(x, rows: T, xa: A.xa[target.index]!, dy: dy, dx: dx, dA: grads.a[i].pointer, dB: grads.b[i].pointer,
                       g: G.loraG, scratch: G.dropout)
        }
    }

    private func ropeTable(_ l: Int) -> UnsafeMutablePointer<Float> {
        c.isSliding(layer: l) ? csLocal.pointer : csGlobal.pointer
    }

    /// One decoder layer on all rows, storing what the backward needs into `A`; writes the
    /// layer output to `out` when given.
    private func layerForward(_ l: Int, x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>?, A: LayerActivations,
                              G: LayerGradients, rows T: Int, step: UInt64, scratch: UnsafeMutablePointer<Float>) {
        let W = t.layers[l]
        let d = c.dim, qd = c.qDim, kd = c.kvDim, F = c.ffnDim
        rmsNormForward(x, W.attnNorm, A.h, rows: T, n: d, eps: c.normEps)
        linearForward(l, .q, A.h, A.q, A: A, G: G, rows: T, step: step)
        linearForward(l, .k, A.h, A.k, A: A, G: G, rows: T, step: step)
        linearForward(l, .v, A.h, A.v, A: A, G: G, rows: T, step: step)
        if let qn = W.qNorm { rmsNormForward(A.q, qn, A.qf, rows: T * c.heads, n: c.headDim, eps: c.normEps) }
        else { copy(A.q, into: A.qf, count: T * qd) }
        if let kn = W.kNorm { rmsNormForward(A.k, kn, A.kf, rows: T * c.kvHeads, n: c.headDim, eps: c.normEps) }
        else { copy(A.k, into: A.kf, count: T * kd) }
        let cs = ropeTable(l)
        ropeRows(q: A.qf, k: A.kf, rows: T, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
                 rotaryDims: c.rotaryDims, cs: cs, style: c.ropeStyle)
        scale(A.qf, by: c.attentionScale, count: T * qd)
        attentionForward(q: A.qf, k: A.kf, v: A.v, out: A.att, shape: attentionShape(l, rows: T), scratch: scratch)
        linearForward(l, .o, A.att, A.a, A: A, G: G, rows: T, step: step)
        if let pn = W.postAttnNorm {
            rmsNormForward(A.a, pn, A.x1, rows: T, n: d, eps: c.normEps)
            accumulate(x, into: A.x1, count: T * d)
        } else {
            sum(x, A.a, into: A.x1, count: T * d)
        }
        rmsNormForward(A.x1, W.ffnNorm, A.h2, rows: T, n: d, eps: c.normEps)
        linearForward(l, .gate, A.h2, A.g, A: A, G: G, rows: T, step: step)
        linearForward(l, .up, A.h2, A.u, A: A, G: G, rows: T, step: step)
        copy(A.g, into: A.m, count: T * F)
        gatedActivationForward(t.activation, gate: A.m, up: A.u, count: T * F)
        linearForward(l, .down, A.m, A.f, A: A, G: G, rows: T, step: step)
        guard let out else { return }
        if let pn = W.postFfnNorm {
            rmsNormForward(A.f, pn, out, rows: T, n: d, eps: c.normEps)
            accumulate(A.x1, into: out, count: T * d)
        } else {
            sum(A.x1, A.f, into: out, count: T * d)
        }
    }

    private func attentionShape(_ l: Int, rows T: Int) -> AttentionShape {
        AttentionShape(queries: T, firstPosition: 0, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
                       window: c.isSliding(layer: l) ? c.slidingWindow : 0)
    }

    /// Backward of one layer: `dx` holds dLoss/d(layer output) and receives dLoss/d(layer input).
    private func layerBackward(_ l: Int, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, A: LayerActivations,
                               G: LayerGradients, rows T: Int, step: UInt64, grads: LoRAGradients, scratch: UnsafeMutablePointer<Float>) {
        let W = t.layers[l]
        let d = c.dim, qd = c.qDim, kd = c.kvDim, F = c.ffnDim
        // Feed-forward block: out = x1 + post(f).
        copy(dx, into: G.dx1, count: T * d)
        var df = UnsafePointer(dx)
        if let pn = W.postFfnNorm {
            zero(G.dtmp, count: T * d)
            rmsNormBackward(A.f, pn, dx, G.dtmp, rows: T, n: d, eps: c.normEps)
            df = UnsafePointer(G.dtmp)
        }
        linearBackward(l, .down, x: A.m, dy: df, dx: G.dm, accumulate: false, A: A, G: G, rows: T, step: step, grads: grads)
        zero(G.dg, count: T * F)
        zero(G.du, count: T * F)
        gatedActivationBackward(t.activation, gate: A.g, up: A.u, dOut: G.dm, dGate: G.dg, dUp: G.du, count: T * F)
        linearBackward(l, .gate, x: A.h2, dy: G.dg, dx: G.dh, accumulate: false, A: A, G: G, rows: T, step: step, grads: grads)
        linearBackward(l, .up, x: A.h2, dy: G.du, dx: G.dh, accumulate: true, A: A, G: G, rows: T, step: step, grads: grads)
        rmsNormBackward(A.x1, W.ffnNorm, G.dh, G.dx1, rows: T, n: d, eps: c.normEps)
        // Attention block: x1 = x + post(a).
        var da = UnsafePointer(G.dx1)
        if let pn = W.postAttnNorm {
            zero(G.dtmp, count: T * d)
            rmsNormBackward(A.a, pn, G.dx1, G.dtmp, rows: T, n: d, eps: c.normEps)
            da = UnsafePointer(G.dtmp)
        }
        linearBackward(l, .o, x: A.att, dy: da, dx: G.datt, accumulate: false, A: A, G: G, rows: T, step: step, grads: grads)
        zero(G.dq, count: T * qd)
        zero(G.dk, count: T * kd)
        zero(G.dv, count: T * kd)
        attentionBackward(q: A.qf, k: A.kf, v: A.v, dOut: G.datt, dq: G.dq, dk: G.dk, dv: G.dv,
                          shape: attentionShape(l, rows: T), scratch: scratch)
        scale(G.dq, by: c.attentionScale, count: T * qd)
        let cs = ropeTable(l)
        ropeRows(q: G.dq, k: G.dk, rows: T, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
                 rotaryDims: c.rotaryDims, cs: cs, style: c.ropeStyle, backward: true)
        var dqRaw = UnsafePointer(G.dq), dkRaw = UnsafePointer(G.dk)
        if let qn = W.qNorm {
            zero(G.dqr, count: T * qd)
            rmsNormBackward(A.q, qn, G.dq, G.dqr, rows: T * c.heads, n: c.headDim, eps: c.normEps)
            dqRaw = UnsafePointer(G.dqr)
        }
        if let kn = W.kNorm {
            zero(G.dkr, count: T * kd)
            rmsNormBackward(A.k, kn, G.dk, G.dkr, rows: T * c.kvHeads, n: c.headDim, eps: c.normEps)
            dkRaw = UnsafePointer(G.dkr)
        }
        linearBackward(l, .q, x: A.h, dy: dqRaw, dx: G.dh, accumulate: false, A: A, G: G, rows: T, step: step, grads: grads)
        linearBackward(l, .k, x: A.h, dy: dkRaw, dx: G.dh, accumulate: true, A: A, G: G, rows: T, step: step, grads: grads)
        linearBackward(l, .v, x: A.h, dy: G.dv, dx: G.dh, accumulate: true, A: A, G: G, rows: T, step: step, grads: grads)
        copy(G.dx1, into: dx, count: T * d)
        rmsNormBackward(x, W.attnNorm, G.dh, dx, rows: T, n: d, eps: c.normEps)
    }
}
