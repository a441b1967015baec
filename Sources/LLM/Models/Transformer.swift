import Foundation
import Kernels

/// One decoder block's weights. Optional norms exist only in some architectures (q/k norms in
/// gemma3 and qwen3, post-norms in gemma3); biases live in the LinearWeights.
struct LayerWeights: @unchecked Sendable {
    var attnNorm: [Float]
    var q, k, v, o: LinearWeight
    var qNorm, kNorm, postAttnNorm: [Float]?
    var ffnNorm: [Float]
    var postFfnNorm: [Float]?
    var gate, up, down: LinearWeight
}

/// The decoder-only transformer shared by the architectures in this folder: weights stay in their
/// stored (quantized) form, activations live in one `Workspace`, keys/values in a `KVCache`.
/// Not reentrant: one forward pass at a time (callers serialize).
public final class Transformer: @unchecked Sendable {
    public let config: ModelConfig
    let embedding: WeightMatrix
    let outputNorm: [Float]
    let output: LinearWeight
    let layers: [LayerWeights]
    let activation: GatedActivation
    let ropeGlobal, ropeLocal: RopeTable
    /// Positions processed per forward chunk (bounds the workspace).
    public let maxBatch: Int
    let ws: Workspace
    /// LoRA adapter applied on the fly by the forward pass (set per call by `Session`).
    var adapter: LoRAAdapter?
    /// Rows of the output head dequantized per SGEMM tile when many positions need logits.
    let headTileRows: Int
    private let owner: AnyObject

    init(config: ModelConfig, source: TensorSource, owner: AnyObject, maxBatch: Int = 512) throws {
        let c = config
        self.config = c
        self.owner = owner
        guard let architecture = Architectures.named(c.architecture) else {
            throw ModelFileError(file: source.sourcePath, field: "architecture", expected: "a registered architecture, found \(c.architecture)")
        }
        layers = try architecture.layers(source, c)
        activation = architecture.activation
        embedding = try source.matrix("token_embd.weight", rows: c.vocabSize, cols: c.dim)
        outputNorm = try source.vector("output_norm.weight", count: c.dim)
        // The head is the largest matrix a decoded token reads: worth a copy in the faster layout.
        output = LinearWeight((source.has("output.weight")
            ? try source.linear("output.weight", rows: c.vocabSize, cols: c.dim).weight
            : embedding).groupedForDecoding())
        ropeGlobal = RopeTable(rotaryDims: c.rotaryDims, base: c.ropeBase, frequencyFactors: c.ropeFrequencyFactors)
        ropeLocal = RopeTable(rotaryDims: c.rotaryDims, base: c.ropeBaseLocal)
        self.maxBatch = maxBatch
        headTileRows = 4096
        let biggest = layers.map { l in
            [l.q, l.k, l.v, l.o, l.gate, l.up, l.down].map { $0.weight.rows * $0.weight.cols }.max()!
        }.max() ?? 0
        ws = Workspace(config: c, maxRows: maxBatch, weightScratchCount: max(biggest, headTileRows * c.dim))
    }

    public func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: config.layers, kvDim: config.kvDim, capacity: min(capacity, max(1, config.contextLength)))
    }

    /// Runs `ids` (appended after the cache's positions) through the model and returns the
    /// final-normed hidden states of the positions from index `hiddenFrom` of `ids` on
    /// ((ids.count − hiddenFrom) × dim floats).
    func hiddenStates(_ ids: [Int32], cache: KVCache, hiddenFrom: Int) -> [Float] {
        let c = config
        var hidden = [Float](repeating: 0, count: max(0, ids.count - hiddenFrom) * c.dim)
        cache.reserve(cache.count + ids.count)
        var start = 0
        while start < ids.count {
            let n = min(maxBatch, ids.count - start)
            embed(ids[start..<start + n])
            // RoPE tables depend only on positions and base: fill them once per chunk.
            for i in 0..<n {
                ropeGlobal.fill(position: cache.count + i, ws.csGlobal + i * c.rotaryDims)
                ropeLocal.fill(position: cache.count + i, ws.csLocal + i * c.rotaryDims)
            }
            for l in 0..<c.layers { layerForward(l, rows: n, cache: cache) }
            cache.count += n
            // Final norm only for the rows that will be returned.
            let first = max(start, hiddenFrom)
            if first < start + n {
                hidden.withUnsafeMutableBufferPointer { h in
                    rmsNormForward(ws.x + (first - start) * c.dim, outputNorm, h.baseAddress! + (first - hiddenFrom) * c.dim,
                                   rows: start + n - first, n: c.dim, eps: c.normEps)
                }
            }
            start += n
        }
        return hidden
    }

    private func embed(_ ids: ArraySlice<Int32>) {
        let d = config.dim
        for (i, id) in ids.enumerated() {
            let row = Int(id)
            precondition(row >= 0 && row < config.vocabSize, "token id \(id) outside the vocabulary")
            embedding.dequantizeRow(row, into: ws.x + i * d)
            if config.embeddingScale != 1 {
                let s = config.embeddingScale
                for j in 0..<d { ws.x[i * d + j] *= s }
            }
        }
    }

    private func layerForward(_ l: Int, rows n: Int, cache: KVCache) {
        let c = config, L = layers[l]
        let p0 = cache.count
        let sliding = c.isSliding(layer: l)
        let lora = adapter?.table[l], loraScale = adapter?.scale ?? 1
        // Attention block.
        rmsNormForward(ws.x, L.attnNorm, ws.xb, rows: n, n: c.dim, eps: c.normEps)
        linear(ws.xb, rows: n, L.q, ws.q, ws, lora: lora?[LoRATarget.q.index], scale: loraScale)
        linear(ws.xb, rows: n, L.k, ws.k, ws, lora: lora?[LoRATarget.k.index], scale: loraScale)
        linear(ws.xb, rows: n, L.v, ws.v, ws, lora: lora?[LoRATarget.v.index], scale: loraScale)
        if let qn = L.qNorm { rmsNormForward(ws.q, qn, ws.q, rows: n * c.heads, n: c.headDim, eps: c.normEps) }
        if let kn = L.kNorm { rmsNormForward(ws.k, kn, ws.k, rows: n * c.kvHeads, n: c.headDim, eps: c.normEps) }
        let cs = sliding ? ws.csLocal : ws.csGlobal
        ropeRows(q: ws.q, k: ws.k, rows: n, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
                 rotaryDims: c.rotaryDims, cs: cs, style: c.ropeStyle)
        scale(ws.q, by: c.attentionScale, count: n * c.qDim)
        copy(ws.k, into: cache.keys(l) + p0 * c.kvDim, count: n * c.kvDim)
        copy(ws.v, into: cache.values(l) + p0 * c.kvDim, count: n * c.kvDim)
        let shape = AttentionShape(queries: n, firstPosition: p0, heads: c.heads, kvHeads: c.kvHeads,
                                   headDim: c.headDim, window: sliding ? c.slidingWindow : 0)
        attentionForward(q: ws.q, k: cache.keys(l), v: cache.values(l), out: ws.att, shape: shape,
                         scratch: ws.scoreScratch(shape.scratchCount))
        linear(ws.att, rows: n, L.o, ws.xb, ws, lora: lora?[LoRATarget.o.index], scale: loraScale)
        if let pn = L.postAttnNorm { rmsNormForward(ws.xb, pn, ws.xb, rows: n, n: c.dim, eps: c.normEps) }
        accumulate(ws.xb, into: ws.x, count: n * c.dim)
        // Feed-forward block.
        rmsNormForward(ws.x, L.ffnNorm, ws.xb, rows: n, n: c.dim, eps: c.normEps)
        linear(ws.xb, rows: n, L.gate, ws.gate, ws, lora: lora?[LoRATarget.gate.index], scale: loraScale)
        linear(ws.xb, rows: n, L.up, ws.up, ws, lora: lora?[LoRATarget.up.index], scale: loraScale)
        gatedActivationForward(activation, gate: ws.gate, up: ws.up, count: n * c.ffnDim)
        linear(ws.gate, rows: n, L.down, ws.xb, ws, lora: lora?[LoRATarget.down.index], scale: loraScale)
        if let pn = L.postFfnNorm { rmsNormForward(ws.xb, pn, ws.xb, rows: n, n: c.dim, eps: c.normEps) }
        accumulate(ws.xb, into: ws.x, count: n * c.dim)
    }

    /// Logits (rows × vocab) of final-normed hidden states.
    func logits(_ hidden: [Float], rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * config.vocabSize)
        hidden.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { o in
                linear(h.baseAddress!, rows: rows, output, o.baseAddress!, ws)
            }
        }
        return out
    }

    /// −log p(target | position) for each hidden row, computing the head tile by tile so that the
    /// rows × vocab logits never exist at once (perplexity over 262k-token vocabularies). Tiles run
    /// in parallel; each keeps its own max and Σexp per row, combined in tile order afterwards so
    /// the result does not depend on which thread ran which tile.
    /// The log-sum-exp follows llama-perplexity: max subtracted, Σexp in double.
    func negativeLogLikelihoods(_ hidden: [Float], targets: [Int32]) -> [Double] {
        let n = targets.count, V = config.vocabSize, d = config.dim
        let threads = KernelThreads.count
        let tile = max(1, min(V, ws.weightScratch.count / threads / d))
        let tiles = (V + tile - 1) / tile
        var maxes = [Float](repeating: -.infinity, count: tiles * n)
        var sums = [Double](repeating: 0, count: tiles * n)
        var targetLogit = [Float](repeating: 0, count: n)
        var logits = [Float](repeating: 0, count: threads * n * tile)
        let w = output.weight
        hidden.withUnsafeBufferPointer { h in
            maxes.withUnsafeMutableBufferPointer { mx in
                sums.withUnsafeMutableBufferPointer { sm in
                    targetLogit.withUnsafeMutableBufferPointer { tl in
                        logits.withUnsafeMutableBufferPointer { lg in
                            parallelFor(tiles, chunks: tiles) { t0, t1, thread in
                                let buf = lg.baseAddress! + thread * n * tile
                                for t in t0..<t1 {
                                    let r0 = t * tile, m = min(tile, V - r0)
                                    let part = WeightMatrix(type: w.type, data: w.row(r0), rows: m, cols: d)
                                    matmul(h.baseAddress!, rows: n, part, buf, scratch: ws.weightScratch)
                                    for i in 0..<n {
                                        let row = buf + i * m
                                        let top = maxValue(row, count: m)
                                        mx[t * n + i] = top
                                        sm[t * n + i] = sumExp(row, count: m, shift: top)
                                        let target = Int(targets[i])
                                        if target >= r0 && target < r0 + m { tl[i] = row[target - r0] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (0..<n).map { i in
            var m = -Float.infinity
            for t in 0..<tiles { m = max(m, maxes[t * n + i]) }
            var s = 0.0
            for t in 0..<tiles { s += sums[t * n + i] * exp(Double(maxes[t * n + i] - m)) }
            return Double(m) + log(s) - Double(targetLogit[i])
        }
    }
}
