import CBLAS
import Foundation
import CKernels

/// Thread settings shared by every kernel: the CKernels worker pool (quantized matrix-vector
/// products, dequantization) and OpenBLAS (matrix products during prefill).
public enum KernelThreads {
    /// Sets both pools to `n` threads (at least 1).
    /// OpenBLAS itself always runs single-threaded: the kernels split large products across the
    /// pool (one SGEMM per thread on its share of the rows), so no second set of threads spins
    /// against the pool's, and skinny products scale (OpenBLAS's own threading does not).
    public static func set(_ n: Int) {
        let n = max(1, n)
        ck_set_threads(Int32(n))
        openblas_set_num_threads(1)
    }

    public static var count: Int { Int(ck_get_threads()) }

    /// Number of online CPU cores.
    public static var cores: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The OpenBLAS kernel in use (e.g. "Haswell"), for benchmark reports.
    public static var blasCoreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// OpenBLAS's own build description (version, DYNAMIC_ARCH, …), for `yanfu doctor`.
    public static var blasConfig: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p).trimmingCharacters(in: .whitespaces)
    }

    /// Whether the AVX2/FMA/F16C paths are active.
    public static var simdEnabled: Bool { ck_simd_enabled() != 0 }

    /// Whether the AVX-512 dot products are active (for the types that have them).
    public static var avx512Enabled: Bool { ck_avx512_enabled() != 0 }

    /// Whether decoding's K-quant products round x to int8 for AVX-512 VNNI (else to int16).
    public static var vnniEnabled: Bool { ck_vnni_enabled() != 0 }

    /// Forces the int16 kernels where the VNNI ones would run (tests compare them).
    @discardableResult
    public static func forceNoVNNI(_ on: Bool) -> Bool { ck_force_no_vnni(on ? 1 : 0) != 0 }

    /// Forces AVX2 instead of AVX-512 (tests compare them).
    @discardableResult
    public static func forceAVX2(_ on: Bool) -> Bool { ck_force_avx2(on ? 1 : 0) != 0 }

    /// Forces the portable scalar paths (tests compare them with the SIMD ones).
    @discardableResult
    public static func forceScalar(_ on: Bool) -> Bool { ck_force_scalar(on ? 1 : 0) != 0 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
