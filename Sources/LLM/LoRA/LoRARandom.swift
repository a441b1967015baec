/// Deterministic random numbers for LoRA: SplitMix64, seeded from a tuple of integers so that every
/// module (and every dropout row of every step) has its own reproducible stream regardless of
/// thread count or order of evaluation.
struct LoRARandom {
    /// The generator's state; the next draw is mix(state + γ).
    private(set) var state: UInt64

    init(_ parts: UInt64...) { self.init(parts: parts) }

    init(parts: [UInt64]) {
        var s: UInt64 = 0x9E37_79B9_7F4A_7C15
        for p in parts { s = LoRARandom.mix(s ^ p &+ 0x632B_E59B_D9B4_E019) }
        state = s
    }

    /// Stream of one dropout row (no array allocation: called once per row per module).
    init(seed: UInt64, step: UInt64, layer: Int, target: Int, row: Int) {
        var s: UInt64 = 0x9E37_79B9_7F4A_7C15
        s = LoRARandom.mix(s ^ seed &+ 0x632B_E59B_D9B4_E019)
        s = LoRARandom.mix(s ^ step &+ 0x632B_E59B_D9B4_E019)
        s = LoRARandom.mix(s ^ UInt64(layer) &+ 0x632B_E59B_D9B4_E019)
        s = LoRARandom.mix(s ^ UInt64(target) &+ 0x632B_E59B_D9B4_E019)
        s = LoRARandom.mix(s ^ UInt64(row) &+ 0x632B_E59B_D9B4_E019)
        state = s
    }

    static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return LoRARandom.mix(state)
    }

    /// Uniform in [0, 1) with 24 random bits.
    mutating func unit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }
}
