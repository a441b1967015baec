import CKernels

/// Runs `body(i0, i1, thread)` over [0, n) split in `chunks` ranges on the CKernels pool.
/// `thread` (0 ..< KernelThreads.count) identifies the pool thread, for per-thread scratch.
/// Nested calls run inline.
public func parallelFor(_ n: Int, chunks: Int, _ body: (Int, Int, Int) -> Void) {
    withoutActuallyEscaping(body) { escapable in
        let box = Unmanaged.passRetained(RangeBody(escapable))
        defer { box.release() }
        ck_parallel_for(Int64(n), Int64(chunks), { ctx, i0, i1 in
            let b = Unmanaged<RangeBody>.fromOpaque(ctx!).takeUnretainedValue()
            b.body(Int(i0), Int(i1), Int(ck_thread_index()))
        }, box.toOpaque())
    }
}

/// Runs body(i0, i1) over [0, n) in contiguous ranges (4 per pool thread). Each index is handled
/// by exactly one call, so per-index work stays deterministic whatever the thread count.
public func parallelRanges(_ n: Int, _ body: (Int, Int) -> Void) {
    if n <= 0 { return }
    let chunks = min(n, max(1, KernelThreads.count) * 4)
    if chunks == 1 { body(0, n); return }
    parallelFor(n, chunks: chunks) { i0, i1, _ in body(i0, i1) }
}

private final class RangeBody {
    let body: (Int, Int, Int) -> Void
    init(_ body: @escaping (Int, Int, Int) -> Void) { self.body = body }
}
