import LLM

/// The default model's cache path: ${YANFU_HOME:-~/.cache/yanfu}/models/… (see `ModelStore`).
enum DefaultModel {
    static var path: String { ModelStore().path() }
}
