/// The LLM module (see README for the layering).
public enum LLMModule {}
