import Base

/// The documented seeded generator behind Yanfu's resampling: xoshiro256** (Blackman & Vigna,
/// 2018) with its state filled by SplitMix64 from the seed, and bounded integers by Lemire's
/// multiply-shift with rejection (unbiased). NumPy's PCG64 streams cannot be reproduced bit for
/// bit, so bootstrap numbers agree with sacreBLEU's statistically, not digit for digit.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = SplitMix64(seed: seed)
        s = (x.next(), x.next(), x.next(), x.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    /// A uniform integer in 0..<bound.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
