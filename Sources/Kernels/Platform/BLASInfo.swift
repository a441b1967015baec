import CBLAS
import Foundation

/// What OpenBLAS reports about itself at run time: the kernel it chose when it loaded
/// (decided by the CPU, or by OPENBLAS_CORETYPE, which Yanfu never changes) and its build.
public enum BLASInfo {
    public static var coreName: String { String(cString: openblas_get_corename()) }
    public static var config: String { String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces) }
    public static var threads: Int { Int(openblas_get_num_threads()) }
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}
