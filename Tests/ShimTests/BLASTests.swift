import Base
import CBLAS
import XCTest

final class BLASTests: XCTestCase {
    /// sgemm (row-major, B transposed as the linear layers use it) against a naive triple loop.
    func testSgemmMatchesNaiveProduct() {
        let m = 37, n = 53, k = 71
        var rng = SplitMix64(seed: 7)
        let a = (0..<m * k).map { _ in rng.nextFloat() * 2 - 1 }
        let b = (0..<n * k).map { _ in rng.nextFloat() * 2 - 1 }
        var c = [Float](repeating: 0, count: m * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k),
                    1, a, blasint(k), b, blasint(k), 0, &c, blasint(n))
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var expected: Double = 0
                for p in 0..<k { expected += Double(a[i * k + p]) * Double(b[j * k + p]) }
                worst = max(worst, abs(Double(c[i * n + j]) - expected))
                XCTAssertEqual(Double(c[i * n + j]), expected, accuracy: 1e-5, "c[\(i),\(j)]")   // measured 2.1e-6: 4.7×
            }
        }
        print("sgemm: largest gap \(worst)")
    }

    func testSgemvMatchesNaiveProduct() {
        let rows = 129, cols = 64
        var rng = SplitMix64(seed: 11)
        let w = (0..<rows * cols).map { _ in rng.nextFloat() * 2 - 1 }
        let x = (0..<cols).map { _ in rng.nextFloat() * 2 - 1 }
        var y = [Float](repeating: 0, count: rows)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(rows), blasint(cols), 1, w, blasint(cols), x, 1, 0, &y, 1)
        var worst = 0.0
        for r in 0..<rows {
            let expected = (0..<cols).reduce(0.0) { $0 + Double(w[r * cols + $1]) * Double(x[$1]) }
            worst = max(worst, abs(Double(y[r]) - expected))
            XCTAssertEqual(Double(y[r]), expected, accuracy: 4e-6)   // measured 8.9e-7: 4.5×
        }
        print("sgemv: largest gap \(worst)")
    }

    func testOpenBLASReportsItsKernel() {
        XCTAssertFalse(String(cString: openblas_get_corename()).isEmpty)
        XCTAssertTrue(String(cString: openblas_get_config()).contains("OpenBLAS"))
    }
}

/// Deterministic test data without Foundation's random sources.
