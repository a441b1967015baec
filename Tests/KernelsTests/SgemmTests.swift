import Base
import CBLAS
import Kernels
import XCTest

/// `sgemm` (our AVX-512 kernel where it runs, else OpenBLAS) against a double-precision product,
/// for every transpose, sizes that leave partial tiles and blocks (MR 6, NR 32, KC 256, MC 96,
/// NC 1024), leading dimensions wider than the matrices, alpha and beta.
final class SgemmTests: XCTestCase {
    nonisolated(unsafe) static var worst = 0.0
    override class func tearDown() { print("sgemm: largest gap / (k + 1) \(worst)") }

    func testEveryTransposeAndEdge() {
        var rng = SplitMix64(seed: 5)
        for (m, n, k) in [(1, 1, 1), (7, 33, 5), (97, 1030, 300), (13, 17, 513)] {
            for (ta, tb) in [(CblasNoTrans, CblasNoTrans), (CblasNoTrans, CblasTrans), (CblasTrans, CblasNoTrans), (CblasTrans, CblasTrans)] {
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                    let lda = (ta == CblasNoTrans ? k : m) + 3, ldb = (tb == CblasNoTrans ? n : k) + 2, ldc = n + 1
                    let a = (0..<(ta == CblasNoTrans ? m : k) * lda).map { _ in Float(rng.nextDouble() * 2 - 1) }
                    let b = (0..<(tb == CblasNoTrans ? k : n) * ldb).map { _ in Float(rng.nextDouble() * 2 - 1) }
                    let c0 = (0..<m * ldc).map { _ in Float(rng.nextDouble() * 2 - 1) }
                    var c = c0
                    sgemm(ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, &c, Int32(ldc))
                    for i in 0..<m {
                        for j in 0..<n {
                            var dot = 0.0
                            for p in 0..<k {
                                let x = ta == CblasNoTrans ? a[i * lda + p] : a[p * lda + i]
                                let y = tb == CblasNoTrans ? b[p * ldb + j] : b[j * ldb + p]
                                dot += Double(x) * Double(y)
                            }
                            let expected = Double(alpha) * dot + Double(beta) * Double(c0[i * ldc + j])
                            SgemmTests.worst = max(SgemmTests.worst, abs(Double(c[i * ldc + j]) - expected) / Double(k + 1))
                            // Measured 9.7e-8·(k + 1) at most: 4e-7 is 4.1×.
                            XCTAssertEqual(Double(c[i * ldc + j]), expected, accuracy: 4e-7 * Double(k + 1),
                                           "\(m)×\(n)×\(k) \(ta == CblasTrans ? "T" : "N")\(tb == CblasTrans ? "T" : "N") α \(alpha) β \(beta) at \(i),\(j)")
                        }
                        if ldc > n { XCTAssertEqual(c[i * ldc + n], c0[i * ldc + n], "the padding of C is not written") }
                    }
                }
            }
        }
    }

    /// beta 0 never reads C: NaNs there do not leak into the product.
    func testBetaZeroIgnoresWhatCHeld() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: .nan, count: 4)
        sgemm(CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        XCTAssertEqual(c, [19, 22, 43, 50])
    }
}
