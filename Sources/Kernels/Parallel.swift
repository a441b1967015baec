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

private final class RangeBody {
    let body: (Int, Int, Int) -> Void
    init(_ body: @escaping (Int, Int, Int) -> Void) { self.body = body }
}
