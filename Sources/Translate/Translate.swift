/// The Translate module (see README for the layering).
public enum TranslateModule {}
