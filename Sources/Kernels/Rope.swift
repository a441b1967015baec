import CKernels
import Foundation

/// Rotary position embedding.
public enum RopeStyle: Sendable {
    /// Pairs (i, i + rot/2): HF `rotate_half`, llama.cpp NEOX (Gemma, and HF-layout Llama).
    case neox
    /// Adjacent pairs (2i, 2i+1): llama.cpp "normal" rope, for `llama` GGUF files whose Q/K rows
    /// the converter permuted.
    case adjacent
}

/// Cos/sin tables for one RoPE base: θ_i = pos · base^(−2i/rot) / f_i, computed as transformers
/// does (inverse frequencies in f32, times the position in f32). The per-pair divisors f_i are
/// Llama 3's frequency scaling (GGUF `rope_freqs.weight`); 1 when absent.
public struct RopeTable: Sendable {
    public let rotaryDims: Int
    public let base: Float
    private let invFreq: [Float]

    public init(rotaryDims: Int, base: Float, frequencyFactors: [Float]? = nil) {
        precondition(frequencyFactors == nil || frequencyFactors!.count == rotaryDims / 2, "one factor per rotated pair")
        self.rotaryDims = rotaryDims
        self.base = base
        invFreq = (0..<rotaryDims / 2).map { i in
            let power = Float(pow(Double(base), Double(Float(2 * i) / Float(rotaryDims))))
            return 1 / power / (frequencyFactors?[i] ?? 1)
        }
    }

    /// Llama 3's divisors from its HF `rope_scaling` (transformers' `_compute_llama3_parameters`):
    /// long wavelengths are slowed by `factor`, short ones kept, the band between interpolated.
    public static func llama3FrequencyFactors(rotaryDims: Int, base: Float, factor: Float, lowFrequencyFactor: Float,
                                              highFrequencyFactor: Float, originalContext: Int) -> [Float] {
        let lowWavelength = Float(originalContext) / lowFrequencyFactor
        let highWavelength = Float(originalContext) / highFrequencyFactor
        return RopeTable(rotaryDims: rotaryDims, base: base).invFreq.map { f in
            let wavelength = 2 * Float.pi / f
            if wavelength < highWavelength { return 1 }
            if wavelength > lowWavelength { return factor }
            let smooth = (Float(originalContext) / wavelength - lowFrequencyFactor) / (highFrequencyFactor - lowFrequencyFactor)
            return 1 / ((1 - smooth) / factor + smooth)
        }
    }

    /// Writes rot/2 cosines then rot/2 sines for position `pos` into `cs`.
    public func fill(position pos: Int, _ cs: UnsafeMutablePointer<Float>) {
        let half = rotaryDims / 2
        let p = Float(pos)
        for i in 0..<half {
            let angle = Double(p * invFreq[i])
            cs[i] = Float(cos(angle))
            cs[half + i] = Float(sin(angle))
        }
    }
}

/// Applies RoPE in place to `heads` consecutive head vectors of `headDim` values (rotating the
/// first `cs`-table's rotaryDims of each), with the table for one position in `cs`.
public func ropeForward(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, rotaryDims: Int,
                        cs: UnsafePointer<Float>, style: RopeStyle) {
    for h in 0..<heads {
        ck_rope(x + h * headDim, Int64(headDim), Int64(rotaryDims), cs, style == .neox ? 1 : 0)
    }
}

/// RoPE backward, in place on the gradient: the forward is a rotation by θ, so its transpose
/// is the rotation by −θ (the same table with the sines negated).
public func ropeBackward(_ dx: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, rotaryDims: Int,
                         cs: UnsafePointer<Float>, style: RopeStyle) {
    let half = rotaryDims / 2
    withUnsafeTemporaryAllocation(of: Float.self, capacity: rotaryDims) { inv in
        let t = inv.baseAddress!
        for i in 0..<half {
            t[i] = cs[i]
            t[half + i] = -cs[half + i]
        }
        ropeForward(dx, heads: heads, headDim: headDim, rotaryDims: rotaryDims, cs: t, style: style)
    }
}

/// RoPE (forward, or backward on gradients) on `rows` consecutive positions of q (`heads` heads
/// per row) and k (`kvHeads`), row i with the table at cs + i·rotaryDims; rows split across the pool.
public func ropeRows(q: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>, rows: Int, heads: Int, kvHeads: Int,
                     headDim: Int, rotaryDims: Int, cs: UnsafePointer<Float>, style: RopeStyle, backward: Bool = false) {
    let qd = heads * headDim, kd = kvHeads * headDim
    let rope = backward ? ropeBackward : ropeForward
    let body = { (r0: Int, r1: Int) in
        for i in r0..<r1 {
            let tab = cs + i * rotaryDims
            rope(q + i * qd, heads, headDim, rotaryDims, tab, style)
            rope(k + i * kd, kvHeads, headDim, rotaryDims, tab, style)
        }
    }
    if rows < 16 { body(0, rows) } else { parallelRanges(rows, body) }
}
