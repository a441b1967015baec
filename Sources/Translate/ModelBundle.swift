import Evaluate
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
        model = try LanguageModel.load(path: path, threads: threads)
        tokenizer = try model.tokenizer()
        if isDir.boolValue {
            var template: String?
            if let data = fm.contents(atPath: path + "/tokenizer_config.json"),
               let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                template = obj["chat_template"] as? String
            }
            chatTemplate = template
        } else {
            chatTemplate = try GGUFFile(path: path).metadata["tokenizer.chat_template"]?.string
        }
    }

    /// The template the model's metadata calls for.
    public var detectedTemplate: TemplateKind { TemplateKind.detect(chatTemplate: chatTemplate) }

    /// The system text the model's chat template writes by default (nil: none).
    public var defaultSystem: String? { PromptTemplate.defaultSystem(chatTemplate: chatTemplate) }

    /// The prompt template for a run: the user's choices, else what the model calls for.
    public func promptTemplate(kind: TemplateKind?, system: String?, layout: PromptLayout?) -> PromptTemplate {
        PromptTemplate(kind ?? detectedTemplate, system: system ?? defaultSystem, layout: layout ?? .paper)
    }
}
