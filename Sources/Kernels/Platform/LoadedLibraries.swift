import Foundation

/// Which shared libraries this process actually loaded (from /proc/self/maps), and the Debian
/// package version that owns each file, so `yanfu doctor` reports what runs, not what was built against.
public struct LoadedLibrary: Sendable {
    public let path: String
    public let package: String?
    public let packageVersion: String?
}

public enum LoadedLibraries {
    /// Libraries whose file name starts with `prefix` (e.g. "libopenblas", "libsentencepiece.so", "libicuuc").
    public static func find(_ prefix: String) -> [LoadedLibrary] {
        // /proc files report size 0, so read to end of file rather than by size.
        let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        var seen = Set<String>()
        var paths: [String] = []
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            let file = path.split(separator: "/").last.map(String.init) ?? ""
            if file.hasPrefix(prefix), seen.insert(path).inserted { paths.append(path) }
        }
        return paths.map { path in
            let owner = debianPackage(owning: path)
            return LoadedLibrary(path: path, package: owner?.0, packageVersion: owner?.1)
        }
    }

    private static func debianPackage(owning path: String) -> (String, String)? {
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map {
            $0.hasPrefix("/") ? $0 : (path as NSString).deletingLastPathComponent + "/" + $0
        } ?? path
        for candidate in [path, resolved, resolved.replacingOccurrences(of: "/usr/lib/", with: "/lib/")] {
            guard let owner = run("dpkg-query", ["-S", candidate])?.split(separator: ":").first.map(String.init),
                  let version = run("dpkg-query", ["-W", "-f=${Version}", owner]) else { continue }
            return (owner, version)
        }
        return nil
    }

    private static func run(_ program: String, _ args: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
