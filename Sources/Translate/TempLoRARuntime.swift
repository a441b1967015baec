import LLM

/// Temp-LoRA training during translation (waiting for the LoRA API of the `lora` branch).
final class TempLoRARuntime: NoAdapter {
    init(settings: TranslateSettings, model: LanguageModel, stateDirectory: String?,
         interrupt: (@Sendable (String, Int) throws -> Void)?) throws {
        throw TranslateError.badSetting(name: "--temp-lora", reason: "training is not available in this build yet")
    }
}
