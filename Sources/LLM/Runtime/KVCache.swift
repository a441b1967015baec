/// Keys and values of every layer for the positions processed so far, in f32, one allocation,
/// grown on demand (sized to the context actually used, not the model's maximum).
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    public let kvDim: Int
    public private(set) var capacity: Int
    /// Number of positions stored.
    public internal(set) var count = 0
    private var storage: UnsafeMutablePointer<Float>

    public init(layers: Int, kvDim: Int, capacity: Int) {
        self.layers = layers
        self.kvDim = kvDim
        self.capacity = max(1, capacity)
        storage = .allocate(capacity: 2 * layers * self.capacity * kvDim)
    }

    deinit { storage.deallocate() }

    /// Keys of layer l: `capacity` rows of kvDim.
    func keys(_ l: Int) -> UnsafeMutablePointer<Float> { storage + (2 * l) * capacity * kvDim }
    func values(_ l: Int) -> UnsafeMutablePointer<Float> { storage + (2 * l + 1) * capacity * kvDim }

    /// Makes room for `n` positions, keeping the stored ones.
    func reserve(_ n: Int) {
        if n <= capacity { return }
        let newCap = max(n, capacity * 2)
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: 2 * layers * newCap * kvDim)
        for s in 0..<2 * layers {
            (fresh + s * newCap * kvDim).update(from: storage + s * capacity * kvDim, count: count * kvDim)
        }
        storage.deallocate()
        storage = fresh
        capacity = newCap
    }

    /// Forgets every position (the memory is kept).
    public func clear() { count = 0 }

    /// Forgets positions from `n` on (e.g. to re-run from a shared prefix).
    public func truncate(to n: Int) { count = min(count, max(0, n)) }

    public var bytes: Int { 2 * layers * capacity * kvDim * MemoryLayout<Float>.size }
}
