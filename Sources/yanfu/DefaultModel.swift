import ArgumentParser
import LLM

/// The default model's cache path: ${YANFU_HOME:-~/.cache/yanfu}/models/… (see `ModelStore`).
enum DefaultModel {
    static var path: String { ModelStore().path() }
}

/// `--model` takes a file, a folder or a catalog name (`yanfu model list`).
func resolveModelArgument(_ value: String) throws -> String {
    do { return try ModelStore().resolve(value) } catch { throw ValidationError("\(error)") }
}
