// Reference (scalar) dequantization of ggml block formats.
// Arithmetic order follows ggml's reference dequantizers (scale·scale, then ·q, then −dmin·m,
// all in f32) so results are bit-identical with gguf-py / ggml, which the tests check.

/// Dequantizes `count` elements of `type` from `src` into `dst`.
///
/// `count` must be a multiple of `type.blockSize` and `type.canDequantize` must be true
/// (both are programming errors otherwise). `src` needs no particular alignment.
public func dequantize(_ type: TensorType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    precondition(type.canDequantize, "dequantize: \(type) is not supported")
    precondition(count >= 0 && count % type.blockSize == 0,
                 "dequantize: \(count) elements is not a multiple of the \(type) block size \(type.blockSize)")
    let blocks = count / type.blockSize
    let bb = type.blockBytes
    switch type {
    case .f32:
        for i in 0..<count { dst[i] = src.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
    case .f16:
        for i in 0..<count { dst[i] = f16ToF32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
    case .bf16:
        for i in 0..<count { dst[i] = bf16ToF32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
    case .q8_0:
        for b in 0..<blocks { dequantizeQ8_0(src + b * bb, dst + b * 32) }
    case .q4_0:
        for b in 0..<blocks { dequantizeQ4_0(src + b * bb, dst + b * 32) }
    case .q5_0:
        for b in 0..<blocks { dequantizeQ5_0(src + b * bb, dst + b * 32) }
    case .q4_K:
        for b in 0..<blocks { dequantizeQ4_K(src + b * bb, dst + b * 256) }
    case .q5_K:
        for b in 0..<blocks { dequantizeQ5_K(src + b * bb, dst + b * 256) }
    case .q6_K:
        for b in 0..<blocks { dequantizeQ6_K(src + b * bb, dst + b * 256) }
    default:
        preconditionFailure("unreachable: canDequantize checked")
    }
}

@inline(__always)
private func f16At(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    f16ToF32(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
}

/// Q8_0: d:f16, q:int8[32]; x = d·q.
@inline(__always)
private func dequantizeQ8_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16At(p, 0)
    let q = (p + 2).assumingMemoryBound(to: Int8.self)
    for j in 0..<32 { y[j] = Float(q[j]) * d }
}

/// Q4_0: d:f16, qs:u8[16]; low nibbles are elements 0–15, high nibbles 16–31, offset by 8.
@inline(__always)
private func dequantizeQ4_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16At(p, 0)
    let qs = (p + 2).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        y[j] = Float(Int32(qs[j] & 15) - 8) * d
        y[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
    }
}

/// Q5_0: d:f16, qh:u32 (5th bits), qs:u8[16]; offset by 16.
@inline(__always)
private func dequantizeQ5_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16At(p, 0)
    let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
    let qs = (p + 6).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        let h0 = Int32((qh >> UInt32(j)) & 1) << 4
        let h1 = Int32((qh >> UInt32(j + 16)) & 1) << 4
        y[j] = Float((Int32(qs[j] & 15) | h0) - 16) * d
        y[j + 16] = Float((Int32(qs[j] >> 4) | h1) - 16) * d
    }
}

/// Unpacks the 6-bit scale and min of sub-block `j` (0..<8) from the 12 packed K-quant bytes.
@inline(__always)
private func scaleMinK4(_ j: Int, _ s: UnsafePointer<UInt8>) -> (Float, Float) {
    if j < 4 {
        return (Float(s[j] & 63), Float(s[j + 4] & 63))
    }
    let sc = (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4)
    let m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4)
    return (Float(sc), Float(m))
}

/// Q4_K: d:f16, dmin:f16, scales:u8[12], qs:u8[128]; 8 sub-blocks of 32 with scale and min.
@inline(__always)
private func dequantizeQ4_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16At(p, 0), dmin = f16At(p, 2)
    let scales = (p + 4).assumingMemoryBound(to: UInt8.self)
    let qs = (p + 16).assumingMemoryBound(to: UInt8.self)
    for c in 0..<4 {
        let (sc1, m1) = scaleMinK4(2 * c, scales)
        let (sc2, m2) = scaleMinK4(2 * c + 1, scales)
        let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
        let q = qs + 32 * c
        let out = y + 64 * c
        for l in 0..<32 {
            out[l] = d1 * Float(q[l] & 15) - min1
            out[l + 32] = d2 * Float(q[l] >> 4) - min2
        }
    }
}

/// Q5_K: d, dmin, scales[12] as in Q4_K, then qh:u8[32] (5th bits), qs:u8[128].
@inline(__always)
private func dequantizeQ5_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16At(p, 0), dmin = f16At(p, 2)
    let scales = (p + 4).assumingMemoryBound(to: UInt8.self)
    let qh = (p + 16).assumingMemoryBound(to: UInt8.self)
    let qs = (p + 48).assumingMemoryBound(to: UInt8.self)
    for c in 0..<4 {
        let (sc1, m1) = scaleMinK4(2 * c, scales)
        let (sc2, m2) = scaleMinK4(2 * c + 1, scales)
        let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
        let q = qs + 32 * c
        let out = y + 64 * c
        for l in 0..<32 {
            let hLow: UInt8 = ((qh[l] >> UInt8(2 * c)) & 1) << 4
            let hHigh: UInt8 = ((qh[l] >> UInt8(2 * c + 1)) & 1) << 4
            out[l] = d1 * Float((q[l] & 15) + hLow) - min1
            out[l + 32] = d2 * Float((q[l] >> 4) + hHigh) - min2
        }
    }
}

/// Q6_K: ql:u8[128], qh:u8[64], sc:int8[16], d:f16 (last); two halves of 128 values.
@inline(__always)
private func dequantizeQ6_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16At(p, 208)
    for h in 0..<2 {
        let ql = (p + 64 * h).assumingMemoryBound(to: UInt8.self)
        let qh = (p + 128 + 32 * h).assumingMemoryBound(to: UInt8.self)
        let sc = (p + 192 + 8 * h).assumingMemoryBound(to: Int8.self)
        let out = y + 128 * h
        for l in 0..<32 {
            let s = l / 16
            let q1 = Int32((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32
            let q2 = Int32((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32
            let q3 = Int32((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32
            let q4 = Int32((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32
            out[l] = d * Float(sc[s]) * Float(q1)
            out[l + 32] = d * Float(sc[s + 2]) * Float(q2)
            out[l + 64] = d * Float(sc[s + 4]) * Float(q3)
            out[l + 96] = d * Float(sc[s + 6]) * Float(q4)
        }
    }
}
