import Foundation

/// Process memory figures from /proc (Linux); nil elsewhere.
public enum MemoryUsage {
    /// Peak resident set size (VmHWM) in bytes.
    public static var peakResidentBytes: Int? { field("VmHWM:") }
    /// Current resident set size (VmRSS) in bytes.
    public static var residentBytes: Int? { field("VmRSS:") }

    /// Memory this process may use: the machine's, or the container's cgroup limit when lower
    /// (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`).
    public static var availableBytes: UInt64 {
        var limit = ProcessInfo.processInfo.physicalMemory
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let s = try? String(contentsOfFile: path, encoding: .utf8),
               let v = UInt64(s.trimmingCharacters(in: .whitespacesAndNewlines)), v > 0 {
                limit = min(limit, v)   // "max" (no limit) does not parse and is skipped
            }
        }
        return limit
    }

    private static func field(_ name: String) -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in s.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
