import Kernels

/// One linear layer (q k v o gate up down, or the output head): the stored weight and its frozen
/// bias if the architecture has one (qwen2's q/k/v), applied through `linear`, the single place
/// where a LoRA delta will be added.
public struct LinearWeight: @unchecked Sendable {
    public let weight: WeightMatrix
    public let bias: [Float]?
    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    public init(_ weight: WeightMatrix, bias: [Float]? = nil) {
        precondition(bias == nil || bias!.count == weight.rows, "bias length must equal the output width")
        self.weight = weight
        self.bias = bias
    }

    /// y += bias, on `rows` rows of outputs.
    func addBias(to y: UnsafeMutablePointer<Float>, rows: Int) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { Kernels.addBias($0.baseAddress!, to: y, rows: rows, cols: weight.rows) }
    }
}

/// y = x·Wᵀ (+ bias) for `rows` input rows, plus the LoRA delta scale·(x·Aᵀ)·Bᵀ when a module is given.
@inline(__always)
func linear(_ x: UnsafePointer<Float>, rows: Int, _ w: LinearWeight, _ y: UnsafeMutablePointer<Float>,
            _ ws: Workspace, lora: LoRAModule? = nil, scale: Float = 1) {
    matmul(x, rows: rows, w.weight, y, scratch: ws.weightScratch)
    w.addBias(to: y, rows: rows)
    if let lora { loraDeltaForward(x, rows: rows, lora, scale: scale, y) }
}
