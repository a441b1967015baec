import Foundation

/// PEFT adapter folders: `adapter_model.safetensors` (keys
/// `base_model.model.model.layers.N.<module>.lora_{A,B}.weight`, A [r,in], B [out,r], F32) and
/// `adapter_config.json`, as `PeftModel.from_pretrained` reads them. q/k B rows are written in
/// Hugging Face order.
extension LoRAAdapter {
    public static let peftWeightsFile = "adapter_model.safetensors"
    public static let peftConfigFile = "adapter_config.json"

    static func peftKey(_ l: Int, _ t: LoRATarget, _ ab: String) -> String {
        "base_model.model.model.layers.\(l).\(t.hfModule).lora_\(ab).weight"
    }

    /// B of a module in HF row order.
    func hfB(_ m: LoRAModule) -> [Float] {
        guard AdapterRowOrder.engineIsPermuted(modelConfig), let h = AdapterRowOrder.heads(m.target, modelConfig) else { return m.b }
        return AdapterRowOrder.ggufToHF(m.b, heads: h, headDim: modelConfig.headDim, rank: m.rank)
    }

    /// The config JSON PEFT expects (unknown keys would only be warned about).
    func peftConfigJSON(baseModelName: String) -> [String: Any] {
        var cfg: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": config.rank, "lora_alpha": Double(config.alpha),
            "lora_dropout": Double(config.dropout), "target_modules": config.targets.sorted().map { $0.rawValue + "_proj" },
            "bias": "none", "fan_in_fan_out": false, "use_rslora": false, "use_dora": false,
            "init_lora_weights": true, "inference_mode": true, "base_model_name_or_path": baseModelName,
            "rank_pattern": [String: Any](), "alpha_pattern": [String: Any](), "modules_to_save": NSNull(),
        ]
        if let r = config.layers { cfg["layers_to_transform"] = Array(r) }
        return cfg
    }

    /// Writes the two PEFT files into `directory` (created if needed; each file replaced atomically).
    public func savePEFT(to directory: String, baseModelName: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var w = SafetensorsWriter(metadata: ["format": "pt"])
        for m in modules {
            w.add(LoRAAdapter.peftKey(m.layer, m.target, "A"), shape: [m.rank, m.inFeatures], floats: m.a)
            w.add(LoRAAdapter.peftKey(m.layer, m.target, "B"), shape: [m.outFeatures, m.rank], floats: hfB(m))
        }
        try w.write(to: directory + "/" + LoRAAdapter.peftWeightsFile)
        let json = try JSONSerialization.data(withJSONObject: peftConfigJSON(baseModelName: baseModelName),
                                              options: [.prettyPrinted, .sortedKeys])
        try writeFileAtomically(Array(json) + [10], to: directory + "/" + LoRAAdapter.peftConfigFile)
    }

    /// Reads a PEFT LoRA folder made for this model (any subset of q k v o gate up down over a
    /// contiguous layer range, one rank). Errors name the file and the offending key.
    public static func loadPEFT(from directory: String, model: LanguageModel) throws -> LoRAAdapter {
        try loadPEFT(from: directory, modelConfig: model.config)
    }

    static func loadPEFT(from directory: String, modelConfig mc: ModelConfig) throws -> LoRAAdapter {
        let cfgPath = directory + "/" + peftConfigFile
        guard let data = FileManager.default.contents(atPath: cfgPath) else {
            throw ModelFileError(file: cfgPath, field: "file", expected: "a PEFT adapter_config.json")
        }
        guard let cfg = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelFileError(file: cfgPath, field: "JSON", expected: "a JSON object")
        }
        func fail(_ field: String, _ expected: String) -> ModelFileError {
            ModelFileError(file: cfgPath, field: field, expected: expected)
        }
        if let t = cfg["peft_type"] as? String, t != "LORA" { throw fail("peft_type", "\"LORA\", found \"\(t)\"") }
        guard let rank = (cfg["r"] as? NSNumber)?.intValue, rank > 0 else { throw fail("r", "a positive integer") }
        let alpha = (cfg["lora_alpha"] as? NSNumber)?.floatValue ?? Float(rank)
        let dropout = (cfg["lora_dropout"] as? NSNumber)?.floatValue ?? 0
        if (cfg["use_rslora"] as? Bool) == true { throw fail("use_rslora", "false (rank-stabilized scaling is not supported)") }
        if (cfg["use_dora"] as? Bool) == true { throw fail("use_dora", "false (DoRA is not supported)") }
        if let rp = cfg["rank_pattern"] as? [String: Any], !rp.isEmpty { throw fail("rank_pattern", "empty (one rank for all modules)") }
        if let ap = cfg["alpha_pattern"] as? [String: Any], !ap.isEmpty { throw fail("alpha_pattern", "empty (one alpha for all modules)") }

        let wPath = directory + "/" + peftWeightsFile
        let file = try SafetensorsFile(path: wPath)
        var modules: [LoRAModule] = []
        var targets = Set<LoRATarget>()
        var layerSet = Set<Int>()
        let pattern = /^base_model\.model\.model\.layers\.(\d+)\.([a-z_]+\.[a-z_]+)\.lora_A(?:\.[A-Za-z0-9_]+)?\.weight$/
        for name in file.tensorNames {
            guard let match = name.wholeMatch(of: pattern) else {
                if name.contains("lora_B") { continue }
                throw ModelFileError(file: wPath, field: "tensor '\(name)'",
                                     expected: "only LoRA A/B matrices of decoder layers (base_model.model.model.layers.N.<module>.lora_A.weight)")
            }
            guard let l = Int(match.1), l < mc.layers else {
                throw ModelFileError(file: wPath, field: "tensor '\(name)'", expected: "a layer index below \(mc.layers)")
            }
            guard let t = LoRATarget.allCases.first(where: { $0.hfModule == String(match.2) }) else {
                throw ModelFileError(file: wPath, field: "tensor '\(name)'", expected: "a module among q,k,v,o,gate,up,down _proj")
            }
            let bName = name.replacingOccurrences(of: ".lora_A", with: ".lora_B")
            guard let aInfo = file.tensors[name], let bInfo = file.tensors[bName] else {
                throw ModelFileError(file: wPath, field: "tensor '\(bName)'", expected: "present (the B matrix of \(name))")
            }
            let (i, o) = t.shape(mc)
            if aInfo.shape != [rank, i] {
                throw ModelFileError(file: wPath, field: "tensor '\(name)' shape", offset: aInfo.offset, expected: "\([rank, i]), found \(aInfo.shape)")
            }
            if bInfo.shape != [o, rank] {
                throw ModelFileError(file: wPath, field: "tensor '\(bName)' shape", offset: bInfo.offset, expected: "\([o, rank]), found \(bInfo.shape)")
            }
            var b = try file.floats(bInfo)
            if AdapterRowOrder.engineIsPermuted(mc), let h = AdapterRowOrder.heads(t, mc) {
                b = AdapterRowOrder.hfToGGUF(b, heads: h, headDim: mc.headDim, rank: rank)
            }
            modules.append(LoRAModule(layer: l, target: t, inFeatures: i, outFeatures: o, rank: rank, a: try file.floats(aInfo), b: b))
            targets.insert(t)
            layerSet.insert(l)
        }
        return try assemble(modules, targets: targets, layers: layerSet, rank: rank, alpha: alpha, dropout: dropout,
                            modelConfig: mc, source: wPath)
    }

    /// Builds an adapter from loaded modules, checking they cover targets × a contiguous layer range.
    static func assemble(_ modules: [LoRAModule], targets: Set<LoRATarget>, layers: Set<Int>, rank: Int, alpha: Float,
                         dropout: Float, modelConfig mc: ModelConfig, source: String) throws -> LoRAAdapter {
        guard let lo = layers.min(), let hi = layers.max() else {
            throw ModelFileError(file: source, field: "tensors", expected: "at least one LoRA module")
        }
        if modules.count != targets.count * (hi - lo + 1) {
            throw ModelFileError(file: source, field: "tensors",
                                 expected: "the same module kinds (\(targets.sorted().map(\.rawValue).joined(separator: ","))) on every layer \(lo)...\(hi)")
        }
        let cfg = LoRAConfig(rank: rank, alpha: alpha, dropout: dropout, targets: targets.sorted(),
                             layers: (lo == 0 && hi == mc.layers - 1) ? nil : lo...hi)
        return try LoRAAdapter(modelConfig: mc, config: cfg, modules: modules)
    }
}
