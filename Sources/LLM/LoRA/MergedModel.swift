import CBLAS
import Foundation
import Kernels

/// Serves a model's tensors with a LoRA adapter merged in: every adapted linear weight becomes
/// an f32 matrix W + scale·B·A (dequantized once); everything else comes from the base source.
final class MergedTensorSource: TensorSource {
    let base: TensorSource
    let adapter: LoRAAdapter
    private(set) var buffers: [UnsafeMutablePointer<Float>] = []

    init(base: TensorSource, adapter: LoRAAdapter) {
        self.base = base
        self.adapter = adapter
    }

    var sourcePath: String { base.sourcePath }
    func has(_ name: String) -> Bool { base.has(name) }
    func vector(_ name: String, count: Int) throws -> [Float] { try base.vector(name, count: count) }

    func matrix(_ name: String, rows: Int, cols: Int) throws -> WeightMatrix {
        let w = try base.matrix(name, rows: rows, cols: cols)
        guard let m = module(for: name) else { return w }
        let p = UnsafeMutablePointer<Float>.allocate(capacity: rows * cols)
        buffers.append(p)
        w.dequantize(into: p)
        let r = Int32(m.rank)
        m.b.withUnsafeBufferPointer { b in
            m.a.withUnsafeBufferPointer { a in
                parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(rows), Int32(cols), r, adapter.scale,
                            b.baseAddress!, r, a.baseAddress!, Int32(cols), 1, p, Int32(cols))
            }
        }
        return WeightMatrix(type: .f32, data: UnsafeRawPointer(p), rows: rows, cols: cols)
    }

    /// The module of "blk.N.<name>.weight", if the adapter has one.
    private func module(for name: String) -> LoRAModule? {
        let parts = name.split(separator: ".")
        guard parts.count == 4, parts[0] == "blk", parts[3] == "weight", let l = Int(parts[1]),
              let t = LoRATarget.allCases.first(where: { $0.ggufName == parts[2] }) else { return nil }
        return adapter.module(layer: l, target: t)
    }

    deinit { for p in buffers { p.deallocate() } }
}

/// Keeps the file mapping and the merged matrices alive as long as the merged model.
private final class MergedOwner {
    let file: GGUFFile
    let source: MergedTensorSource
    init(file: GGUFFile, source: MergedTensorSource) {
        self.file = file
        self.source = source
    }
}

extension LanguageModel {
    /// A copy of this model with `adapter` merged into its weights (adapted matrices become f32;
    /// the others stay quantized and shared). Gives the same logits as applying the adapter on
    /// the fly, up to f32 rounding, at base-model cost per token.
    public func merging(_ adapter: LoRAAdapter) throws -> LanguageModel {
        guard let file = gguf else {
            throw LoRAError("\(path): merging an adapter needs a GGUF model")
        }
        guard adapter.modelConfig == config else { throw LoRAError("the adapter was made for another model geometry") }
        let source = MergedTensorSource(base: GGUFTensorSource(file), adapter: adapter)
        let t = try Transformer(config: config, source: source, owner: MergedOwner(file: file, source: source))
        return LanguageModel(path: path, config: config, transformer: t, gguf: file)
    }
}
