import Kernels

/// One linear layer (q k v o gate up down, or the output head): the stored weight, applied
/// through `linear`, the single place where a LoRA delta will be added.
public struct LinearWeight: @unchecked Sendable {
    public let weight: WeightMatrix
    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    public init(_ weight: WeightMatrix) { self.weight = weight }
}

/// y = x·Wᵀ for `rows` input rows, plus the LoRA delta scale·(x·Aᵀ)·Bᵀ when a module is given.
@inline(__always)
func linear(_ x: UnsafePointer<Float>, rows: Int, _ w: LinearWeight, _ y: UnsafeMutablePointer<Float>,
            _ ws: Workspace, lora: LoRAModule? = nil, scale: Float = 1) {
    matmul(x, rows: rows, w.weight, y, scratch: ws.weightScratch)
    if let lora { loraDeltaForward(x, rows: rows, lora, scale: scale, y) }
}
