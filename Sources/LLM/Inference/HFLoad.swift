import Foundation

extension LanguageModel {
    /// Hugging Face folder loading (config.json + safetensors), waiting on the folder reader.
    static func loadHFFolder(path: String) throws -> LanguageModel {
        throw ModelFileError(file: path, field: "folder", expected: "a GGUF file (Hugging Face folders are not supported yet)")
    }
}
