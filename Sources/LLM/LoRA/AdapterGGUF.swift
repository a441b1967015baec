import Foundation

/// llama.cpp's GGUF LoRA layout (`--lora FILE`): general.type = adapter, adapter.type = lora,
/// adapter.lora.alpha, and F32 tensors `blk.N.<name>.weight.lora_a` (GGUF dims [in, r]) and
/// `.lora_b` ([r, out]); q/k B rows in the permuted order for `llama`.
extension LoRAAdapter {
    static func ggufKey(_ l: Int, _ t: LoRATarget, _ ab: String) -> String { "blk.\(l).\(t.ggufName).weight.lora_\(ab)" }

    /// B of a module in the row order llama.cpp uses for this architecture.
    func ggufB(_ m: LoRAModule) -> [Float] {
        guard let h = AdapterRowOrder.heads(m.target, modelConfig) else { return m.b }
        switch (AdapterRowOrder.engineIsPermuted(modelConfig), AdapterRowOrder.ggufIsPermuted(modelConfig)) {
        case (false, true): return AdapterRowOrder.hfToGGUF(m.b, heads: h, headDim: modelConfig.headDim, rank: m.rank)
        case (true, false): return AdapterRowOrder.ggufToHF(m.b, heads: h, headDim: modelConfig.headDim, rank: m.rank)
        default: return m.b
        }
    }

    public func saveGGUF(to path: String) throws {
        var w = GGUFWriter()
        w.set("general.architecture", .string(modelConfig.architecture))
        w.set("general.type", .string("adapter"))
        w.set("adapter.type", .string("lora"))
        w.set("adapter.lora.alpha", .float32(config.alpha))
        for m in modules {
            w.addTensor(name: LoRAAdapter.ggufKey(m.layer, m.target, "a"), dims: [m.inFeatures, m.rank], floats: m.a)
            w.addTensor(name: LoRAAdapter.ggufKey(m.layer, m.target, "b"), dims: [m.rank, m.outFeatures], floats: ggufB(m))
        }
        try w.write(to: path)
    }

    /// Reads a GGUF LoRA adapter (as written by `saveGGUF` or llama.cpp's convert_lora_to_gguf.py).
    public static func loadGGUF(from path: String, model: LanguageModel) throws -> LoRAAdapter {
        try loadGGUF(from: path, modelConfig: model.config)
    }

    static func loadGGUF(from path: String, modelConfig mc: ModelConfig) throws -> LoRAAdapter {
        let file = try GGUFFile(path: path)
        func fail(_ field: String, _ expected: String) -> ModelFileError { ModelFileError(file: path, field: field, expected: expected) }
        guard file.metadata["general.type"]?.string == "adapter", file.metadata["adapter.type"]?.string == "lora" else {
            throw fail("metadata 'general.type'/'adapter.type'", "\"adapter\" and \"lora\"")
        }
        if let arch = file.architecture, arch != mc.architecture {
            throw fail("metadata 'general.architecture'", "\(mc.architecture) (the model's), found \(arch)")
        }
        let pattern = /^blk\.(\d+)\.([a-z_]+)\.weight\.lora_a$/
        var modules: [LoRAModule] = []
        var targets = Set<LoRATarget>(), layers = Set<Int>()
        var rank = 0
        for info in file.tensors {
            guard let match = info.name.wholeMatch(of: pattern) else {
                if info.name.hasSuffix(".lora_b") { continue }
                throw fail("tensor '\(info.name)'", "only blk.N.<attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down>.weight.lora_a/_b")
            }
            guard let l = Int(match.1), l < mc.layers,
                  let t = LoRATarget.allCases.first(where: { $0.ggufName == String(match.2) }) else {
                throw fail("tensor '\(info.name)'", "a layer below \(mc.layers) and a known linear layer")
            }
            let bName = String(info.name.dropLast()) + "b"
            guard let bInfo = file.tensor(named: bName) else { throw fail("tensor '\(bName)'", "present") }
            let (i, o) = t.shape(mc)
            let r = info.dims.count == 2 ? info.dims[1] : 0
            if rank == 0 { rank = r }
            if info.dims != [i, rank] { throw fail("tensor '\(info.name)' dims", "\([i, rank]), found \(info.dims)") }
            if bInfo.dims != [rank, o] { throw fail("tensor '\(bName)' dims", "\([rank, o]), found \(bInfo.dims)") }
            var b = try file.floats(bInfo)
            switch (AdapterRowOrder.engineIsPermuted(mc), AdapterRowOrder.ggufIsPermuted(mc), AdapterRowOrder.heads(t, mc)) {
            case (false, true, let h?): b = AdapterRowOrder.ggufToHF(b, heads: h, headDim: mc.headDim, rank: rank)
            case (true, false, let h?): b = AdapterRowOrder.hfToGGUF(b, heads: h, headDim: mc.headDim, rank: rank)
            default: break
            }
            modules.append(LoRAModule(layer: l, target: t, inFeatures: i, outFeatures: o, rank: rank, a: try file.floats(info), b: b))
            targets.insert(t)
            layers.insert(l)
        }
        let alpha = Float(file.metadata["adapter.lora.alpha"]?.double ?? 0)
        return try assemble(modules, targets: targets, layers: layers, rank: rank, alpha: alpha == 0 ? Float(rank) : alpha,
                            dropout: 0, modelConfig: mc, source: path)
    }

    /// Loads an adapter from a PEFT folder or a GGUF LoRA file.
    public static func load(from path: String, model: LanguageModel) throws -> LoRAAdapter {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelFileError(file: path, field: "path", expected: "a PEFT adapter folder or a GGUF LoRA file")
        }
        return isDir.boolValue ? try loadPEFT(from: path, model: model) : try loadGGUF(from: path, model: model)
    }
}
