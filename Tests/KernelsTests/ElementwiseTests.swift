import Base
import Foundation
import Kernels
import XCTest

/// Norms, activations, softmax, RoPE and attention against naive double-precision references.
final class ElementwiseTests: XCTestCase {
    func testRMSNorm() {
        var rng = SplitMix64(seed: 1)
        let n = 640
        let x = (0..<2 * n).map { _ in Float(rng.nextDouble() * 200 - 100) }
        let w = (0..<n).map { _ in Float(rng.nextDouble() * 3) }
        var y = [Float](repeating: 0, count: 2 * n)
        rmsNormForward(x, w, &y, rows: 2, n: n, eps: 1e-6)
        var worst = 0.0
        for r in 0..<2 {
            let ms = (0..<n).reduce(0.0) { $0 + Double(x[r * n + $1]) * Double(x[r * n + $1]) } / Double(n)
            for i in 0..<n {
                let ref = Double(x[r * n + i]) / (ms + 1e-6).squareRoot() * Double(w[i])
                worst = max(worst, abs(Double(y[r * n + i]) - ref) / max(1, abs(ref)))
                XCTAssertEqual(Double(y[r * n + i]), ref, accuracy: 5e-7 * max(1, abs(ref)))   // measured 1.5e-7: 3.4×
            }
        }
        print("rmsNorm: largest gap \(worst)")
    }

    func testActivations() {
        let z: [Float] = stride(from: -12.0, through: 12.0, by: 0.37).map { Float($0) } + [0, 1e-4, -1e-4, 50, -50, 90, -100]
        let up = z.map { _ in Float(1.5) }
        var worst = 0.0
        for scalar in [false, true] {
            KernelThreads.forceScalar(scalar)
            var g = z
            gatedActivationForward(.geluTanh, gate: &g, up: up, count: z.count)
            var s = z
            gatedActivationForward(.silu, gate: &s, up: up, count: z.count)
            for i in z.indices {
                let d = Double(z[i])
                let gelu = 0.5 * d * (1 + tanh(0.7978845608028654 * (d + 0.044715 * d * d * d))) * 1.5
                let silu = d / (1 + exp(-d)) * 1.5
                worst = max(worst, abs(Double(g[i]) - gelu) / max(1, abs(gelu)), abs(Double(s[i]) - silu) / max(1, abs(silu)))
                // Measured 1.4e-7 over both activations and both paths: 5e-7 is 3.7×.
                XCTAssertEqual(Double(g[i]), gelu, accuracy: 5e-7 * max(1, abs(gelu)), "gelu(\(d)) scalar=\(scalar)")
                XCTAssertEqual(Double(s[i]), silu, accuracy: 5e-7 * max(1, abs(silu)), "silu(\(d)) scalar=\(scalar)")
            }
        }
        KernelThreads.forceScalar(false)
        print("activations: largest gap \(worst)")
    }

    func testGeluBackwardMatchesTheDerivative() {
        let z: [Float] = stride(from: -9.0, through: 9.0, by: 0.29).map { Float($0) } + [0, 1e-4, -50, 90, -100]
        let up = z.indices.map { Float(0.5 + 0.01 * Double($0)) }
        let dOut = z.indices.map { Float(1 - 0.02 * Double($0)) }
        var worst = 0.0
        for scalar in [false, true] {
            KernelThreads.forceScalar(scalar)
            var dGate = [Float](repeating: 0.25, count: z.count), dUp = dGate
            gatedActivationBackward(.geluTanh, gate: z, up: up, dOut: dOut, dGate: &dGate, dUp: &dUp, count: z.count)
            for i in z.indices {
                let d = Double(z[i]), c = 0.7978845608028654, a = 0.044715
                let th = tanh(c * (d + a * d * d * d))
                let gelu = 0.5 * d * (1 + th)
                let slope = 0.5 * (1 + th) + 0.5 * d * (1 - th * th) * c * (1 + 3 * a * d * d)
                let wantGate = 0.25 + Double(dOut[i]) * Double(up[i]) * slope, wantUp = 0.25 + Double(dOut[i]) * gelu
                worst = max(worst, abs(Double(dGate[i]) - wantGate) / max(1, abs(wantGate)), abs(Double(dUp[i]) - wantUp) / max(1, abs(wantUp)))
                // Measured 1.0e-7 over both outputs and both paths: 4e-7 is 4×.
                XCTAssertEqual(Double(dGate[i]), wantGate, accuracy: 4e-7 * max(1, abs(wantGate)), "dGate at \(d) scalar=\(scalar)")
                XCTAssertEqual(Double(dUp[i]), wantUp, accuracy: 4e-7 * max(1, abs(wantUp)), "dUp at \(d) scalar=\(scalar)")
            }
        }
        KernelThreads.forceScalar(false)
        print("gelu backward: largest gap \(worst)")
    }

    func testMaxValue() {
        for n in [0, 1, 7, 8, 9, 31, 1000] {
            let x = (0..<n).map { Float(-abs(Double($0) - 3.5) - 1) }
            for scalar in [false, true] {
                KernelThreads.forceScalar(scalar)
                XCTAssertEqual(maxValue(x, count: n), x.max() ?? -.infinity, "n \(n) scalar=\(scalar)")
            }
        }
        KernelThreads.forceScalar(false)
    }

    func testSoftmaxAndLogSumExp() {
        var x: [Float] = [1000, 999, -5, 3, 3, 0.5, -1e9, 20, 7, 1, 2]
        let lse = logSumExp(x, count: x.count)
        let m = 1000.0
        let ref = m + log(x.reduce(0.0) { $0 + exp(Double($1) - m) })
        print("logSumExp: gap \(abs(lse - ref))")
        XCTAssertEqual(lse, ref, accuracy: 3e-8)   // measured 6.7e-9: 4.5×
        softmaxForward(&x, count: x.count)
        let orig: [Double] = [1000, 999, -5, 3, 3, 0.5, -1e9, 20, 7, 1, 2]
        print("softmax: largest gap \(x.indices.map { abs(Double(x[$0]) - exp(orig[$0] - ref)) }.max()!)")
        for i in x.indices { XCTAssertEqual(Double(x[i]), exp(orig[i] - ref), accuracy: 6e-8) }   // measured 1.9e-8: 3.2×
    }

    func testRopeStyles() {
        let hd = 8
        let table = RopeTable(rotaryDims: hd, base: 10000)
        var cs = [Float](repeating: 0, count: hd)
        table.fill(position: 3, &cs)
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        var neox = x, adj = x
        ropeForward(&neox, heads: 1, headDim: hd, rotaryDims: hd, cs: cs, style: .neox)
        ropeForward(&adj, heads: 1, headDim: hd, rotaryDims: hd, cs: cs, style: .adjacent)
        var worst = 0.0   // measured 6.5e-7 (f32 cos/sin tables): the bound 2e-6 is 3.1×
        for i in 0..<hd / 2 {
            let th = 3.0 * pow(10000.0, -2.0 * Double(i) / Double(hd))
            worst = max(worst, abs(Double(neox[i]) - (Double(x[i]) * cos(th) - Double(x[i + 4]) * sin(th))),
                        abs(Double(neox[i + 4]) - (Double(x[i + 4]) * cos(th) + Double(x[i]) * sin(th))),
                        abs(Double(adj[2 * i]) - (Double(x[2 * i]) * cos(th) - Double(x[2 * i + 1]) * sin(th))),
                        abs(Double(adj[2 * i + 1]) - (Double(x[2 * i + 1]) * cos(th) + Double(x[2 * i]) * sin(th))))
            XCTAssertEqual(Double(neox[i]), Double(x[i]) * cos(th) - Double(x[i + 4]) * sin(th), accuracy: 2e-6)
            XCTAssertEqual(Double(neox[i + 4]), Double(x[i + 4]) * cos(th) + Double(x[i]) * sin(th), accuracy: 2e-6)
            XCTAssertEqual(Double(adj[2 * i]), Double(x[2 * i]) * cos(th) - Double(x[2 * i + 1]) * sin(th), accuracy: 2e-6)
            XCTAssertEqual(Double(adj[2 * i + 1]), Double(x[2 * i + 1]) * cos(th) + Double(x[2 * i]) * sin(th), accuracy: 2e-6)
        }
        print("rope: largest gap \(worst)")
    }

    /// Naive causal attention with GQA and a window, all positions at once.
    func naiveAttention(q: [Float], k: [Float], v: [Float], T: Int, H: Int, KV: Int, hd: Int, window: Int) -> [Float] {
        var out = [Float](repeating: 0, count: T * H * hd)
        for t in 0..<T {
            for h in 0..<H {
                let kvh = h / (H / KV)
                var s = [Double](repeating: -.infinity, count: T)
                for u in 0...t where window == 0 || t - u < window {
                    var d = 0.0
                    for i in 0..<hd { d += Double(q[t * H * hd + h * hd + i]) * Double(k[u * KV * hd + kvh * hd + i]) }
                    s[u] = d
                }
                let m = s.max()!
                let e = s.map { $0 == -.infinity ? 0 : exp($0 - m) }
                let z = e.reduce(0, +)
                for i in 0..<hd {
                    var a = 0.0
                    for u in 0..<T { a += e[u] / z * Double(v[u * KV * hd + kvh * hd + i]) }
                    out[t * H * hd + h * hd + i] = Float(a)
                }
            }
        }
        return out
    }

    func testAttentionPrefillAndDecodeMatchNaive() {
        var rng = SplitMix64(seed: 3)
        let T = 150, H = 4, KV = 2, hd = 16
        for window in [0, 37] {
            let q = (0..<T * H * hd).map { _ in Float(rng.nextDouble() * 2 - 1) }
            let k = (0..<T * KV * hd).map { _ in Float(rng.nextDouble() * 2 - 1) }
            let v = (0..<T * KV * hd).map { _ in Float(rng.nextDouble() * 2 - 1) }
            let ref = naiveAttention(q: q, k: k, v: v, T: T, H: H, KV: KV, hd: hd, window: window)
            // All at once (several query blocks), then as a prefill of 100 plus 50 one-token decodes.
            var all = [Float](repeating: 0, count: T * H * hd)
            // Sized as the kernel asks (one score block per pool thread), with the pool at 2 threads.
            KernelThreads.set(2)
            let full = AttentionShape(queries: T, firstPosition: 0, heads: H, kvHeads: KV, headDim: hd, window: window)
            var scratch = [Float](repeating: 0, count: full.scratchCount)
            attentionForward(q: q, k: k, v: v, out: &all,
                             shape: AttentionShape(queries: T, firstPosition: 0, heads: H, kvHeads: KV, headDim: hd, window: window),
                             scratch: &scratch)
            var split = [Float](repeating: 0, count: T * H * hd)
            q.withUnsafeBufferPointer { qp in
                split.withUnsafeMutableBufferPointer { op in
                    attentionForward(q: qp.baseAddress!, k: k, v: v, out: op.baseAddress!,
                                     shape: AttentionShape(queries: 100, firstPosition: 0, heads: H, kvHeads: KV, headDim: hd, window: window),
                                     scratch: &scratch)
                    for t in 100..<T {
                        attentionForward(q: qp.baseAddress! + t * H * hd, k: k, v: v, out: op.baseAddress! + t * H * hd,
                                         shape: AttentionShape(queries: 1, firstPosition: t, heads: H, kvHeads: KV, headDim: hd, window: window),
                                         scratch: &scratch)
                    }
                }
            }
            // Measured 1.8e-7 (no window) and 2.4e-7 (window 37): 1e-6 is 4.2×.
            print("attention window \(window): largest gap \(ref.indices.map { max(abs(all[$0] - ref[$0]), abs(split[$0] - ref[$0])) }.max()!)")
            for i in ref.indices {
                XCTAssertEqual(all[i], ref[i], accuracy: 1e-6, "window \(window) index \(i)")
                XCTAssertEqual(split[i], ref[i], accuracy: 1e-6, "window \(window) index \(i) (split)")
            }
        }
    }

    /// Long element-wise passes split across threads give exactly one whole call's values, and
    /// cover every element once (a length that is not a multiple of 64 or 8).
    func testParallelPassesMatchOneCall() {
        let n = (1 << 16) + 37
        var rng = SplitMix64(seed: 17)
        let gate = (0..<n).map { _ in Float.random(in: -4...4, using: &rng) }
        let up = (0..<n).map { _ in Float.random(in: -2...2, using: &rng) }
        var results: [[Float]] = []
        let before = KernelThreads.count
        defer { KernelThreads.set(before) }
        for threads in [1, 2] {
            KernelThreads.set(threads)
            var g = gate, y = up
            g.withUnsafeMutableBufferPointer { gp in
                up.withUnsafeBufferPointer { u in gatedActivationForward(.geluTanh, gate: gp.baseAddress!, up: u.baseAddress!, count: n) }
            }
            y.withUnsafeMutableBufferPointer { yp in
                g.withUnsafeBufferPointer { gp in accumulate(gp.baseAddress!, into: yp.baseAddress!, count: n) }
                scale(yp.baseAddress!, by: 0.5, count: n)
            }
            results.append(g + y)
        }
        XCTAssertEqual(results[0], results[1])
        var counts = [Int](repeating: 0, count: n)
        KernelThreads.set(2)
        counts.withUnsafeMutableBufferPointer { c in
            let p = c.baseAddress!
            parallelElements(n) { i0, i1 in for i in i0..<i1 { p[i] += 1 } }
        }
        XCTAssertEqual(counts, [Int](repeating: 1, count: n))
        print("parallel passes: largest gap \([0, 1000, n - 1].map { i -> Float in let z = gate[i]; let gelu = 0.5 * z * (1 + tanh(0.7978845608 * (z + 0.044715 * z * z * z))); return max(abs(results[1][i] - gelu * up[i]), abs(results[1][n + i] - (up[i] + gelu * up[i]) * 0.5)) }.max()!)")
        for i in [0, 1000, n - 1] {
            let z = gate[i]
            let gelu = 0.5 * z * (1 + tanh(0.7978845608 * (z + 0.044715 * z * z * z)))
            // Measured 6.0e-8 (seed 17): 3e-7 is 5×.
            XCTAssertEqual(results[1][i], gelu * up[i], accuracy: 3e-7)
            XCTAssertEqual(results[1][n + i], (up[i] + gelu * up[i]) * 0.5, accuracy: 3e-7)
        }
    }
}
