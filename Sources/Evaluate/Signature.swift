import Foundation

/// The sacreBLEU version whose output Yanfu reproduces exactly (signatures report it).
public let sacreBLEUVersion = "2.6.0"

/// A metric signature in sacreBLEU 2.x's format: `key:value` pairs joined by `|`, the common
/// fields first (nrefs, bs, ar, seed), then the metric's own, and `version` last.
public struct Signature: Sendable, Equatable, CustomStringConvertible {
    public struct Field: Sendable, Equatable {
        public var key: String
        public var short: String
        public var value: String
    }

    public private(set) var fields: [Field]

    /// `nrefs` is the reference count, or nil when it varies between segments (`nrefs:var`).
    public init(nrefs: Int?, metricFields: [(key: String, short: String, value: String)]) {
        fields = [Field(key: "nrefs", short: "#", value: nrefs.map(String.init) ?? "var")]
        fields += metricFields.map { Field(key: $0.key, short: $0.short, value: $0.value) }
        fields.append(Field(key: "version", short: "v", value: sacreBLEUVersion))
    }

    /// Adds the resampling fields as sacreBLEU does for `--confidence` / `--paired-bs`.
    public func withBootstrap(samples: Int, seed: UInt64) -> Signature {
        var copy = self
        copy.fields.insert(Field(key: "bs", short: "bs", value: String(samples)), at: 1)
        copy.fields.insert(Field(key: "seed", short: "rs", value: String(seed)), at: 2)
        return copy
    }

    public func formatted(short: Bool = false) -> String {
        fields.map { "\(short ? $0.short : $0.key):\($0.value)" }.joined(separator: "|")
    }

    public var description: String { formatted() }
}

/// A corpus- or sentence-level result, printed the way sacreBLEU's `Score.format` prints it.
public struct Score: Sendable {
    /// `BLEU`, `chrF2`, `chrF2++`, `TER`.
    public var name: String
    /// Full precision, on the 0–100 scale.
    public var score: Double
    public var signature: Signature
    /// The text after the score (BLEU only), e.g. `71.4/52.3/33.3/17.6 (BP = 1.000 …)`.
    public var verboseScore: String
    /// Bootstrap mean and 95% half-width, when estimated (printed as `(μ = … ± …)`).
    public var confidence: (mean: Double, halfWidth: Double)?
    /// BLEU details (empty for other metrics).
    public var bleu: BLEUDetails?

    public init(name: String, score: Double, signature: Signature, verboseScore: String = "",
                bleu: BLEUDetails? = nil) {
        self.name = name
        self.score = score
        self.signature = signature
        self.verboseScore = verboseScore
        self.bleu = bleu
    }

    /// `BLEU|nrefs:1|… = 38.50 71.4/…`; `width` is the number of decimals (sacreBLEU: 2, CLI: 1).
    public func formatted(width: Int = 2, withSignature: Bool = true, shortSignature: Bool = false) -> String {
        var line = withSignature ? "\(name)|\(signature.formatted(short: shortSignature))" : name
        line += " = " + scoreText(width: width)
        if !verboseScore.isEmpty { line += " " + verboseScore }
        return line
    }

    /// The score with its confidence, e.g. `26.3 (μ = 25.1 ± 18.9)`.
    public func scoreText(width: Int = 2) -> String {
        var text = fixed(score, width)
        if let c = confidence { text += " (μ = \(fixed(c.mean, width)) ± \(fixed(c.halfWidth, width)))" }
        return text
    }

    /// sacreBLEU's JSON object, in its key order, but with the score at full precision.
    public func jsonObject() -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("name", .string(name)), ("score", .number(score)),
            ("signature", .string(signature.formatted())),
        ]
        if let c = confidence {
            pairs.append(("confidence_mean", .number(c.mean)))
            pairs.append(("confidence_var", .number(c.halfWidth)))
        }
        if !verboseScore.isEmpty { pairs.append(("verbose_score", .string(verboseScore))) }
        for f in signature.fields { pairs.append((f.key, .string(f.value))) }
        return .object(pairs)
    }
}

/// Python's `f"{x:.{w}f}"` (both round the exact binary value half to even).
public func fixed(_ x: Double, _ width: Int) -> String {
    String(format: "%.\(width)f", x)
}
