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

/// Backward of out = act(gate) ⊙ up given the forward's `gate` (pre-activation) and `up`:
/// dGate += dOut·up·act′(gate), dUp += dOut·act(gate).
public func gatedActivationBackward(_ kind: GatedActivation, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                                    dOut: UnsafePointer<Float>, dGate: UnsafeMutablePointer<Float>,
                                    dUp: UnsafeMutablePointer<Float>, count: Int) {
    switch kind {
    case .geluTanh:
        let c: Float = 0.7978845608028654, a: Float = 0.044715
        for i in 0..<count {
            let z = gate[i]
            let th = tanhf(c * (z + a * z * z * z))
            let g = 0.5 * z * (1 + th)
            let dg = 0.5 * (1 + th) + 0.5 * z * (1 - th * th) * c * (1 + 3 * a * z * z)
            dGate[i] += dOut[i] * up[i] * dg
            dUp[i] += dOut[i] * g
        }
    case .silu:
        for i in 0..<count {
            let z = gate[i]
            let s = 1 / (1 + expf(-z))
            dGate[i] += dOut[i] * up[i] * s * (1 + z * (1 - s))
            dUp[i] += dOut[i] * z * s
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
