import Foundation

/// The default model's path: ${YANFU_HOME:-~/.cache/yanfu}/models/gemma-3-270m-q4_k_m.gguf.
enum DefaultModel {
    static var path: String {
        let home = ProcessInfo.processInfo.environment["YANFU_HOME"] ?? (NSHomeDirectory() + "/.cache/yanfu")
        return home + "/models/gemma-3-270m-q4_k_m.gguf"
    }
}
