import Foundation

extension Tokenizer {
    /// The tokenizer of a model: a GGUF file's vocabulary, or a Hugging Face folder's
    /// tokenizer.json (byte-level BPE) or tokenizer.model (SentencePiece).
    public static func load(modelPath path: String) throws -> Tokenizer {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelFileError(file: path, field: "path", expected: "an existing GGUF file or Hugging Face folder")
        }
        return isDir.boolValue ? try fromHuggingFaceFolder(path) : try fromGGUF(GGUFFile(path: path))
    }
}
