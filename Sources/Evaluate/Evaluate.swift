/// The Evaluate module (see README for the layering).
public enum EvaluateModule {}
