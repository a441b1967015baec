import CBLAS
import CKernels

/// Cross-entropy through an output head, forward and backward in one pass over the vocabulary,
/// so that the rows × vocab logits never exist at once (262k-token vocabularies).
///
/// For each of the `n` rows of `hidden` (n × w.cols): logits = hidden·Wᵀ, loss = logsumexp −
/// logit[target]. The head is visited in tiles of `tileRows` weight rows, each dequantized once;
/// a running max, Σexp (in double) and Σexp·W (like flash attention's output) are kept per row,
/// so dhidden = rowWeight·(softmax·W − W[target]) comes out at the end without a second pass.
/// Returns the per-row losses; writes (overwrites) `dHidden` (n × w.cols) scaled by `rowWeight`.
/// With `integer` (the head rounded to int16 both ways, see Int16Weights; or only transposed, the
/// forward product then taken as int8 panels of the stored head, see `matmulInt8`) both products
/// of a tile are integer ones and nothing is dequantized; `tileRows` must then be a multiple of 32.
public func headCrossEntropy(_ hidden: UnsafePointer<Float>, rows n: Int, _ w: WeightMatrix,
                             targets: UnsafePointer<Int32>, rowWeight: Float,
                             dHidden: UnsafeMutablePointer<Float>, tileRows: Int,
                             scratch: UnsafeMutableBufferPointer<Float>,
                             integer: (forward: Int16Weights?, transposed: Int16Weights, scratch: Int16Scratch)? = nil) -> [Double] {
    let d = w.cols, V = w.rows
    let tile = integer != nil ? tileRows : max(1, min(V, tileRows, scratch.count / d))
    precondition(integer == nil || tile % 32 == 0, "integer head tiles must be multiples of 32 rows")
    var maxes = [Float](repeating: -.infinity, count: n)
    var sums = [Double](repeating: 0, count: n)
    var targetLogit = [Float](repeating: 0, count: n)
    let logits = UnsafeMutablePointer<Float>.allocate(capacity: n * tile)
    defer { logits.deallocate() }
    dHidden.update(repeating: 0, count: n * d)   // holds Σ exp(l − max)·W until the end
    var r0 = 0
    while r0 < V {
        let m = min(tile, V - r0)
        var wt: UnsafePointer<Float>?   // the tile in f32, for the SGEMM products
        if let iw = integer {
            if let forward = iw.forward {
                forward.rows(r0..<r0 + m).multiply(hidden, rows: n, ldx: d, into: logits, ldy: m, accumulate: false,
                                                   scratch: iw.scratch)
            } else {
                let done = matmulInt8(hidden, rows: n, WeightMatrix(type: w.type, data: w.row(r0), rows: m, cols: d), logits)
                precondition(done, "int8 product refused for the output head's rows \(r0)..<\(r0 + m)")
            }
        } else {
            if w.type == .f32 {
                wt = w.row(r0).assumingMemoryBound(to: Float.self)
            } else {
                ck_dequant_matrix(w.type.rawValue, w.row(r0), w.rowBytes, Int64(m), Int64(d), scratch.baseAddress!)
                wt = UnsafePointer(scratch.baseAddress!)
            }
            parallelSgemm(CblasNoTrans, CblasTrans, Int32(n), Int32(m), Int32(d), 1,
                          hidden, Int32(d), wt!, Int32(d), 0, logits, Int32(m))
        }
        maxes.withUnsafeMutableBufferPointer { mx in
            sums.withUnsafeMutableBufferPointer { sm in
                targetLogit.withUnsafeMutableBufferPointer { tl in
                    parallelRanges(n) { i0, i1 in
                        for i in i0..<i1 {
                            tileRow(logits + i * m, m: m, r0: r0, target: Int(targets[i]), max: &mx[i], sum: &sm[i],
                                    targetLogit: &tl[i], acc: dHidden + i * d, d: d)
                        }
                    }
                }
            }
        }
        if let iw = integer {
            iw.transposed.multiply(logits, rows: n, ldx: m, span: r0..<r0 + m, into: dHidden, ldy: d, accumulate: true,
                                   scratch: iw.scratch)
        } else {
            parallelSgemm(CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(m), 1,
                          logits, Int32(m), wt!, Int32(d), 1, dHidden, Int32(d))
        }
        r0 += m
    }
    var losses = [Double](repeating: 0, count: n)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { buf in
        let wrow = buf.baseAddress!
        for i in 0..<n {
            let t = Int(targets[i])
            precondition(t >= 0 && t < V, "target id \(t) outside the vocabulary")
            ck_dequant_row(w.type.rawValue, w.row(t), wrow, Int64(d))
            let inv = Float(1 / sums[i])
            let acc = dHidden + i * d
            for c in 0..<d { acc[c] = rowWeight * (acc[c] * inv - wrow[c]) }
            losses[i] = Double(maxes[i]) + log(sums[i]) - Double(targetLogit[i])
        }
    }
    return losses
}

/// One row of one vocabulary tile: updates the running max/Σexp (rescaling the Σexp·W
/// accumulator when the max grows) and leaves exp(logit − max) in place for the next SGEMM.
@inline(__always)
private func tileRow(_ row: UnsafeMutablePointer<Float>, m: Int, r0: Int, target t: Int, max runMax: inout Float,
                     sum: inout Double, targetLogit: inout Float, acc: UnsafeMutablePointer<Float>, d: Int) {
    let mx = maxValue(row, count: m)
    if t >= r0 && t < r0 + m { targetLogit = row[t - r0] }
    let newMax = Swift.max(mx, runMax)
    if newMax > runMax && runMax != -.infinity {
        let alpha = expf(runMax - newMax)
        sum *= Double(alpha)
        for c in 0..<d { acc[c] *= alpha }
    }
    runMax = newMax
    sum += ck_exp_sum_inplace(row, Int64(m), newMax)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
