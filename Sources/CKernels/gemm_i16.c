// Integer matrix products for training through frozen quantized weights: C (+)= X·Wᵀ with X and
// W both rounded to int16 per 32-value block along the reduction, multiplied with AVX512-VNNI
// vpdpwssd (32 products per instruction, twice f32 FMA's 16). Blocks are flushed to f32 one at a
// time with the product of their two scales. The scalar path does the same arithmetic in the same
// order, so both give the same bits.
#include "ckernels.h"
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

// Both operands stay within ±8191 (14 bits): a lane sums 32 products of at most 8191², which
// stays below 2³¹, so a block never overflows int32.
#define RANGE 8191.0f
#define PANEL 32      // output columns per packed panel
#define BLOCK 32      // reduction values per block
#define MR 6          // rows of X per register tile
#define KC 32         // blocks per chunk of the reduction (70 KB of a panel: L2)
#define MC 192        // rows of X per chunk (384 KB of int16 at KC: L2)
#define PANEL_BLOCK_BYTES (PANEL * 4 + PANEL * BLOCK * 2)

static int64_t blocks_of(int64_t k) { return (k + BLOCK - 1) / BLOCK; }

size_t ck_i16_packed_bytes(int64_t n, int64_t k) {
    return (size_t)((n + PANEL - 1) / PANEL) * (size_t)blocks_of(k) * PANEL_BLOCK_BYTES;
}

// The scale of a block whose largest magnitude is `mx`, and the factor that maps it to ±RANGE.
// A non-finite block gets a NaN scale, so that products with it come out NaN, not garbage.
static inline void block_scale(float mx, float *scale, float *inv) {
    if (!isfinite(mx)) { *scale = NAN; *inv = 0; }
    else if (mx == 0) { *scale = 0; *inv = 0; }
    else { *scale = mx / RANGE; *inv = RANGE / mx; }
}

// Nearest, ties to even: what the vector conversion does.
static inline int16_t round16(float v) {
    long r = (long)__builtin_rintf(v);
    return (int16_t)(r > 8191 ? 8191 : r < -8191 ? -8191 : r);
}

// Offset of element (column j of the panel, reduction e of the block) among the block's int16s:
// pairs of reduction values side by side, 16 columns to a 64-byte row, two rows per pair.
static inline int64_t packed_index(int64_t j, int64_t e) {
    return ((e / 2) * 2 + j / 16) * 32 + (j % 16) * 2 + (e % 2);
}

typedef struct {
    const float *src;
    int64_t sn, sk, n, k, blocks, b0;
    uint8_t *dst;
} pack_ctx;

static int use_vnni(void);

// One block of one panel from tb[e][j] (reduction e, column j): scales, then the int16s.
static void pack_block_scalar(float tb[BLOCK][PANEL], float *scales, int16_t *q) {
    for (int64_t j = 0; j < PANEL; j++) {
        float mx = 0;
        for (int64_t e = 0; e < BLOCK; e++) {
            float a = fabsf(tb[e][j]);
            mx = (a > mx || a != a) ? a : mx;
        }
        float inv;
        block_scale(mx, &scales[j], &inv);
        for (int64_t e = 0; e < BLOCK; e++) q[packed_index(j, e)] = round16(tb[e][j] * inv);
    }
}

#ifdef CK_X86
static void pack_block_avx512(float tb[BLOCK][PANEL], float *scales, int16_t *q);
#endif

static void pack_panels(void *vctx, int64_t p0, int64_t p1) {
    const pack_ctx *c = vctx;
    int64_t nb = blocks_of(c->k);
    float tb[BLOCK][PANEL] __attribute__((aligned(64)));
    int vector = use_vnni();
    for (int64_t p = p0; p < p1; p++)
        for (int64_t b = 0; b < nb; b++) {
            uint8_t *out = c->dst + (size_t)(p * c->blocks + c->b0 + b) * PANEL_BLOCK_BYTES;
            const float *s0 = c->src + p * PANEL * c->sn + b * BLOCK * c->sk;
            if ((p + 1) * PANEL > c->n || (b + 1) * BLOCK > c->k) {
                for (int64_t e = 0; e < BLOCK; e++)
                    for (int64_t j = 0; j < PANEL; j++)
                        tb[e][j] = (p * PANEL + j < c->n && b * BLOCK + e < c->k) ? s0[j * c->sn + e * c->sk] : 0;
            } else if (c->sn == 1) {   // rows of the source run along the panel
                for (int64_t e = 0; e < BLOCK; e++) memcpy(tb[e], s0 + e * c->sk, sizeof tb[e]);
            } else {
                for (int64_t j = 0; j < PANEL; j++) {
                    const float *r = s0 + j * c->sn;
                    for (int64_t e = 0; e < BLOCK; e++) tb[e][j] = r[e * c->sk];
                }
            }
#ifdef CK_X86
            if (vector) { pack_block_avx512(tb, (float *)out, (int16_t *)(out + PANEL * 4)); continue; }
#endif
            (void)vector;
            pack_block_scalar(tb, (float *)out, (int16_t *)(out + PANEL * 4));
        }
}

void ck_i16_pack(const float *src, int64_t sn, int64_t sk, int64_t n, int64_t k, int64_t ktotal, int64_t k0,
                 void *dst) {
    pack_ctx c = {src, sn, sk, n, k, blocks_of(ktotal), k0 / BLOCK, dst};
    int64_t panels = (n + PANEL - 1) / PANEL;
    ck_parallel_for(panels, ck_get_threads() * 4, pack_panels, &c);
}

typedef struct {
    const float *x;
    int64_t ldx, k;
    int16_t *xq;
    int64_t ldq;
    float *xs;
    int64_t lds;
} quant_ctx;

static void quantize_rows_scalar(const quant_ctx *c, int64_t r0, int64_t r1) {
    int64_t nb = blocks_of(c->k);
    for (int64_t r = r0; r < r1; r++)
        for (int64_t b = 0; b < nb; b++) {
            const float *x = c->x + r * c->ldx + b * BLOCK;
            int64_t len = c->k - b * BLOCK < BLOCK ? c->k - b * BLOCK : BLOCK;
            float mx = 0;
            for (int64_t e = 0; e < len; e++) {
                float a = fabsf(x[e]);
                mx = (a > mx || a != a) ? a : mx;
            }
            float inv;
            block_scale(mx, &c->xs[r * c->lds + b], &inv);
            int16_t *q = c->xq + r * c->ldq + b * BLOCK;
            for (int64_t e = 0; e < BLOCK; e++) q[e] = e < len ? round16(x[e] * inv) : 0;
        }
}

#ifdef CK_X86
#include <immintrin.h>
#define CK_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

CK_VNNI static void quantize_rows_avx512(const quant_ctx *c, int64_t r0, int64_t r1) {
    int64_t full = c->k / BLOCK;
    for (int64_t r = r0; r < r1; r++) {
        for (int64_t b = 0; b < full; b++) {
            const float *x = c->x + r * c->ldx + b * BLOCK;
            __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
            float mx = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
            // max_ps drops NaNs; look for them separately so that they reach the output.
            if (_mm512_cmp_ps_mask(v0, v0, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(v1, v1, _CMP_UNORD_Q)) mx = NAN;
            float inv;
            block_scale(mx, &c->xs[r * c->lds + b], &inv);
            __m512 s = _mm512_set1_ps(inv), lim = _mm512_set1_ps(RANGE);
            __m512i q0 = _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(v0, s), -lim), lim));
            __m512i q1 = _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(v1, s), -lim), lim));
            int16_t *q = c->xq + r * c->ldq + b * BLOCK;
            _mm256_storeu_si256((__m256i *)q, _mm512_cvtsepi32_epi16(q0));
            _mm256_storeu_si256((__m256i *)(q + 16), _mm512_cvtsepi32_epi16(q1));
        }
        if (full * BLOCK < c->k) {
            quant_ctx tail = *c;
            tail.x += full * BLOCK;
            tail.k -= full * BLOCK;
            tail.xq += full * BLOCK;
            tail.xs += full;
            quantize_rows_scalar(&tail, r, r + 1);
        }
    }
}

// pack_block_scalar with 16 columns to a vector; the same bits.
CK_VNNI static void pack_block_avx512(float tb[BLOCK][PANEL], float *scales, int16_t *q) {
    // Interleaves two 16×int16 halves a|b into a0 b0 a1 b1 …: the pairs vpdpwssd reads.
    static const int16_t order[32] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                      8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
    const __m512i idx = _mm512_loadu_si512(order);
    const __m512 lim = _mm512_set1_ps(RANGE);
    for (int h = 0; h < 2; h++) {
        __m512 mx = _mm512_setzero_ps();
        __mmask16 nan = 0;
        for (int e = 0; e < BLOCK; e++) {
            __m512 v = _mm512_load_ps(&tb[e][16 * h]);
            mx = _mm512_max_ps(mx, _mm512_abs_ps(v));
            nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        }
        float m[16], inv[16];
        _mm512_storeu_ps(m, mx);
        for (int j = 0; j < 16; j++) block_scale((nan >> j) & 1 ? NAN : m[j], &scales[16 * h + j], &inv[j]);
        __m512 s = _mm512_loadu_ps(inv);
        for (int kp = 0; kp < BLOCK / 2; kp++) {
            __m512 a = _mm512_mul_ps(_mm512_load_ps(&tb[2 * kp][16 * h]), s);
            __m512 b = _mm512_mul_ps(_mm512_load_ps(&tb[2 * kp + 1][16 * h]), s);
            __m256i qa = _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(a, -lim), lim)));
            __m256i qb = _mm512_cvtsepi32_epi16(_mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(b, -lim), lim)));
            __m512i ab = _mm512_inserti64x4(_mm512_castsi256_si512(qa), qb, 1);
            _mm512_store_si512((__m512i *)(q + (kp * 2 + h) * 32), _mm512_permutexvar_epi16(idx, ab));
        }
    }
}

// acc += pairwise products of x and w. In asm because clang otherwise splits vpdpwssd into
// vpmaddwd + vpaddd, which halves the rate.
__attribute__((always_inline)) CK_VNNI static inline __m512i dpwssd(__m512i acc, __m512i x, __m512i w) {
    __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
    return acc;
}

// One MR'×32 tile (MR' = mr ≤ MR rows) over `nblk` blocks: int32 sums per block, flushed to f32
// with scale(W column)·scale(X row). Inlined with a constant mr so the accumulators stay in
// registers.
__attribute__((always_inline)) CK_VNNI static inline void
tile_vnni(const int mr, const int16_t *xq, int64_t ldq, const float *xs, int64_t lds, const uint8_t *w, int64_t nblk,
          float *c, int64_t ldc, int64_t ncols, int overwrite) {
    __m512 f[MR][2];
    for (int r = 0; r < mr; r++) {
        f[r][0] = f[r][1] = _mm512_setzero_ps();
        // C is usually far out of cache: start fetching the tile now, it is read at the end.
        if (!overwrite) {
            _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_T0);
        }
    }
    for (int64_t ib = 0; ib < nblk; ib++) {
        const uint8_t *blk = w + ib * PANEL_BLOCK_BYTES;
        const __m512i *wq = (const __m512i *)(blk + PANEL * 4);
        __m512i a[MR][2];
        for (int r = 0; r < mr; r++) a[r][0] = a[r][1] = _mm512_setzero_si512();
        const int16_t *xb = xq + ib * BLOCK;
        for (int kp = 0; kp < BLOCK / 2; kp++) {
            __m512i w0 = _mm512_load_si512(wq + 2 * kp), w1 = _mm512_load_si512(wq + 2 * kp + 1);
            for (int r = 0; r < mr; r++) {
                int32_t pair;
                memcpy(&pair, xb + r * ldq + 2 * kp, 4);
                __m512i bx = _mm512_set1_epi32(pair);
                a[r][0] = dpwssd(a[r][0], bx, w0);
                a[r][1] = dpwssd(a[r][1], bx, w1);
            }
        }
        __m512 sw0 = _mm512_loadu_ps((const float *)blk), sw1 = _mm512_loadu_ps((const float *)blk + 16);
        for (int r = 0; r < mr; r++) {
            __m512 sx = _mm512_set1_ps(xs[r * lds + ib]);
            f[r][0] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a[r][0]), _mm512_mul_ps(sw0, sx), f[r][0]);
            f[r][1] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a[r][1]), _mm512_mul_ps(sw1, sx), f[r][1]);
        }
    }
    __mmask16 m0 = ncols >= 16 ? 0xffff : (__mmask16)((1u << ncols) - 1);
    __mmask16 m1 = ncols >= 32 ? 0xffff : ncols <= 16 ? 0 : (__mmask16)((1u << (ncols - 16)) - 1);
    for (int r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        if (!overwrite) {
            f[r][0] = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, cr), f[r][0]);
            f[r][1] = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, cr + 16), f[r][1]);
        }
        _mm512_mask_storeu_ps(cr, m0, f[r][0]);
        _mm512_mask_storeu_ps(cr + 16, m1, f[r][1]);
    }
}

CK_VNNI static void tile_avx512(int mr, const int16_t *xq, int64_t ldq, const float *xs, int64_t lds,
                                const uint8_t *w, int64_t nblk, float *c, int64_t ldc, int64_t ncols, int overwrite) {
    switch (mr) {
    case 6: tile_vnni(6, xq, ldq, xs, lds, w, nblk, c, ldc, ncols, overwrite); break;
    case 5: tile_vnni(5, xq, ldq, xs, lds, w, nblk, c, ldc, ncols, overwrite); break;
    case 4: tile_vnni(4, xq, ldq, xs, lds, w, nblk, c, ldc, ncols, overwrite); break;
    case 3: tile_vnni(3, xq, ldq, xs, lds, w, nblk, c, ldc, ncols, overwrite); break;
    case 2: tile_vnni(2, xq, ldq, xs, lds, w, nblk, c, ldc, ncols, overwrite); break;
    default: tile_vnni(1, xq, ldq, xs, lds, w, nblk, c, ldc, ncols, overwrite); break;
    }
}

static int vnni_state = -1;

static int use_vnni(void) {
    if (vnni_state < 0) {
        __builtin_cpu_init();
        vnni_state = __builtin_cpu_supports("avx512vnni");
    }
    return vnni_state && ck_avx512_enabled();
}
#else
static int use_vnni(void) { return 0; }
#endif

int ck_has_i16_gemm(void) { return use_vnni(); }

// The same tile, one value at a time, rounding exactly as the vector code does.
static void tile_scalar(int mr, const int16_t *xq, int64_t ldq, const float *xs, int64_t lds, const uint8_t *w,
                        int64_t nblk, float *c, int64_t ldc, int64_t ncols, int overwrite) {
    for (int r = 0; r < mr; r++)
        for (int64_t j = 0; j < ncols; j++) {
            float f = 0;
            for (int64_t ib = 0; ib < nblk; ib++) {
                const uint8_t *blk = w + ib * PANEL_BLOCK_BYTES;
                const int16_t *q = (const int16_t *)(blk + PANEL * 4);
                const int16_t *x = xq + r * ldq + ib * BLOCK;
                int32_t acc = 0;
                for (int e = 0; e < BLOCK; e++) acc += (int32_t)x[e] * q[packed_index(j, e)];
                float scale = ((const float *)blk)[j] * xs[r * lds + ib];
                f = fmaf((float)acc, scale, f);
            }
            float *cr = c + r * ldc + j;
            *cr = overwrite ? f : *cr + f;
        }
}

static void quantize_chunk(void *vctx, int64_t r0, int64_t r1) {
    const quant_ctx *c = vctx;
#ifdef CK_X86
    if (use_vnni()) { quantize_rows_avx512(c, r0, r1); return; }
#endif
    quantize_rows_scalar(c, r0, r1);
}

void ck_i16_quantize(const float *x, int64_t ldx, int64_t rows, int64_t k, int16_t *xq, int64_t ldq, float *xs,
                     int64_t lds) {
    quant_ctx c = {x, ldx, k, xq, ldq, xs, lds};
    ck_parallel_for(rows, (rows * k) >> 16 ? ck_get_threads() : 1, quantize_chunk, &c);
}

typedef struct {
    const int16_t *xq;
    int64_t ldq;
    const float *xs;
    int64_t lds, m;
    const uint8_t *w;
    int64_t wblocks, kb0, nb, n;
    float *c;
    int64_t ldc;
    int accumulate, vnni;
} gemm_ctx;

static void gemm_panels(void *vctx, int64_t p0, int64_t p1) {
    const gemm_ctx *g = vctx;
    // A chunk of KC blocks of the panel and MC rows of X stay in L2 while the tiles pass over them.
    for (int64_t kc = 0; kc < g->nb; kc += KC) {
        int64_t nblk = g->nb - kc < KC ? g->nb - kc : KC;
        int overwrite = kc == 0 && !g->accumulate;
        for (int64_t m0 = 0; m0 < g->m; m0 += MC) {
            int64_t m1 = m0 + MC < g->m ? m0 + MC : g->m;
            for (int64_t p = p0; p < p1; p++) {
                const uint8_t *wp = g->w + (size_t)(p * g->wblocks + g->kb0 + kc) * PANEL_BLOCK_BYTES;
                int64_t ncols = g->n - p * PANEL < PANEL ? g->n - p * PANEL : PANEL;
                for (int64_t r = m0; r < m1; r += MR) {
                    int mr = m1 - r < MR ? (int)(m1 - r) : MR;
                    const int16_t *x = g->xq + r * g->ldq + kc * BLOCK;
                    const float *s = g->xs + r * g->lds + kc;
                    float *c = g->c + r * g->ldc + p * PANEL;
#ifdef CK_X86
                    if (g->vnni) { tile_avx512(mr, x, g->ldq, s, g->lds, wp, nblk, c, g->ldc, ncols, overwrite); continue; }
#endif
                    tile_scalar(mr, x, g->ldq, s, g->lds, wp, nblk, c, g->ldc, ncols, overwrite);
                }
            }
        }
    }
}

void ck_i16_gemm(const int16_t *xq, int64_t ldq, const float *xs, int64_t lds, int64_t m, const void *w,
                 int64_t wblocks, int64_t kb0, int64_t nb, int64_t n, float *c, int64_t ldc, int accumulate) {
    if (m <= 0 || n <= 0) return;
    gemm_ctx g = {xq, ldq, xs, lds, m, w, wblocks, kb0, nb, n, c, ldc, accumulate, use_vnni()};
    int64_t panels = (n + PANEL - 1) / PANEL;
    ck_parallel_for(panels, ck_get_threads(), gemm_panels, &g);
}

// Prompt products through block-quantized weights: Y = X·Wᵀ with a tile of W's rows dequantized
// into `scratch`, rounded to int16 panels and multiplied with vpdpwssd, tile after tile, X rounded
// once. The same rounding as training's products; faster than dequantize-then-SGEMM and
// independent of the BLAS build.
static _Thread_local int16_t *pre_xq;
static _Thread_local float *pre_xs;
static _Thread_local int64_t pre_xcap;
static _Thread_local void *pre_panels;
static _Thread_local size_t pre_panel_cap;

// Room for `values` rounded inputs (and their block scales) and `panel_bytes` of packed tile; 0
// when it cannot be had.
static int reserve(int64_t values, size_t panel_bytes) {
    if (pre_xcap < values) {
        int16_t *q = (int16_t *)realloc(pre_xq, (size_t)values * sizeof(int16_t));
        float *s = (float *)realloc(pre_xs, (size_t)(values / BLOCK + 1) * sizeof(float));
        if (q) pre_xq = q;
        if (s) pre_xs = s;
        if (!q || !s) return 0;
        pre_xcap = values;
    }
    if (pre_panel_cap < panel_bytes) {
        free(pre_panels);
        pre_panels = aligned_alloc(64, (panel_bytes + 63) / 64 * 64);
        pre_panel_cap = pre_panels ? panel_bytes : 0;
        if (!pre_panels) return 0;
    }
    return 1;
}

// Inside a pool task (the tiles of a perplexity head run in parallel) each thread takes its own
// part of the caller's scratch, as the SGEMM path does.
static void own_part(float **scratch, int64_t *floats) {
    if (!ck_in_task()) return;
    int64_t part = *floats / ck_get_threads();
    *scratch += ck_thread_index() * part;
    *floats = part;
}

int ck_matmul_i16(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *x,
                  int64_t n, float *y, float *scratch, int64_t scratch_floats) {
    if (!use_vnni() || cols % BLOCK) return 0;
    own_part(&scratch, &scratch_floats);
    int64_t tile = scratch_floats / cols / PANEL * PANEL;
    if (tile < PANEL) return 0;
    if (tile > rows) tile = (rows + PANEL - 1) / PANEL * PANEL;
    const int64_t blocks = cols / BLOCK;
    if (!reserve(n * cols, ck_i16_packed_bytes(tile, cols))) return 0;
    ck_i16_quantize(x, cols, n, cols, pre_xq, cols, pre_xs, blocks);
    for (int64_t r0 = 0; r0 < rows; r0 += tile) {
        int64_t m = rows - r0 < tile ? rows - r0 : tile;
        ck_dequant_matrix(type, (const uint8_t *)w + (size_t)r0 * row_bytes, row_bytes, m, cols, scratch);
        ck_i16_pack(scratch, cols, 1, m, cols, cols, 0, pre_panels);
        ck_i16_gemm(pre_xq, cols, pre_xs, blocks, n, pre_panels, blocks, 0, blocks, m, y + r0, rows, 0);
    }
    return 1;
}

// The backward of ck_matmul_i16 for its input: dX (+)= dY·W, W's rows being the reduction. Tiles
// of W's rows are dequantized, packed transposed and multiplied with dY's matching blocks; a
// tile of whole 1024-row chunks keeps the accumulation order of one product over a matrix
// packed once (training's IntegerWeights), so both give the same bits.
int ck_matmul_i16_backward(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *dy,
                           int64_t n, float *dx, int accumulate, float *scratch, int64_t scratch_floats) {
    if (!use_vnni() || cols % BLOCK || rows % BLOCK) return 0;
    own_part(&scratch, &scratch_floats);
    int64_t tile = scratch_floats / cols;
    if (tile >= rows) tile = rows;
    else if (tile >= KC * BLOCK) tile = tile / (KC * BLOCK) * (KC * BLOCK);
    else tile = tile / BLOCK * BLOCK;
    if (tile < BLOCK) return 0;
    const int64_t blocks = rows / BLOCK;
    if (!reserve(n * rows, ck_i16_packed_bytes(cols, tile))) return 0;
    ck_i16_quantize(dy, rows, n, rows, pre_xq, rows, pre_xs, blocks);
    for (int64_t r0 = 0; r0 < rows; r0 += tile) {
        int64_t m = rows - r0 < tile ? rows - r0 : tile;
        ck_dequant_matrix(type, (const uint8_t *)w + (size_t)r0 * row_bytes, row_bytes, m, cols, scratch);
        ck_i16_pack(scratch, 1, cols, cols, m, m, 0, pre_panels);
        ck_i16_gemm(pre_xq + r0, rows, pre_xs + r0 / BLOCK, blocks, n, pre_panels, m / BLOCK, 0, m / BLOCK, cols, dx, cols,
                    accumulate || r0 > 0);
    }
    return 1;
}
