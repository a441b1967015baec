import Foundation

/// The CPU's name and the SIMD features that matter to the kernels, read from /proc/cpuinfo.
public struct CPUInfo: Sendable {
    public let modelName: String
    public let simdFeatures: [String]
    public let logicalCores: Int

    /// Flags worth reporting, in a fixed order (Linux /proc/cpuinfo spellings).
    static let interesting = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
                              "avx512_vnni", "avx512_bf16", "avx_vnni", "asimd", "asimddp", "sve"]

    public static func current() -> CPUInfo {
        let text = FileHandle(forReadingAtPath: "/proc/cpuinfo").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        var name = "unknown", flags = Set<String>(), cores = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "processor": cores += 1
            case "model name" where name == "unknown": name = parts[1]
            case "flags", "Features": flags.formUnion(parts[1].split(separator: " ").map(String.init))
            default: break
            }
        }
        return CPUInfo(modelName: name, simdFeatures: interesting.filter(flags.contains), logicalCores: max(cores, 1))
    }
}
