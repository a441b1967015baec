import ArgumentParser
import Evaluate
import Translate

/// The Temp-LoRA options `translate` and `eval-ppl` share (the paper's defaults).
struct TempLoRAOptions: ParsableArguments {
    @Option(help: "Δ: tokens of new bilingual text per chunk (an adapter update after each).")
    var chunkTokens = 1024

    @Option(help: "L_X: tokens of preceding bilingual pairs shown before the text being translated or scored.")
    var contextTokens = 1024

    @Option(help: "L_T: tokens of earlier text before a training chunk (loss-masked).")
    var trainContextTokens = 1024

    @Option(help: "Training steps per chunk (the paper's epochs).")
    var epochs = 2

    @Option(help: "LoRA rank (alpha follows it unless --alpha is given).")
    var rank = 64

    @Option(help: "LoRA alpha (default: the rank, so the scale is 1).")
    var alpha: Float?

    @Option(help: "AdamW learning rate.")
    var lr: Float = 5e-5

    var lora: LoRASettings {
        var l = LoRASettings()
        l.rank = rank
        l.alpha = alpha ?? Float(rank)
        return l
    }

    var optimizer: OptimizerSettings {
        var o = OptimizerSettings()
        o.learningRate = lr
        return o
    }
}
