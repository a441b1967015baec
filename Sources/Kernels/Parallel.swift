import CKernels

private final class RangeBody {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
}

/// Runs body(i0, i1) over [0, n) in contiguous ranges on the CKernels pool. Each index is handled
/// by exactly one call, so per-index work stays deterministic whatever the thread count.
public func parallelRanges(_ n: Int, _ body: (Int, Int) -> Void) {
    if n <= 0 { return }
    let chunks = min(n, max(1, KernelThreads.count) * 4)
    if chunks == 1 { body(0, n); return }
    withoutActuallyEscaping(body) { b in
        let box = RangeBody(b)
        let ctx = Unmanaged.passUnretained(box).toOpaque()
        ck_parallel_for(Int64(n), Int64(chunks), { ctx, i0, i1 in
            Unmanaged<RangeBody>.fromOpaque(ctx!).takeUnretainedValue().body(Int(i0), Int(i1))
        }, ctx)
        withExtendedLifetime(box) {}
    }
}
