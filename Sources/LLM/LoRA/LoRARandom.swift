import Base

/// Deterministic random numbers for LoRA: a SplitMix64 stream seeded from a tuple of integers, so
/// that every module (and every dropout row of every step) has its own reproducible stream
/// regardless of thread count or order of evaluation.
struct LoRARandom {
    private var stream: SplitMix64
    /// The generator's state (CKernels' dropout continues the stream from it).
    var state: UInt64 { stream.state }

    init(_ parts: UInt64...) { self.init(parts: parts) }

    init(parts: [UInt64]) {
        var s = SplitMix64.gamma
        for p in parts { s = LoRARandom.fold(s, p) }
        stream = SplitMix64(seed: s)
    }

    /// Stream of one dropout row (no array allocation: called once per row per module).
    init(seed: UInt64, step: UInt64, layer: Int, target: Int, row: Int) {
        var s = LoRARandom.fold(SplitMix64.gamma, seed)
        s = LoRARandom.fold(s, step)
        s = LoRARandom.fold(s, UInt64(layer))
        s = LoRARandom.fold(s, UInt64(target))
        stream = SplitMix64(seed: LoRARandom.fold(s, UInt64(row)))
    }

    @inline(__always)
    private static func fold(_ s: UInt64, _ part: UInt64) -> UInt64 {
        SplitMix64.mix(s ^ part &+ 0x632B_E59B_D9B4_E019)
    }

    mutating func next() -> UInt64 { stream.next() }

    /// Uniform in [0, 1) with 24 random bits.
    mutating func unit() -> Float { stream.nextFloat() }
}
