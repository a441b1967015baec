// The file APIs expose Kernels' TensorType and dequantize(); re-export so `import LLM` suffices.
@_exported import Kernels
