import Foundation

/// The same Temp-LoRA step timed in PyTorch + transformers + PEFT (f32, the GGUF dequantized by
/// transformers), so that `yanfu bench train` reports a ratio measured in the same run.
public struct PEFTStepPeer: Sendable {
    public struct Timing: Sendable {
        /// Medians over the timed steps.
        public var stepSeconds, forwardSeconds, backwardSeconds, optimizerSeconds: Double
        public var peakResidentBytes: Int
        /// "PyTorch 2.13.0 + transformers 4.x + PEFT 0.x on Python 3.11 (PATH)".
        public var description: String
    }

    /// Runs the step in `python` (which needs torch, transformers, peft and gguf): the sequence
    /// `ids` with loss on the positions after `contextTokens`, a fresh adapter with `lora`'s rank,
    /// alpha, dropout and targets, AdamW at `lr`, one warm-up step then `steps` timed ones.
    /// What one interpreter gave: the timing, or why there is none.
    public enum Outcome: Sendable {
        case measured(Timing)
        /// The interpreter lacks torch, transformers, peft or gguf: another may have them.
        case missingPackages(String)
        /// It ran and failed (killed, out of memory, an exception, the time limit): the reason.
        case failed(String)
    }

    /// Throws only on local I/O errors.
    public static func measure(python: String, model: String, ids: [Int32], contextTokens: Int, lora: LoRAConfig,
                               lr: Float, steps: Int, threads: Int) throws -> Outcome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yanfu-peft-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("step.json")
        let modules = lora.targets.map { String($0.hfModule.split(separator: ".").last!) }
        let spec: [String: Any] = [
            "model": model, "ids": ids.map(Int.init), "context": contextTokens, "rank": lora.rank,
            "alpha": Double(lora.alpha), "dropout": Double(lora.dropout), "modules": modules, "lr": Double(lr),
            "steps": steps, "threads": threads,
        ]
        try JSONSerialization.data(withJSONObject: spec).write(to: input)
        let script = """
        import json, os, resource, statistics, sys, time
        import torch, transformers, peft
        s = json.load(open(sys.argv[1]))
        torch.set_num_threads(s["threads"])
        torch.manual_seed(0)
        load = transformers.AutoModelForCausalLM.from_pretrained
        if os.path.isdir(s["model"]):   # a Hugging Face folder
            base = load(s["model"], dtype=torch.float32, attn_implementation="eager")
        else:
            d, name = os.path.split(s["model"])
            base = load(d, gguf_file=name, dtype=torch.float32, attn_implementation="eager")
        cfg = peft.LoraConfig(r=s["rank"], lora_alpha=s["alpha"], lora_dropout=s["dropout"],
                              target_modules=s["modules"], task_type="CAUSAL_LM")
        model = peft.get_peft_model(base, cfg)
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=s["lr"], eps=1e-7, weight_decay=0.0)
        x = torch.tensor([s["ids"]])
        y = torch.tensor([[t if i >= s["context"] else -100 for i, t in enumerate(s["ids"])]])
        fwd, bwd, optim, total = [], [], [], []
        for step in range(s["steps"] + 1):
            t0 = time.perf_counter()
            loss = model(input_ids=x, labels=y).loss
            t1 = time.perf_counter()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            t2 = time.perf_counter()
            opt.step()
            opt.zero_grad()
            t3 = time.perf_counter()
            if step > 0:
                fwd.append(t1 - t0); bwd.append(t2 - t1); optim.append(t3 - t2); total.append(t3 - t0)
        m = statistics.median
        print(json.dumps(dict(step_s=m(total), forward_s=m(fwd), backward_s=m(bwd), optimizer_s=m(optim),
                              peak_rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                              versions="PyTorch %s + transformers %s + PEFT %s on Python %s" % (
                                  torch.__version__, transformers.__version__, peft.__version__, sys.version.split()[0]))))
        """
        let timeLimit: TimeInterval = 3600
        let result = try Subprocess.run(python, ["-c", script, input.path], timeout: timeLimit)
        let lastError = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        if result.timedOut { return .failed("\(python) did not finish within \(Int(timeLimit)) s") }
        if result.signaled {
            // SIGKILL with no time limit reached is, on Linux, almost always the OOM killer.
            let why = result.status == 9 ? " (on Linux usually the out-of-memory killer: see `dmesg`)" : ""
            return .failed("\(python) was killed by signal \(result.status)\(why)")
        }
        if result.status != 0 {
            if lastError.contains("ModuleNotFoundError") { return .missingPackages("\(python): \(lastError)") }
            return .failed("\(python) exited with status \(result.status)" + (lastError.isEmpty ? "" : ": \(lastError)"))
        }
        guard let line = result.stdout.split(separator: "\n").last,
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let step = obj["step_s"] as? Double, let f = obj["forward_s"] as? Double,
              let b = obj["backward_s"] as? Double, let o = obj["optimizer_s"] as? Double
        else { return .failed("\(python) printed no timing line") }
        return .measured(Timing(stepSeconds: step, forwardSeconds: f, backwardSeconds: b, optimizerSeconds: o,
                                peakResidentBytes: ((obj["peak_rss_kb"] as? Int) ?? 0) * 1024,
                                description: "\(obj["versions"] as? String ?? "PyTorch") (\(python), f32)"))
    }
}
