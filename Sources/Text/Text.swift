/// The Text module (see README for the layering).
public enum TextModule {}
