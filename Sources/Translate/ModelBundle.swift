import Foundation
import LLM

/// A loaded model with its tokenizer and the prompt template it calls for.
public final class ModelBundle: @unchecked Sendable {
    public let model: LanguageModel
    public let tokenizer: Tokenizer
    /// The chat template stored with the model, if any.
    public let chatTemplate: String?

    public init(path: String, threads: Int) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TranslateError.badInput(file: path, reason: "no such model file or folder (expected a GGUF file or a Hugging Face model folder)")
        }
        guard fm.isReadableFile(atPath: path) else {
            throw TranslateError.badInput(file: path, reason: "the model is not readable (check its permissions)")
        }
        if isDir.boolValue {
            tokenizer = try Tokenizer.fromHuggingFaceFolder(path)
            var template: String?
            if let data = fm.contents(atPath: path + "/tokenizer_config.json"),
               let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                template = obj["chat_template"] as? String
            }
            chatTemplate = template
        } else {
            let file = try GGUFFile(path: path)
            tokenizer = try Tokenizer.fromGGUF(file)
            chatTemplate = file.metadata["tokenizer.chat_template"]?.string
        }
        model = try LanguageModel.load(path: path, threads: threads)
    }

    /// The template the model's metadata calls for.
    public var detectedTemplate: TemplateKind { TemplateKind.detect(chatTemplate: chatTemplate) }
}
