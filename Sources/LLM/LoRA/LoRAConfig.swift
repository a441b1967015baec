import Foundation

/// The linear layers of a decoder block a LoRA module can attach to.
public enum LoRATarget: String, CaseIterable, Codable, Sendable, Comparable {
    case q, k, v, o, gate, up, down

    public static func < (a: LoRATarget, b: LoRATarget) -> Bool { a.index < b.index }

    var index: Int { LoRATarget.allCases.firstIndex(of: self)! }

    /// Module path inside a Hugging Face decoder layer (PEFT keys, `target_modules`).
    public var hfModule: String {
        switch self {
        case .q: "self_attn.q_proj"
        case .k: "self_attn.k_proj"
        case .v: "self_attn.v_proj"
        case .o: "self_attn.o_proj"
        case .gate: "mlp.gate_proj"
        case .up: "mlp.up_proj"
        case .down: "mlp.down_proj"
        }
    }

    /// Tensor name stem in a GGUF block (`blk.N.<stem>.weight`).
    public var ggufName: String {
        switch self {
        case .q: "attn_q"
        case .k: "attn_k"
        case .v: "attn_v"
        case .o: "attn_output"
        case .gate: "ffn_gate"
        case .up: "ffn_up"
        case .down: "ffn_down"
        }
    }

    /// (input, output) widths of this layer in a model.
    func shape(_ c: ModelConfig) -> (inFeatures: Int, outFeatures: Int) {
        switch self {
        case .q: (c.dim, c.qDim)
        case .k, .v: (c.dim, c.kvDim)
        case .o: (c.qDim, c.dim)
        case .gate, .up: (c.dim, c.ffnDim)
        case .down: (c.ffnDim, c.dim)
        }
    }

    /// Parses "q,k,v,o,gate,up,down" (also accepts the HF names "q_proj", … and "all").
    public static func parseList(_ text: String) throws -> [LoRATarget] {
        var out: [LoRATarget] = []
        for raw in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !raw.isEmpty {
            if raw == "all" { return LoRATarget.allCases }
            let name = raw.hasSuffix("_proj") ? String(raw.dropLast(5)) : raw
            guard let t = LoRATarget(rawValue: name) else {
                throw LoRAError("unknown LoRA target '\(raw)': expected some of q,k,v,o,gate,up,down")
            }
            if !out.contains(t) { out.append(t) }
        }
        if out.isEmpty { throw LoRAError("empty LoRA target list: expected some of q,k,v,o,gate,up,down") }
        return out.sorted()
    }
}

/// Shape and initialisation of an adapter (PEFT semantics: y = Wx + (alpha/rank)·B·A·dropout(x)).
public struct LoRAConfig: Codable, Sendable, Equatable {
    public var rank = 64
    public var alpha: Float = 64
    public var dropout: Float = 0.05
    public var targets: [LoRATarget] = LoRATarget.allCases
    /// Layers that get modules (nil = every layer).
    public var layers: ClosedRange<Int>? = nil
    /// Seeds the initialisation of A and the dropout masks.
    public var seed: UInt64 = 42

    public init(rank: Int = 64, alpha: Float = 64, dropout: Float = 0.05,
                targets: [LoRATarget] = LoRATarget.allCases, layers: ClosedRange<Int>? = nil, seed: UInt64 = 42) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets
        self.layers = layers
        self.seed = seed
    }

    public var scale: Float { alpha / Float(rank) }

    func validate(layerCount: Int) throws {
        if rank <= 0 { throw LoRAError("LoRA rank must be positive, got \(rank)") }
        if !(alpha.isFinite) { throw LoRAError("LoRA alpha must be finite, got \(alpha)") }
        if !(dropout >= 0 && dropout < 1) { throw LoRAError("LoRA dropout must be in [0, 1), got \(dropout)") }
        if targets.isEmpty { throw LoRAError("LoRA needs at least one target layer kind") }
        if let r = layers, r.lowerBound < 0 || r.upperBound >= layerCount {
            throw LoRAError("LoRA layer range \(r.lowerBound)...\(r.upperBound) outside the model's layers 0...\(layerCount - 1)")
        }
    }
}

/// AdamW (PyTorch semantics), global gradient-norm clipping and a constant schedule with linear
/// warmup (factor min(1, scheduleStep / warmupSteps), as HF's constant_with_warmup).
public struct AdamWConfig: Codable, Sendable, Equatable {
    public var learningRate: Float = 5e-5
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var eps: Float = 1e-7
    public var weightDecay: Float = 0
    public var warmupSteps = 2
    /// ≤ 0 disables clipping.
    public var maxGradNorm: Float = 1.0

    public init(learningRate: Float = 5e-5, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-7,
                weightDecay: Float = 0, warmupSteps: Int = 2, maxGradNorm: Float = 1.0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.warmupSteps = warmupSteps
        self.maxGradNorm = maxGradNorm
    }

    /// Learning rate at a point of the schedule.
    public func learningRate(atScheduleStep s: Int) -> Float {
        warmupSteps > 0 && s < warmupSteps ? learningRate * Float(s) / Float(warmupSteps) : learningRate
    }
}

/// A LoRA or training error with a message meant for the user.
public struct LoRAError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
