import CBLAS
import CKernels

/// Runs body(i0, i1) over [0, n) in contiguous ranges on the CKernels pool. Each index is handled
/// by exactly one call, so per-index work stays deterministic whatever the thread count.
public func parallelRanges(_ n: Int, _ body: (Int, Int) -> Void) {
    if n <= 0 { return }
    let chunks = min(n, max(1, KernelThreads.count) * 4)
    if chunks == 1 { body(0, n); return }
    parallelFor(n, chunks: chunks) { i0, i1, _ in body(i0, i1) }
}

/// Row-major SGEMM C = alpha·op(A)·op(B) + beta·C on the calling thread: our AVX-512 kernel where
/// it runs (OpenBLAS may pick a generic kernel on a processor it does not know), else OpenBLAS.
/// Same arguments as cblas_sgemm without the layout.
@inline(__always)
public func sgemm(_ ta: CBLAS_TRANSPOSE, _ tb: CBLAS_TRANSPOSE, _ M: Int32, _ N: Int32, _ K: Int32,
                  _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32,
                  _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
    if ck_sgemm(ta == CblasTrans ? 1 : 0, tb == CblasTrans ? 1 : 0, Int64(M), Int64(N), Int64(K), alpha,
                a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc)) == 0 {
        cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc)
    }
}

/// Row-major SGEMM C = alpha·op(A)·op(B) + beta·C with the M rows of C split across the CKernels
/// pool (OpenBLAS itself runs single-threaded in this project). Same arguments as cblas_sgemm.
public func parallelSgemm(_ ta: CBLAS_TRANSPOSE, _ tb: CBLAS_TRANSPOSE, _ M: Int32, _ N: Int32, _ K: Int32,
                          _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32,
                          _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
    let m = Int(M), threads = max(1, KernelThreads.count)
    // Small products are not worth splitting.
    if threads == 1 || m < 32 || Int(M) * Int(N) * Int(K) < 1 << 20 {
        sgemm(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    parallelFor(m, chunks: threads) { i0, i1, _ in
        let aRow = ta == CblasNoTrans ? a + i0 * Int(lda) : a + i0
        sgemm(ta, tb, Int32(i1 - i0), N, K, alpha, aRow, lda, b, ldb, beta, c + i0 * Int(ldc), ldc)
    }
}
