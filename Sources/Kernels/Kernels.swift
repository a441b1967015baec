/// The Kernels module (see README for the layering).
public enum KernelsModule {}
