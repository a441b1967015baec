import Base
import CKernels
import Kernels
import XCTest

/// The int16 block products training uses through frozen weights (Int16Weights) against exact
/// double-precision products, the scalar path, other thread counts and the f32 kernels.
final class Int16MatmulTests: XCTestCase {
    /// y = x·Wᵀ in double, and the bound of int16 rounding: each value moves by at most half a
    /// step of its block (block max / 16382), for x and W alike.
    static func exact(_ x: [Float], _ w: [Float], rows m: Int, outputs n: Int, reduction k: Int) -> (y: [Double], bound: [Double]) {
        func blockMax(_ v: [Float], _ row: Int, _ j: Int) -> Double {
            let b0 = row * k + j / 32 * 32
            return (b0..<min(b0 + 32, row * k + k)).map { Double(abs(v[$0])) }.max()!
        }
        var y = [Double](repeating: 0, count: m * n), bound = y
        for i in 0..<m {
            for o in 0..<n {
                var s = 0.0, e = 0.0
                for j in 0..<k {
                    let a = Double(x[i * k + j]), b = Double(w[o * k + j])
                    s += a * b
                    e += abs(a) * blockMax(w, o, j) / 16382 + abs(b) * blockMax(x, i, j) / 16382
                }
                y[i * n + o] = s
                bound[i * n + o] = e * 1.01 + 1e-6
            }
        }
        return (y, bound)
    }

    static func random(_ count: Int, _ rng: inout SplitMix64, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float(rng.nextDouble() * 2 - 1) * scale }
    }

    func product(_ x: [Float], _ w: Int16Weights, rows m: Int, threads: Int = 2) -> [Float] {
        KernelThreads.set(threads)
        var y = [Float](repeating: .nan, count: m * w.outputs)
        w.multiply(x, rows: m, ldx: w.reduction, into: &y, ldy: w.outputs, accumulate: false, scratch: Int16Scratch())
        return y
    }

    func packed(_ w: [Float], outputs n: Int, reduction k: Int) -> Int16Weights {
        let p = Int16Weights(outputs: n, reduction: k)
        p.pack(w, strideOut: k, strideIn: 1, count: k, at: 0)
        return p
    }

    func testProductIsExactUpToInt16Rounding() {
        // Odd sizes: a partial register tile (37 rows), a partial panel (70 outputs), a partial
        // block (200 = 6·32 + 8), and a reduction longer than one cache chunk (1100 > 1024).
        var rng = SplitMix64(seed: 5)
        for (m, n, k) in [(37, 70, 200), (7, 33, 1100)] {
            let x = Self.random(m * k, &rng), w = Self.random(n * k, &rng, scale: 0.05)
            let y = product(x, packed(w, outputs: n, reduction: k), rows: m)
            let (ref, bound) = Self.exact(x, w, rows: m, outputs: n, reduction: k)
            // `bound` is the analytic int16 rounding bound; the measured gap uses 11% (k 200) and 4.9% (k 1100) of it.
            print("int16 m=\(m) n=\(n) k=\(k): largest gap / bound \((0..<m * n).map { abs(Double(y[$0]) - ref[$0]) / bound[$0] }.max()!)")
            for i in 0..<m * n {
                XCTAssertEqual(Double(y[i]), ref[i], accuracy: bound[i], "m=\(m) n=\(n) k=\(k) index \(i)")
            }
        }
    }

    func testVectorAndScalarPathsAndThreadCountsGiveTheSameBits() throws {
        try XCTSkipUnless(Int16Weights.fast, "no AVX512-VNNI here: only the scalar path runs")
        var rng = SplitMix64(seed: 9)
        let m = 23, n = 100, k = 1300
        let x = Self.random(m * k, &rng), w = packed(Self.random(n * k, &rng), outputs: n, reduction: k)
        let vector = product(x, w, rows: m)
        XCTAssertEqual(product(x, w, rows: m, threads: 1), vector)
        let old = ck_force_scalar(1)
        defer { _ = ck_force_scalar(old) }
        XCTAssertEqual(product(x, w, rows: m), vector)
    }

    func testTransposedQuantizedWeightsMatchTheF32Backward() {
        // dX = dY·W through a Q4_K matrix packed transposed, against dequantize + SGEMM; and the
        // forward through the same matrix, a vocabulary tile of it and a span of its reduction.
        var rng = SplitMix64(seed: 3)
        let rows = 96, cols = 256, m = 5
        let bytes = (0..<rows).flatMap { _ in QuantDotTests.randomRow(.q4_K, cols: cols, rng: &rng) }
        bytes.withUnsafeBytes { raw in
            let w = WeightMatrix(type: .q4_K, data: raw.baseAddress!, rows: rows, cols: cols)
            var dense = [Float](repeating: 0, count: rows * cols)
            w.dequantize(into: &dense)
            let scale = dense.map { abs($0) }.max()!
            let dy = Self.random(m * rows, &rng)
            let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: rows * cols)
            defer { scratch.deallocate() }
            var want = [Float](repeating: 0, count: m * cols)
            matmulBackwardInput(dy, rows: m, w, &want, accumulate: false, scratch: scratch)
            let (iw, transposed) = Int16Weights.packing(w)
            let got = product(dy, transposed, rows: m)
            print("int16 transposed backward: largest gap / (scale·√rows) \((0..<m * cols).map { abs(got[$0] - want[$0]) }.max()! / (scale * Float(rows).squareRoot()))")
            // Measured 4.4e-5·scale·√rows: 1.5e-4 is 3.4×.
            for i in 0..<m * cols { XCTAssertEqual(got[i], want[i], accuracy: 1.5e-4 * scale * Float(rows).squareRoot()) }

            let x = Self.random(m * cols, &rng)
            // Against the dequantized weights in f32 (decoding's matmul rounds x to int8 on VNNI).
            var fwd = [Float](repeating: 0, count: m * rows)
            for i in 0..<m {
                for r in 0..<rows { for c in 0..<cols { fwd[i * rows + r] += dense[r * cols + c] * x[i * cols + c] } }
            }
            let all = product(x, iw, rows: m)
            print("int16 forward: largest gap / (scale·√cols) \((0..<m * rows).map { abs(all[$0] - fwd[$0]) }.max()! / (scale * Float(cols).squareRoot()))")
            // Measured 4.0e-5·scale·√cols: 1.5e-4 is 3.8×.
            for i in 0..<m * rows { XCTAssertEqual(all[i], fwd[i], accuracy: 1.5e-4 * scale * Float(cols).squareRoot()) }
            // Outputs 32..<96 alone give the same bits as those columns of the whole product.
            var tile = [Float](repeating: 0, count: m * 64)
            iw.rows(32..<96).multiply(x, rows: m, ldx: cols, into: &tile, ldy: 64, accumulate: false, scratch: Int16Scratch())
            for i in 0..<m { XCTAssertEqual(Array(tile[i * 64..<(i + 1) * 64]), Array(all[i * rows + 32..<i * rows + 96])) }
            // Two halves of the reduction, the second accumulated onto the first.
            var halves = [Float](repeating: 0, count: m * rows)
            x.withUnsafeBufferPointer { xp in
                let s = Int16Scratch()
                iw.multiply(xp.baseAddress!, rows: m, ldx: cols, span: 0..<128, into: &halves, ldy: rows, accumulate: false, scratch: s)
                iw.multiply(xp.baseAddress! + 128, rows: m, ldx: cols, span: 128..<256, into: &halves, ldy: rows, accumulate: true, scratch: s)
            }
            print("int16 halves: largest gap / (scale·cols) \((0..<m * rows).map { abs(halves[$0] - all[$0]) }.max()! / (scale * Float(cols)))")
            // Measured 2.0e-9·scale·cols (f32 accumulation order only): 8e-9 is 3.9×.
            for i in 0..<m * rows { XCTAssertEqual(halves[i], all[i], accuracy: 8e-9 * scale * Float(cols)) }
        }
    }

    /// The products that dequantize and round a tile of rows at a time (prompts, training's layers)
    /// give the bits of the same products through the matrix packed once: forward with tiles of
    /// 64 rows, backward with tiles of 1024 (the reduction chunks' size) and a last short one.
    func testTiledProductsEqualThePackedOnes() throws {
        try XCTSkipUnless(Int16Weights.fast, "no AVX512-VNNI here: the tiled products refuse")
        var rng = SplitMix64(seed: 4)
        let rows = 2080, cols = 256, m = 7
        let bytes = (0..<rows).flatMap { _ in QuantDotTests.randomRow(.q4_K, cols: cols, rng: &rng) }
        bytes.withUnsafeBytes { raw in
            let w = WeightMatrix(type: .q4_K, data: raw.baseAddress!, rows: rows, cols: cols)
            let (forward, transposed) = Int16Weights.packing(w)
            let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1024 * cols)
            defer { scratch.deallocate() }
            let x = Self.random(m * cols, &rng)
            var y = [Float](repeating: 0, count: m * rows)
            XCTAssertTrue(matmulInt16(x, rows: m, w, &y, scratch: UnsafeMutableBufferPointer(rebasing: scratch[..<(64 * cols)])))
            XCTAssertEqual(y, product(x, forward, rows: m))
            let dy = Self.random(m * rows, &rng)
            var dx = [Float](repeating: 0, count: m * cols)
            XCTAssertTrue(matmulBackwardInputInt16(dy, rows: m, w, &dx, accumulate: false, scratch: scratch))
            XCTAssertEqual(dx, product(dy, transposed, rows: m))
        }
    }

    func testNonFiniteInputGivesNaNInItsRowOnly() {
        var rng = SplitMix64(seed: 4)
        let m = 3, n = 40, k = 64
        var x = Self.random(m * k, &rng)
        x[k + 5] = .infinity
        let y = product(x, packed(Self.random(n * k, &rng), outputs: n, reduction: k), rows: m)
        XCTAssertTrue(y[n..<2 * n].allSatisfy(\.isNaN), "the row with ∞ is NaN")
        XCTAssertTrue((y[0..<n] + y[2 * n..<3 * n]).allSatisfy(\.isFinite), "other rows are untouched")
    }
}
