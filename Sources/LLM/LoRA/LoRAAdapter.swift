import CBLAS
import Foundation
import Kernels

/// One LoRA module on one linear layer: A [rank × in], B [out × rank], row-major, f32.
/// ΔW = scale·B·A. For `llama` GGUF models the q/k rows of B follow the GGUF (permuted) row order
/// of the base weight, like every other row-indexed quantity inside the engine.
public final class LoRAModule: @unchecked Sendable {
    public let layer: Int
    public let target: LoRATarget
    public let inFeatures: Int, outFeatures: Int, rank: Int
    public var a: [Float]
    public var b: [Float]

    init(layer: Int, target: LoRATarget, inFeatures: Int, outFeatures: Int, rank: Int, a: [Float], b: [Float]) {
        self.layer = layer
        self.target = target
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.rank = rank
        self.a = a
        self.b = b
    }
}

/// A set of LoRA modules for one model (PEFT semantics: y = Wx + (alpha/rank)·B·A·dropout(x)).
/// A fresh adapter has A ~ U(±1/√in) (PEFT's kaiming-uniform with a = √5) and B = 0, so it
/// changes nothing until trained.
public final class LoRAAdapter: @unchecked Sendable {
    public let config: LoRAConfig
    public let modelConfig: ModelConfig
    /// Bumps on every applied update (and on load).
    public internal(set) var version = 0
    /// All modules, ordered by (layer, target): the order of gradients, optimizer state and files.
    public let modules: [LoRAModule]
    /// modules by [layer][target index], nil where the adapter has none.
    let table: [[LoRAModule?]]

    public var scale: Float { config.scale }
    public var parameterCount: Int { modules.reduce(0) { $0 + $1.a.count + $1.b.count } }
    /// Layers with at least one module.
    public var adaptedLayers: ClosedRange<Int> { config.layers ?? 0...(modelConfig.layers - 1) }

    public convenience init(model: LanguageModel, config: LoRAConfig) throws {
        try self.init(modelConfig: model.config, config: config)
    }

    /// A fresh adapter (A random from `config.seed`, B zero).
    public init(modelConfig mc: ModelConfig, config: LoRAConfig) throws {
        try config.validate(layerCount: mc.layers)
        self.config = config
        self.modelConfig = mc
        var mods: [LoRAModule] = []
        let range = config.layers ?? 0...(mc.layers - 1)
        for l in range {
            for t in config.targets.sorted() {
                let (i, o) = t.shape(mc)
                var rng = LoRARandom(config.seed, UInt64(l), UInt64(t.index))
                let bound = 1 / Float(i).squareRoot()
                let a = (0..<config.rank * i).map { _ in (2 * rng.unit() - 1) * bound }
                mods.append(LoRAModule(layer: l, target: t, inFeatures: i, outFeatures: o, rank: config.rank,
                                       a: a, b: [Float](repeating: 0, count: o * config.rank)))
            }
        }
        modules = mods
        table = LoRAAdapter.index(mods, layers: mc.layers)
    }

    /// An adapter with given modules (loading); validates shapes.
    init(modelConfig mc: ModelConfig, config: LoRAConfig, modules mods: [LoRAModule]) throws {
        try config.validate(layerCount: mc.layers)
        self.config = config
        self.modelConfig = mc
        modules = mods.sorted { ($0.layer, $0.target.index) < ($1.layer, $1.target.index) }
        table = LoRAAdapter.index(modules, layers: mc.layers)
        version = 1
    }

    private static func index(_ mods: [LoRAModule], layers: Int) -> [[LoRAModule?]] {
        var t = [[LoRAModule?]](repeating: [LoRAModule?](repeating: nil, count: LoRATarget.allCases.count), count: layers)
        for m in mods { t[m.layer][m.target.index] = m }
        return t
    }

    public func module(layer: Int, target: LoRATarget) -> LoRAModule? {
        layer >= 0 && layer < table.count ? table[layer][target.index] : nil
    }

    /// A deep copy (its own matrices and version), e.g. a snapshot for a generator thread while
    /// training continues on the original.
    public func copy() -> LoRAAdapter {
        let mods = modules.map {
            LoRAModule(layer: $0.layer, target: $0.target, inFeatures: $0.inFeatures, outFeatures: $0.outFeatures,
                       rank: $0.rank, a: $0.a, b: $0.b)
        }
        let c = try! LoRAAdapter(modelConfig: modelConfig, config: config, modules: mods)
        c.version = version
        return c
    }

    func bumpVersion() { version += 1 }

    /// True when both adapters hold bit-identical matrices.
    public func isBitIdentical(to other: LoRAAdapter) -> Bool {
        guard modules.count == other.modules.count else { return false }
        for (x, y) in zip(modules, other.modules) {
            if x.layer != y.layer || x.target != y.target { return false }
            if x.a.withUnsafeBytes({ Array($0) }) != y.a.withUnsafeBytes({ Array($0) }) { return false }
            if x.b.withUnsafeBytes({ Array($0) }) != y.b.withUnsafeBytes({ Array($0) }) { return false }
        }
        return true
    }
}

/// y += scale·(x·Aᵀ)·Bᵀ for `rows` rows: the on-the-fly LoRA delta of inference. A decoded token
/// goes through `matmul`'s threaded f32 dot products (at r = 64 the adapter is a quarter of the
/// bytes a token reads, too much for one thread or for SGEMM's per-call packing); a prompt's rows
/// through row-split SGEMM, accumulating straight into y.
func loraDeltaForward(_ x: UnsafePointer<Float>, rows: Int, _ m: LoRAModule, scale: Float, _ y: UnsafeMutablePointer<Float>) {
    let none = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * m.rank) { buf in
        let xa = buf.baseAddress!
        m.a.withUnsafeBufferPointer { a in
            matmul(x, rows: rows, WeightMatrix(type: .f32, data: a.baseAddress!, rows: m.rank, cols: m.inFeatures), xa, scratch: none)
        }
        m.b.withUnsafeBufferPointer { b in
            if rows > matvecMaxRows {
                parallelSgemm(CblasNoTrans, CblasTrans, Int32(rows), Int32(m.outFeatures), Int32(m.rank), scale,
                              xa, Int32(m.rank), b.baseAddress!, Int32(m.rank), 1, y, Int32(m.outFeatures))
                return
            }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * m.outFeatures) { delta in
                matmul(xa, rows: rows, WeightMatrix(type: .f32, data: b.baseAddress!, rows: m.outFeatures, cols: m.rank),
                       delta.baseAddress!, scratch: none)
                axpy(scale, delta.baseAddress!, y, count: rows * m.outFeatures)
            }
        }
    }
}
