// CKernels: the hot loops of Yanfu's inference engine, in C so that they can use AVX2/FMA/F16C
// (chosen at run time, with a portable scalar fallback) without unsafe compiler flags.
// Everything works on raw buffers; the Swift `Kernels` module wraps these functions.
#ifndef YANFU_CKERNELS_H
#define YANFU_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Storage types, numbered as GGUF/ggml numbers them.
enum {
    CK_F32 = 0, CK_F16 = 1, CK_Q4_0 = 2, CK_Q5_0 = 6, CK_Q8_0 = 8,
    CK_Q4_K = 12, CK_Q5_K = 13, CK_Q6_K = 14, CK_BF16 = 30
};

/// 1 when `type` is one of the types above.
int ck_type_supported(uint32_t type);
/// Elements per block and bytes per block of `type` (0 when unsupported).
int ck_block_size(uint32_t type);
int ck_block_bytes(uint32_t type);
/// 1 when the AVX2+FMA+F16C paths are in use (decided once, at first use).
int ck_simd_enabled(void);
/// 1 when the AVX-512 dot products are in use for the types that have them.
int ck_avx512_enabled(void);
/// Forces AVX2 instead of AVX-512 (for tests comparing both); returns the previous setting.
int ck_force_avx2(int on);
/// Forces the scalar paths (for tests comparing both); returns the previous setting.
int ck_force_scalar(int on);
/// 1 when decoding's K-quant products round x to int8 for AVX-512 VNNI (otherwise to int16).
int ck_vnni_enabled(void);
/// Forces the int16 kernels where VNNI would be used (for tests comparing both); returns the
/// previous setting.
int ck_force_no_vnni(int on);

/// Dot product of one stored row of `n` elements (n a multiple of the block size) with f32 `x`.
float ck_dot_row(uint32_t type, const void *row, const float *x, int64_t n);
/// Dequantizes `n` elements (a multiple of the block size) of one stored row into `dst`.
void ck_dequant_row(uint32_t type, const void *row, float *dst, int64_t n);

/// The process-wide worker pool used by the threaded functions below (default: 1 thread).
void ck_set_threads(int n);
int ck_get_threads(void);
/// Runs fn(ctx, i0, i1) over [0, n) split in `chunks` contiguous ranges across the pool.
/// Falls back to running inline when called from inside a pool task.
typedef void (*ck_range_fn)(void *ctx, int64_t i0, int64_t i1);
void ck_parallel_for(int64_t n, int64_t chunks, ck_range_fn fn, void *ctx);
/// Index of the calling pool thread (0: the thread that called ck_parallel_for, 1…: workers),
/// for per-thread scratch inside tasks.
int ck_thread_index(void);
/// 1 inside a ck_parallel_for task (where a nested ck_parallel_for runs inline on this thread).
int ck_in_task(void);

/// y[r] = dot(row r of W, x) for r in [0, rows): W has `rows` rows of `cols` elements, each row
/// `row_bytes` bytes apart. Threaded over rows.
void ck_matvec(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
               const float *x, float *y);
/// Same for `nx` input vectors (x is nx×cols, y is nx×rows): each weight row is read once from
/// memory. Up to ck_matvec_integer_rows(type) vectors are rounded to int16 (int8 for Q4_K and Q6_K
/// where AVX-512 VNNI runs them) and take the integer
/// kernel, each row exactly as ck_matvec would give it; more take the f32 kernel.
void ck_matvec_multi(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
                     const float *x, int64_t nx, float *y);
/// The most input vectors ck_matvec_multi runs through its integer kernels for `type` (0: none here).
int ck_matvec_integer_rows(uint32_t type);
/// 1 when ck_matvec_grouped_q8_0 has its kernel here (AVX-512BW); otherwise do not group.
int ck_has_grouped_q8_0(void);
/// Copies the first 16·groups rows of a Q8_0 matrix (cols a multiple of 32) into the decoding
/// layout: per 16 rows, block b of each row's 32 int8 side by side, then the 16×(cols/32) f16
/// scales by block. `dst` takes 16·groups·row_bytes bytes (the same as the rows).
void ck_group_q8_0(const void *w, size_t row_bytes, int64_t groups, int64_t cols, void *dst);
/// ck_matvec for a Q8_0 matrix whose first 16·⌊rows/16⌋ rows were grouped into `grouped`: those
/// are read from it, the rest from w. Bit-identical to ck_matvec, and faster for large matrices.
void ck_matvec_grouped_q8_0(const void *grouped, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
                            const float *x, float *y);
/// Dequantizes rows [0, rows) of W into dst (rows×cols f32), threaded.
void ck_dequant_matrix(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
                       float *dst);

/// y = x / sqrt(mean(x²) + eps) · w for each of `rows` rows of n (y may alias x).
void ck_rmsnorm(const float *x, const float *w, float *y, int64_t rows, int64_t n, float eps);
/// In place: x = gelu_tanh(x) · up  /  x = silu(x) · up   (n elements).
void ck_gelu_tanh_mul(float *x, const float *up, int64_t n);
void ck_silu_mul(float *x, const float *up, int64_t n);
/// Plain activations, out of place (y may alias x).
void ck_gelu_tanh(const float *x, float *y, int64_t n);
void ck_silu(const float *x, float *y, int64_t n);
/// Backward of out = gelu_tanh(gate)·up: dgate += dout·up·gelu′(gate), dup += dout·gelu(gate).
void ck_gelu_tanh_mul_backward(const float *gate, const float *up, const float *dout, float *dgate, float *dup,
                               int64_t n);
/// In-place softmax of x[0, n); returns nothing. Uses max subtraction.
void ck_softmax(float *x, int64_t n);
/// log Σ exp(x) over n values (max subtracted, summed in double).
double ck_logsumexp(const float *x, int64_t n);
/// x = exp(x − m) in place; returns Σ of the new x, accumulated in double per 256-value block.
double ck_exp_sum_inplace(float *x, int64_t n, float m);
/// The largest of n values (−∞ for n = 0).
float ck_max(const float *x, int64_t n);
/// Σ exp(x − m) over n values, accumulated in double per 256-value block.
double ck_sumexp(const float *x, int64_t n, float m);
/// Rotary embedding of one head vector of `hd` values in place, rotating the first `rot` dims.
/// neox=1: pairs (i, i+rot/2) (rotate-half); neox=0: adjacent pairs (2i, 2i+1).
/// cs holds rot/2 cosines followed by rot/2 sines.
void ck_rope(float *x, int64_t hd, int64_t rot, const float *cs, int neox);
/// y += a · x
void ck_axpy(float a, const float *x, float *y, int64_t n);
/// Inverted dropout of one row: element c kept (dst = src·inv) when its 24-bit draw is below
/// `threshold`, else 0. Draws come from the SplitMix64 stream starting after `state`: draw k
/// (k = 1, 2, …) = mix(state + k·γ) decides elements 2k−2 (bits 40…63) and 2k−1 (bits 8…31).
/// dst may alias src.
void ck_dropout_row(const float *src, float *dst, int64_t cols, uint64_t state, uint32_t threshold, float inv);
/// dot(x, y) in f32 with SIMD
float ck_dot_f32(const float *x, const float *y, int64_t n);

/// C = alpha·op(A)·op(B) + beta·C, row-major, as cblas_sgemm (op = transpose when trans_* is 1);
/// single-threaded; C is not read when beta is 0. 0 (nothing done: use the BLAS) without
/// AVX-512 or when its packing buffers cannot be allocated.
int ck_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
             const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

/// Integer products for training (gemm_i16.c): values rounded to int16 (±8191) per block of 32
/// along the reduction, each block with its own f32 scale. 1 when the AVX512-VNNI kernel runs
/// (elsewhere a scalar loop gives the same bits, slowly).
int ck_has_i16_gemm(void);
/// Bytes of a packed n×k weight matrix (n output columns, k reduction values).
size_t ck_i16_packed_bytes(int64_t n, int64_t k);
/// Packs W[i][j] = src[i·sn + j·sk] for i < n, j < k into reduction positions [k0, k0 + k) of a
/// packed n×ktotal matrix at `dst` (64-byte aligned); k0 a multiple of 32. Threaded.
void ck_i16_pack(const float *src, int64_t sn, int64_t sk, int64_t n, int64_t k, int64_t ktotal, int64_t k0,
                 void *dst);
/// Rounds `rows` rows of k values (row stride ldx) to int16 blocks: xq (row stride ldq ≥ k rounded
/// up to 32) and one scale per block in xs (row stride lds).
void ck_i16_quantize(const float *x, int64_t ldx, int64_t rows, int64_t k, int16_t *xq, int64_t ldq, float *xs,
                     int64_t lds);
/// C[r][j] (+)= Σ_b xs[r][b]·ws[j][kb0+b]·Σ_e xq·wq over blocks b < nb of a packed n×(32·wblocks)
/// matrix `w`: C = X·Wᵀ for m rows. Threaded over 32-column panels; the same bits for any thread
/// count.
void ck_i16_gemm(const int16_t *xq, int64_t ldq, const float *xs, int64_t lds, int64_t m, const void *w,
                 int64_t wblocks, int64_t kb0, int64_t nb, int64_t n, float *c, int64_t ldc, int accumulate);
/// Y = X·Wᵀ for n rows of x through a block-quantized W (rows×cols, `type`), tiles of W's rows
/// dequantized into `scratch` and multiplied as int16 panels. 0 (nothing done) without the
/// AVX512-VNNI kernel, when cols is not a multiple of 32, or when scratch holds under 32 rows.
int ck_matmul_i16(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *x,
                  int64_t n, float *y, float *scratch, int64_t scratch_floats);
/// x rounded to int8 per 32-element block (AVX-512 VNNI only): x[i] ≈ dx[i/32]·xq[i] with
/// dx = max|x|/127 and xq = rint(x·127/max|x|), each block's Σxq in xs, and 32·Σ of each four
/// consecutive xq in x4 (n/4 of them: Q6_K's +32 offset; skipped when null). A block holding NaN
/// or ±inf has dx NaN and zeros.
void ck_quantize_x8(const float *x, int64_t n, int8_t *xq, float *dx, int32_t *xs, int32_t *x4);
/// Y = X·Wᵀ for n rows of x through a Q4_K or Q6_K W (rows×cols) on AVX-512 VNNI: x rounded to
/// int8 per 32 values as decoding rounds it, W's stored integers multiplied as they are. 0
/// (nothing done) for other types, without VNNI, when cols is not a multiple of 256 or memory
/// for its buffers cannot be had.
int ck_matmul_x8(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *x, int64_t n,
                 float *y);
/// 1 when ck_matmul_x8 takes a `type` matrix of `cols` columns (given memory for its buffers).
int ck_matmul_x8_applies(uint32_t type, int64_t cols);
/// dX (+)= dY·W for n rows of dY (rows values each) through the same W; 0 as ck_matmul_i16 (or
/// when rows is not a multiple of 32).
int ck_matmul_i16_backward(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *dy,
                           int64_t n, float *dx, int accumulate, float *scratch, int64_t scratch_floats);

#ifdef __cplusplus
}
#endif
#endif
