/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable and the same on every platform. The one
/// copy in Swift: sampling, LoRA initialisation and dropout streams, resampling seeds and test data
/// all draw from it (CKernels' dropout.c regenerates the same stream in C, tested bit-identical).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The generator's state; the next draw is `mix(state + gamma)`.
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The output function: a bijective 64-bit finaliser.
    @inline(__always)
    public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }
}
