import CKernels

/// Gated FFN activations, in place on the gate projection: g = act(g) ⊙ up.
public enum GatedActivation: Sendable {
    /// GELU, tanh approximation (Gemma's `gelu_pytorch_tanh`).
    case geluTanh
    /// SiLU (Llama's SwiGLU).
    case silu
}

public func gatedActivationForward(_ kind: GatedActivation, gate: UnsafeMutablePointer<Float>,
                                   up: UnsafePointer<Float>, count: Int) {
    switch kind {
    case .geluTanh: ck_gelu_tanh_mul(gate, up, Int64(count))
    case .silu: ck_silu_mul(gate, up, Int64(count))
    }
}

/// GELU (tanh approximation), y may alias x.
public func geluTanhForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    ck_gelu_tanh(x, y, Int64(count))
}

/// SiLU, y may alias x.
public func siluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    ck_silu(x, y, Int64(count))
}
