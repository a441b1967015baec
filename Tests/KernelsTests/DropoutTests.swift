import Base
import Kernels
import XCTest

/// The regenerated dropout mask (CKernels' dropout.c, SIMD and scalar) against Base's SplitMix64,
/// the stream the mask must continue bit for bit.
final class DropoutTests: XCTestCase {
    /// Element c is decided by draw c/2 + 1 of the stream after `state`: its bits 40…63 for even
    /// c, 8…31 for odd c.
    static func reference(_ x: [Float], state: UInt64, p: Float) -> [Float] {
        let threshold = UInt64((1 - p) * 16_777_216), inv = 1 / (1 - p)
        var stream = SplitMix64(seed: state)
        let draws = (0..<(x.count + 1) / 2).map { _ in stream.next() }
        return x.indices.map { c in
            let bits = draws[c / 2]
            let u = c % 2 == 0 ? bits >> 40 : (bits >> 8) & 0xFF_FFFF
            return u < threshold ? x[c] * inv : 0
        }
    }

    func testMaskFollowsTheStreamInEveryPath() {
        var rng = SplitMix64(seed: 5)
        for cols in [1, 2, 15, 16, 17, 33, 640, 1001] {
            let x = (0..<cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
            let state = rng.next()
            let expected = Self.reference(x, state: state, p: 0.05)
            for scalar in [false, true] {
                let old = KernelThreads.forceScalar(scalar)
                var y = [Float](repeating: .nan, count: cols)
                dropoutRow(x, &y, cols: cols, state: state, p: 0.05)
                XCTAssertEqual(y, expected, "cols \(cols) scalar=\(scalar)")
                // In place gives the same.
                var z = x
                z.withUnsafeMutableBufferPointer { dropoutRow($0.baseAddress!, $0.baseAddress!, cols: cols, state: state, p: 0.05) }
                XCTAssertEqual(z, expected, "in place, cols \(cols) scalar=\(scalar)")
                _ = KernelThreads.forceScalar(old)
            }
        }
    }

    func testKeepsAboutOneMinusP() {
        let x = [Float](repeating: 1, count: 100_000)
        var y = x
        dropoutRow(x, &y, cols: x.count, state: 42, p: 0.25)
        let kept = y.filter { $0 != 0 }
        print("dropout: kept share \(Double(kept.count) / Double(x.count))")
        // Measured 0.75179 (state 42): the bound 6e-3 is 3.4× that gap, 4.4 binomial σ.
        XCTAssertEqual(Double(kept.count) / Double(x.count), 0.75, accuracy: 6e-3)
        XCTAssertTrue(kept.allSatisfy { $0 == 1 / Float(0.75) })
    }
}
