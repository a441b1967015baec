import Base
import CKernels
import Kernels
import XCTest

/// The SIMD dot products and the fast dequantizer against the reference dequantizer
/// (`Kernels.dequantize`, bit-exact with gguf-py) on random blocks of every supported type.
final class QuantDotTests: XCTestCase {
    nonisolated(unsafe) static var ratio = [0.0, 0.0, 0.0]
    override class func tearDown() { print("quant dot: largest gap / bound \(ratio)") }

    static let types: [TensorType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q5_0, .q4_K, .q5_K, .q6_K]

    /// Random bytes for `blocks` blocks, with every f16 scale replaced by a small finite value.
    static func randomRow(_ type: TensorType, cols: Int, rng: inout SplitMix64) -> [UInt8] {
        var bytes = (0..<type.rowBytes(cols)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        func putHalf(_ off: Int, _ v: Float) {
            let h = f32ToF16(v)
            bytes[off] = UInt8(h & 0xff)
            bytes[off + 1] = UInt8(h >> 8)
        }
        let nb = cols / type.blockSize, bb = type.blockBytes
        switch type {
        case .f32:
            for i in 0..<cols {
                let f = Float(rng.nextDouble() * 2 - 1)
                withUnsafeBytes(of: f.bitPattern.littleEndian) { for j in 0..<4 { bytes[4 * i + j] = $0[j] } }
            }
        case .f16:
            for i in 0..<cols { putHalf(2 * i, Float(rng.nextDouble() * 2 - 1)) }
        case .bf16:
            for i in 0..<cols {
                let b = Float(rng.nextDouble() * 2 - 1).bitPattern >> 16
                bytes[2 * i] = UInt8(b & 0xff)
                bytes[2 * i + 1] = UInt8(b >> 8)
            }
        case .q8_0, .q4_0, .q5_0:
            for b in 0..<nb { putHalf(b * bb, Float(rng.nextDouble() * 0.02 - 0.01)) }
        case .q4_K, .q5_K:
            for b in 0..<nb {
                putHalf(b * bb, Float(rng.nextDouble() * 0.002))
                putHalf(b * bb + 2, Float(rng.nextDouble() * 0.002))
            }
        case .q6_K:
            for b in 0..<nb { putHalf(b * bb + 208, Float(rng.nextDouble() * 0.002 - 0.001)) }
        default: break
        }
        return bytes
    }

    func testDotAndDequantMatchReference() {
        var rng = SplitMix64(seed: 42)
        let cols = 512, rows = 7
        for type in Self.types {
            let bytes = (0..<rows).flatMap { _ in Self.randomRow(type, cols: cols, rng: &rng) }
            let x = (0..<cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
            bytes.withUnsafeBytes { raw in
                let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                var ref = [Float](repeating: 0, count: rows * cols)
                dequantize(type, raw.baseAddress!, &ref, count: rows * cols)
                // Fast dequantization is bit-exact with the reference.
                var fast = [Float](repeating: 0, count: cols)
                for r in 0..<rows {
                    w.dequantizeRow(r, into: &fast)
                    XCTAssertEqual(fast, Array(ref[r * cols..<(r + 1) * cols]), "\(type) dequant row \(r)")
                }
                // Dot products agree with the double-precision reference, SIMD and scalar alike.
                var y = [Float](repeating: 0, count: rows)
                let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: rows * cols)
                defer { scratch.deallocate() }
                for (scalar, avx2, noVNNI) in [(false, false, false), (false, false, true), (false, true, false), (true, false, false)] {
                    KernelThreads.forceScalar(scalar)
                    KernelThreads.forceAVX2(avx2)
                    KernelThreads.forceNoVNNI(noVNNI)
                    matmul(x, rows: 1, w, &y, scratch: scratch)
                    let step = Self.xRoundingSteps(type)
                    for r in 0..<rows {
                        var exact = 0.0, mag = 0.0, xRounding = 0.0
                        for c in 0..<cols {
                            exact += Double(ref[r * cols + c]) * Double(x[c])
                            mag += abs(Double(ref[r * cols + c]) * Double(x[c]))
                            if let step { xRounding += abs(Double(ref[r * cols + c])) * Self.blockMax(x, c) / step }
                        }
                        // f32 accumulation (1e-5 of the magnitude) plus the analytic int16 or int8
                        // rounding of x.
                        QuantDotTests.ratio[0] = max(QuantDotTests.ratio[0], abs(Double(y[r]) - exact) / (1e-5 * mag + xRounding + 1e-7))
                        XCTAssertEqual(Double(y[r]), exact, accuracy: 1e-5 * mag + xRounding + 1e-7,
                                       "\(type) scalar=\(scalar) avx2=\(avx2) noVNNI=\(noVNNI) row \(r)")
                    }
                }
                KernelThreads.forceScalar(false)
                KernelThreads.forceAVX2(false)
                KernelThreads.forceNoVNNI(false)
            }
        }
    }

    /// nil when the matrix-vector product takes x as it is for `type`; otherwise the number of
    /// half-steps x is rounded to per 32-block: int8 for AVX-512 VNNI's Q4_K and Q6_K (254), int16
    /// for AVX-512's Q8_0, Q5_0 and the K-quants without VNNI (65534).
    static func xRoundingSteps(_ type: TensorType) -> Double? {
        guard KernelThreads.avx512Enabled, [.q8_0, .q5_0, .q4_K, .q6_K].contains(type) else { return nil }
        return KernelThreads.vnniEnabled && [.q4_K, .q6_K].contains(type) ? 254 : 65534
    }

    /// The largest |x| in the 32-element block holding x[c]: x[c] is off by at most that / steps.
    static func blockMax(_ x: [Float], _ c: Int) -> Double {
        let b = c / 32 * 32
        return Double(x[b..<b + 32].map { abs($0) }.max()!)
    }

    func testRoundedXKernelsGiveARowTheSameValueInEveryGroup() throws {
        // The 16-row kernel and the single-row kernel must agree bit for bit, so that a row's
        // value does not depend on the thread count (which moves the group boundaries).
        try XCTSkipUnless(KernelThreads.avx512Enabled, "no AVX-512 on this machine")
        for noVNNI in KernelThreads.vnniEnabled ? [false, true] : [false] {
            KernelThreads.forceNoVNNI(noVNNI)
            defer { KernelThreads.forceNoVNNI(false) }
            try roundedXKernelsGiveARowTheSameValueInEveryGroup()
        }
    }

    func roundedXKernelsGiveARowTheSameValueInEveryGroup() throws {
        var rng = SplitMix64(seed: 11)
        let cols = 768, rows = 1003
        for type in [TensorType.q8_0, .q5_0, .q4_K, .q6_K] {
            let steps = try XCTUnwrap(Self.xRoundingSteps(type))
            let bytes = (0..<rows).flatMap { _ in Self.randomRow(type, cols: cols, rng: &rng) }
            var x = (0..<cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
            x[70] = 40   // an outlier, as real hidden states have
            bytes.withUnsafeBytes { raw in
                let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: cols)
                defer { scratch.deallocate() }
                var one = [Float](repeating: 0, count: rows), two = one, alone = one
                KernelThreads.set(1)
                matmul(x, rows: 1, w, &one, scratch: scratch)
                KernelThreads.set(2)
                matmul(x, rows: 1, w, &two, scratch: scratch)
                for r in 0..<rows {
                    let row = WeightMatrix(type: type, data: w.row(r), rows: 1, cols: cols)
                    var v: Float = 0
                    matmul(x, rows: 1, row, &v, scratch: scratch)
                    alone[r] = v
                }
                XCTAssertEqual(one, alone, "\(type): 16-row groups against rows alone")
                XCTAssertEqual(one, two, "\(type): 1 thread against 2")
                // The regrouped copy decoding reads (Q8_0 only; 1003 rows leave 11 outside the groups).
                let grouped = w.groupedForDecoding()
                XCTAssertEqual(grouped.grouped != nil, type == .q8_0, "\(type): regrouped")
                for threads in [1, 2] {
                    KernelThreads.set(threads)
                    var g = [Float](repeating: 0, count: rows)
                    matmul(x, rows: 1, grouped, &g, scratch: scratch)
                    XCTAssertEqual(g, one, "\(type): regrouped rows, \(threads) thread(s)")
                }
                // A NaN activation makes every output NaN, as an f32 product would.
                var bad = x
                bad[300] = .nan
                var nanOut = one
                matmul(bad, rows: 1, w, &nanOut, scratch: scratch)
                XCTAssertTrue(nanOut.allSatisfy(\.isNaN), "\(type): NaN in x")
                var ref = [Float](repeating: 0, count: rows * cols)
                dequantize(type, raw.baseAddress!, &ref, count: rows * cols)
                for r in stride(from: 0, to: rows, by: 17) {
                    var exact = 0.0, bound = 1e-7
                    for c in 0..<cols {
                        exact += Double(ref[r * cols + c]) * Double(x[c])
                        bound += abs(Double(ref[r * cols + c])) * (Self.blockMax(x, c) / steps + 1e-5 * Double(abs(x[c])))
                    }
                    // Analytic rounding of x plus f32 accumulation.
                    QuantDotTests.ratio[1] = max(QuantDotTests.ratio[1], abs(Double(one[r]) - exact) / bound)
                    XCTAssertEqual(Double(one[r]), exact, accuracy: bound, "\(type) row \(r)")
                }
            }
        }
    }

    func testMatmulPathsAgree() {
        // The same product through matvec (n = 1), multi-row matvec (int8- or int16-rounded rows up
        // to matvecRows(type)) and beyond it int8 panels (K-quants on VNNI), int16 panels or
        // dequantize+SGEMM.
        for noVNNI in KernelThreads.vnniEnabled ? [false, true] : [false] {
            KernelThreads.forceNoVNNI(noVNNI)
            defer { KernelThreads.forceNoVNNI(false) }
            matmulPathsAgree()
        }
    }

    func matmulPathsAgree() {
        var rng = SplitMix64(seed: 7)
        let cols = 256, rows = 300
        for type in [TensorType.q4_K, .q8_0, .q6_K, .q5_0, .f32] {
            let bytes = (0..<rows).flatMap { _ in Self.randomRow(type, cols: cols, rng: &rng) }
            for n in [1, 3, 9, 17, 100, 130] {
                let x = (0..<n * cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
                bytes.withUnsafeBytes { raw in
                    let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                    var ref = [Float](repeating: 0, count: rows * cols)
                    dequantize(type, raw.baseAddress!, &ref, count: rows * cols)
                    var y = [Float](repeating: 0, count: n * rows)
                    // A small scratch forces several dequantized tiles.
                    let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: 64 * cols)
                    defer { scratch.deallocate() }
                    KernelThreads.set(2)
                    matmul(x, rows: n, w, &y, scratch: scratch)
                    // Past matvecRows, the K-quants on VNNI go through int8 panels (x rounded as
                    // decoding rounds it); other block-quantized weights through int16 panels: x
                    // and the weights both rounded to ±8191 steps of their block's largest value.
                    let matvec = n <= matvecRows(type)
                    let int8Panels = !matvec && KernelThreads.vnniEnabled && [.q4_K, .q6_K].contains(type)
                    let steps = matvec || int8Panels ? Self.xRoundingSteps(type) : nil
                    let panels = !matvec && !int8Panels && type != .f32 && Int16Weights.fast
                    for i in 0..<n {
                        let xi = Array(x[i * cols..<(i + 1) * cols])
                        if matvec && steps != nil && n > 1 && i % 7 == 0 {
                            // Each row exactly as decoding it alone gives it.
                            var alone = [Float](repeating: 0, count: rows)
                            matmul(xi, rows: 1, w, &alone, scratch: scratch)
                            XCTAssertEqual(Array(y[i * rows..<(i + 1) * rows]), alone, "\(type) n=\(n) row \(i)")
                        }
                        for r in 0..<rows {
                            var exact = 0.0, xRounding = 0.0
                            for c in 0..<cols { exact += Double(ref[r * cols + c]) * Double(xi[c]) }
                            if let steps {
                                for c in 0..<cols { xRounding += abs(Double(ref[r * cols + c])) * Self.blockMax(xi, c) / steps }
                            }
                            if panels {
                                let row = Array(ref[r * cols..<(r + 1) * cols])
                                for c in 0..<cols {
                                    xRounding += (abs(Double(ref[r * cols + c])) + Self.blockMax(row, c) / 16382) * Self.blockMax(xi, c) / 16382
                                        + abs(Double(xi[c])) * Self.blockMax(row, c) / 16382
                                }
                            }
                            // Analytic rounding of x (and of the panels' weights) plus 1e-4: the measured
                            // gap uses 20% of it.
                            QuantDotTests.ratio[2] = max(QuantDotTests.ratio[2], abs(Double(y[i * rows + r]) - exact) / (1e-4 + xRounding))
                            XCTAssertEqual(Double(y[i * rows + r]), exact, accuracy: 1e-4 + xRounding, "\(type) n=\(n)")
                        }
                    }
                }
            }
        }
    }

    func testInt8PanelsMatchDecodingsRounding() throws {
        // Prompts past matvecRows: the same rounded x and stored integers as decoding a row alone,
        // so the two differ only by f32 summation order; rows and weight rows that fill no whole
        // tile or panel (23 = 3·6 + 5, 45 = 32 + 13); a NaN in one row of x makes that row NaN and
        // leaves the others alone; 1 and 2 threads give the same bits.
        try XCTSkipUnless(KernelThreads.vnniEnabled, "no AVX-512 VNNI on this machine")
        var rng = SplitMix64(seed: 23)
        let cols = 512, rows = 45, n = 23
        for type in [TensorType.q4_K, .q6_K] {
            let bytes = (0..<rows).flatMap { _ in Self.randomRow(type, cols: cols, rng: &rng) }
            var x = (0..<n * cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
            x[5 * cols + 100] = 30   // an outlier, as real hidden states have
            x[9 * cols + 300] = .nan
            bytes.withUnsafeBytes { raw in
                let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                var ref = [Float](repeating: 0, count: rows * cols)
                dequantize(type, raw.baseAddress!, &ref, count: rows * cols)
                var one = [Float](repeating: 0, count: n * rows), two = one
                KernelThreads.set(1)
                XCTAssertEqual(ck_matmul_x8(type.rawValue, w.data, w.rowBytes, Int64(rows), Int64(cols), x, Int64(n), &one), 1)
                KernelThreads.set(2)
                XCTAssertEqual(ck_matmul_x8(type.rawValue, w.data, w.rowBytes, Int64(rows), Int64(cols), x, Int64(n), &two), 1)
                XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern), "\(type): 1 thread against 2")
                for i in 0..<n {
                    let xi = Array(x[i * cols..<(i + 1) * cols])
                    var alone = [Float](repeating: 0, count: rows)
                    ck_matvec(type.rawValue, w.data, w.rowBytes, Int64(rows), Int64(cols), xi, &alone)
                    for r in 0..<rows {
                        let y = one[i * rows + r]
                        if i == 9 { XCTAssertTrue(y.isNaN, "\(type) row \(i): NaN in x"); continue }
                        var size = 0.0
                        for c in 0..<cols { size += abs(Double(ref[r * cols + c]) * Double(xi[c])) }
                        XCTAssertEqual(Double(y), Double(alone[r]), accuracy: 4e-6 * size, "\(type) x row \(i), weight row \(r)")
                    }
                }
            }
        }
        let q8 = [UInt8](repeating: 0, count: 34 * 8)
        q8.withUnsafeBytes { raw in
            var y = [Float](repeating: 0, count: 17)
            let x = [Float](repeating: 1, count: 256 * 17)
            XCTAssertEqual(ck_matmul_x8(TensorType.q8_0.rawValue, raw.baseAddress!, 34 * 8, 1, 256, x, 17, &y), 0, "Q8_0 is not a K-quant")
        }
    }

    func testInt8RoundingOfXFollowsItsRule() throws {
        // The vectorized rounding gives exactly the rule's bits: dx = max|x|/127, xq =
        // rint(x·(127/max|x|)) clamped to ±127 (ties to even), Σxq, and 32·Σ of each four xq; a
        // block with NaN or ±inf is zeros with dx NaN. Blocks: random with an outlier, exact ties
        // (max 127, so x·inv = x), all zeros, subnormals, NaN, +inf.
        try XCTSkipUnless(KernelThreads.vnniEnabled, "no AVX-512 VNNI on this machine")
        var rng = SplitMix64(seed: 8)
        var x = (0..<32 * 64).map { _ in Float(rng.nextDouble() * 2 - 1) * Float(1 << (rng.next() % 8)) }
        x[17] = 300
        for i in 0..<32 { x[32 + i] = i == 0 ? 127 : Float(i) - 15.5 }   // …, -0.5, 0.5, 1.5, …
        for i in 0..<32 { x[64 + i] = 0 }
        for i in 0..<32 { x[96 + i] = Float.leastNonzeroMagnitude * Float(i) }
        x[128 + 5] = .nan
        x[160 + 31] = .infinity
        let n = x.count, nb = n / 32
        var xq = [Int8](repeating: 1, count: n), dx = [Float](repeating: 1, count: nb)
        var xs = [Int32](repeating: 1, count: nb), x4 = [Int32](repeating: 1, count: n / 4)
        ck_quantize_x8(x, Int64(n), &xq, &dx, &xs, &x4)
        for b in 0..<nb {
            let block = x[32 * b..<32 * b + 32]
            guard block.allSatisfy(\.isFinite) else {
                XCTAssertTrue(dx[b].isNaN, "block \(b)")
                XCTAssertEqual(xq[32 * b..<32 * b + 32].filter { $0 != 0 }.count + Int(xs[b]), 0, "block \(b)")
                XCTAssertEqual(x4[8 * b..<8 * b + 8].filter { $0 != 0 }.count, 0, "block \(b)")
                continue
            }
            let m = block.map(abs).max()!, inv: Float = m > 0 ? 127 / m : 0
            XCTAssertEqual(dx[b].bitPattern, (m / 127).bitPattern, "block \(b)")
            let q = block.map { Int8(min(127, max(-127, ($0 * inv).rounded(.toNearestOrEven)))) }
            XCTAssertEqual(Array(xq[32 * b..<32 * b + 32]), q, "block \(b)")
            XCTAssertEqual(xs[b], q.reduce(Int32(0)) { $0 + Int32($1) }, "block \(b)")
            XCTAssertEqual(Array(x4[8 * b..<8 * b + 8]), (0..<8).map { j in 32 * q[4 * j..<4 * j + 4].reduce(Int32(0)) { $0 + Int32($1) } })
        }
        XCTAssertEqual(Array(xq[32..<40]), [127, -14, -14, -12, -12, -10, -10, -8], "ties to even")
    }

    func testSyntheticBlocksFromResearchNotes() {
        // Q4_0 block with d = 0.125 (research notes §4): first and last values.
        let q40 = hexBytes("0030a30a3c41d6ab24acc523a6ac6b9ce51e")
        var out = [Float](repeating: 0, count: 32)
        q40.withUnsafeBytes { ck_dequant_row(TensorType.q4_0.rawValue, $0.baseAddress!, &out, 32) }
        XCTAssertEqual(Array(out[0..<8]), [-0.625, 0.25, 0.5, -0.875, -0.25, 0.375, -0.5, 0.5])
        XCTAssertEqual(Array(out[28..<32]), [-0.25, 0.125, 0.75, -0.875])
    }
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}
