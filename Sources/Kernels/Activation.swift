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
    parallelElements(count) { i0, i1 in
        switch kind {
        case .geluTanh: ck_gelu_tanh_mul(gate + i0, up + i0, Int64(i1 - i0))
        case .silu: ck_silu_mul(gate + i0, up + i0, Int64(i1 - i0))
        }
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
    parallelRanges(count) { i0, i1 in
        gatedActivationBackwardRange(kind, gate, up, dOut, dGate, dUp, i0, i1)
    }
}

private func gatedActivationBackwardRange(_ kind: GatedActivation, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>,
                                          _ dOut: UnsafePointer<Float>, _ dGate: UnsafeMutablePointer<Float>,
                                          _ dUp: UnsafeMutablePointer<Float>, _ i0: Int, _ i1: Int) {
    switch kind {
    case .geluTanh:
        ck_gelu_tanh_mul_backward(gate + i0, up + i0, dOut + i0, dGate + i0, dUp + i0, Int64(i1 - i0))
    case .silu:
        for i in i0..<i1 {
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
