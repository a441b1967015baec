// Prompt products through Q4_K and Q6_K weights with AVX-512 VNNI: Y = X·Wᵀ, X rounded to int8
// per 32 values as decoding rounds it (ck_quantize_x8), W's stored integers used as they are
// (Q4_K's 4-bit, Q6_K's 6-bit values: exact). W is decoded 32 rows at a time into panels where
// lane j of a vector holds four consecutive values of row j, so one vpdpbusd with four of x's
// values broadcast makes 64 products for 16 rows: twice the int16 panels' 32 (gemm_i16.c), and no
// f32 tile in between. Each 32-value block is flushed to f32 with the row's scale times x's;
// Q4_K's mins and Q6_K's +32 are taken off with x's block sums.
#include "ckernels.h"
#include "internal.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#ifdef CK_X86
#include "vnni_decode.h"

#define PW 32                          // weight rows per panel
#define MR 6                           // x rows per register tile
#define WBYTES (PW * 32)               // a block's values: 8 quads × 32 rows × 4 bytes
#define PBLOCK (WBYTES + 2 * PW * 4)   // then two f32 per row
#define GROUP_BYTES (512 * 1024)       // panels decoded at a time: they stay in L2

// A panel block: byte 128q + 64(j/16) + 4(j%16) + e is value 4q + e of the panel's row j; then
// 32 floats s0 and 32 floats s1. Q4_K: s0 = d·scale and s1 = dmin·min of the block; Q6_K: s0 and
// s1 = d·scale of the block's two 16-value halves.
CK_VNNI static void decode_panel(uint32_t type, const uint8_t *w, size_t row_bytes, int64_t rows, int64_t cols,
                                 uint8_t *out) {
    const int64_t nb = cols / 32;
    if (rows < PW) memset(out, 0, (size_t)nb * PBLOCK);
    uint8_t values[256] __attribute__((aligned(64)));
    for (int64_t j = 0; j < rows; j++) {
        const uint8_t *row = w + (size_t)j * row_bytes;
        const size_t lane = (size_t)(j / 16) * 64 + (size_t)(j % 16) * 4;
        for (int64_t sb = 0; sb < cols / 256; sb++) {
            __m512i v[4];
            float s0[8], s1[8];
            if (type == CK_Q4_K) {
                const uint8_t *b = row + sb * 144;
                ck_q4_k_values(b, v);
                uint8_t sc[8], m[8];
                ck_kscales(b + 4, sc, m);
                const float d = ck_h2f(b), dmin = ck_h2f(b + 2);
                for (int k = 0; k < 8; k++) {
                    s0[k] = d * (float)sc[k];
                    s1[k] = dmin * (float)m[k];
                }
            } else {
                const uint8_t *b = row + sb * 210;
                ck_q6_k_values(b, v);
                const float d = ck_h2f(b + 208);
                for (int k = 0; k < 8; k++) {
                    s0[k] = d * (float)(int8_t)b[192 + 2 * k];
                    s1[k] = d * (float)(int8_t)b[192 + 2 * k + 1];
                }
            }
            for (int c = 0; c < 4; c++) _mm512_store_si512((__m512i *)(values + 64 * c), v[c]);
            for (int k = 0; k < 8; k++) {
                uint8_t *blk = out + (size_t)(8 * sb + k) * PBLOCK;
                for (int q = 0; q < 8; q++) memcpy(blk + 128 * q + lane, values + 32 * k + 4 * q, 4);
                ((float *)(blk + WBYTES))[j] = s0[k];
                ((float *)(blk + WBYTES))[PW + j] = s1[k];
            }
        }
    }
}

// acc += the products of w's unsigned bytes with x's four signed bytes, by lane. In asm with x
// broadcast from memory, which clang otherwise loads into a register first.
__attribute__((always_inline)) CK_VNNI static inline __m512i dpbusd(__m512i acc, __m512i w, const int8_t *x) {
    __asm__("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(w), "m"(*(const int32_t *)x));
    return acc;
}

// mr ≤ MR rows of x (row r's values at xq + r·cols, block scales at dx + r·nb) times one panel of
// `ncols` weight rows, into C. Q4_K's block sums enter as xm = dx·Σxq, Q6_K's as xo = −32·Σxq per
// 16 values (the accumulator's start: stored values less 32 times x's sum are the true ones).
__attribute__((always_inline)) CK_VNNI static inline void
tile(const int mr, const int q6, const int8_t *xq, int64_t cols, const float *dx, const float *xm, const int32_t *xo,
     const uint8_t *panel, float *c, int64_t ldc, int64_t ncols) {
    const int64_t nb = cols / 32;
    __m512 f[MR][2];
    for (int r = 0; r < mr; r++) f[r][0] = f[r][1] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *blk = panel + b * PBLOCK;
        const float *s = (const float *)(blk + WBYTES);
        for (int h = 0; h < (q6 ? 2 : 1); h++) {
            __m512i a[MR][2];
            for (int r = 0; r < mr; r++)
                a[r][0] = a[r][1] = q6 ? _mm512_set1_epi32(xo[r * 2 * nb + 2 * b + h]) : _mm512_setzero_si512();
            for (int q = q6 ? 4 * h : 0; q < (q6 ? 4 * h + 4 : 8); q++) {
                const __m512i w0 = _mm512_load_si512(blk + 128 * q), w1 = _mm512_load_si512(blk + 128 * q + 64);
                for (int r = 0; r < mr; r++) {
                    const int8_t *x = xq + r * cols + 32 * b + 4 * q;
                    a[r][0] = dpbusd(a[r][0], w0, x);
                    a[r][1] = dpbusd(a[r][1], w1, x);
                }
            }
            const __m512 s0 = _mm512_load_ps(s + PW * h), s1 = _mm512_load_ps(s + PW * h + 16);
            for (int r = 0; r < mr; r++) {
                const __m512 d = _mm512_set1_ps(dx[r * nb + b]);
                f[r][0] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a[r][0]), _mm512_mul_ps(s0, d), f[r][0]);
                f[r][1] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a[r][1]), _mm512_mul_ps(s1, d), f[r][1]);
            }
        }
        if (!q6) {
            const __m512 m0 = _mm512_load_ps(s + PW), m1 = _mm512_load_ps(s + PW + 16);
            for (int r = 0; r < mr; r++) {
                const __m512 xs = _mm512_set1_ps(xm[r * nb + b]);
                f[r][0] = _mm512_fnmadd_ps(m0, xs, f[r][0]);
                f[r][1] = _mm512_fnmadd_ps(m1, xs, f[r][1]);
            }
        }
    }
    const __mmask16 k0 = ncols >= 16 ? 0xffff : (__mmask16)((1u << ncols) - 1);
    const __mmask16 k1 = ncols >= 32 ? 0xffff : ncols <= 16 ? 0 : (__mmask16)((1u << (ncols - 16)) - 1);
    for (int r = 0; r < mr; r++) {
        _mm512_mask_storeu_ps(c + r * ldc, k0, f[r][0]);
        _mm512_mask_storeu_ps(c + r * ldc + 16, k1, f[r][1]);
    }
}

#define TILE_CASES(q6)                                                                   \
    switch (mr) {                                                                        \
    case 6: tile(6, q6, xq, cols, dx, xm, xo, panel, c, ldc, ncols); break;              \
    case 5: tile(5, q6, xq, cols, dx, xm, xo, panel, c, ldc, ncols); break;              \
    case 4: tile(4, q6, xq, cols, dx, xm, xo, panel, c, ldc, ncols); break;              \
    case 3: tile(3, q6, xq, cols, dx, xm, xo, panel, c, ldc, ncols); break;              \
    case 2: tile(2, q6, xq, cols, dx, xm, xo, panel, c, ldc, ncols); break;              \
    default: tile(1, q6, xq, cols, dx, xm, xo, panel, c, ldc, ncols); break;             \
    }

CK_VNNI static void tile_any(int mr, int q6, const int8_t *xq, int64_t cols, const float *dx, const float *xm,
                             const int32_t *xo, const uint8_t *panel, float *c, int64_t ldc, int64_t ncols) {
    if (q6) { TILE_CASES(1) } else { TILE_CASES(0) }
}

typedef struct {
    uint32_t type;
    const uint8_t *w;
    size_t row_bytes;
    int64_t rows, cols, n, group;   // group: panels decoded at a time
    const float *x;
    int8_t *xq;
    float *dx, *xm;
    int32_t *xs, *xo;
    float *y;
    atomic_int failed;
} x8_job;

// Rounds rows [r0, r1) of x and makes the sums the type's tiles read.
static void quantize_rows(void *ctx, int64_t r0, int64_t r1) {
    x8_job *j = ctx;
    const int64_t cols = j->cols, nb = cols / 32;
    for (int64_t r = r0; r < r1; r++) {
        const int8_t *q = j->xq + r * cols;
        ck_quantize_x8(j->x + r * cols, cols, j->xq + r * cols, j->dx + r * nb, j->xs + r * nb, 0);
        for (int64_t b = 0; b < nb; b++) {
            if (j->type == CK_Q4_K) { j->xm[r * nb + b] = j->dx[r * nb + b] * (float)j->xs[r * nb + b]; continue; }
            for (int h = 0; h < 2; h++) {
                int32_t s = 0;
                for (int e = 0; e < 16; e++) s += q[32 * b + 16 * h + e];
                j->xo[r * 2 * nb + 2 * b + h] = -32 * s;
            }
        }
    }
}

// Each pool thread decodes into panels of its own.
static _Thread_local uint8_t *panels;
static _Thread_local size_t panels_cap;

static void multiply_groups(void *ctx, int64_t g0, int64_t g1) {
    x8_job *j = ctx;
    const int64_t nb = j->cols / 32, npanels = (j->rows + PW - 1) / PW;
    const size_t pbytes = (size_t)nb * PBLOCK;
    if (panels_cap < (size_t)j->group * pbytes) {
        free(panels);
        panels = aligned_alloc(64, (size_t)j->group * pbytes);
        panels_cap = panels ? (size_t)j->group * pbytes : 0;
        if (!panels) { atomic_store(&j->failed, 1); return; }
    }
    for (int64_t g = g0; g < g1; g++) {
        const int64_t p0 = g * j->group, p1 = p0 + j->group < npanels ? p0 + j->group : npanels;
        for (int64_t p = p0; p < p1; p++) {
            const int64_t m = j->rows - p * PW < PW ? j->rows - p * PW : PW;
            decode_panel(j->type, j->w + (size_t)p * PW * j->row_bytes, j->row_bytes, m, j->cols, panels + (p - p0) * pbytes);
        }
        // A tile's rows of x stay in L1/L2 while it passes over the group's panels.
        for (int64_t r = 0; r < j->n; r += MR) {
            const int mr = j->n - r < MR ? (int)(j->n - r) : MR;
            for (int64_t p = p0; p < p1; p++) {
                const int64_t ncols = j->rows - p * PW < PW ? j->rows - p * PW : PW;
                tile_any(mr, j->type == CK_Q6_K, j->xq + r * j->cols, j->cols, j->dx + r * nb, j->xm + r * nb,
                         j->xo + r * 2 * nb, panels + (p - p0) * pbytes, j->y + r * j->rows + p * PW, j->rows, ncols);
            }
        }
    }
}

// The caller's rounded x and sums (one set per calling thread: a perplexity head's tiles call in
// from pool tasks).
static _Thread_local void *xbuf;
static _Thread_local size_t xbuf_cap;

int ck_matmul_x8_applies(uint32_t type, int64_t cols) { return ck_vnni_enabled() && ck_has_x8_kernel(type) && cols % 256 == 0; }

int ck_matmul_x8(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *x, int64_t n,
                 float *y) {
    if (!ck_matmul_x8_applies(type, cols) || n <= 0 || rows <= 0) return 0;
    const int64_t nb = cols / 32;
    // xq, then dx, xm, xs (nb each) and xo (2·nb) per row.
    const size_t need = (size_t)n * (size_t)(cols + 5 * nb * 4);
    if (xbuf_cap < need) {
        void *b = realloc(xbuf, need);
        if (!b) return 0;
        xbuf = b;
        xbuf_cap = need;
    }
    x8_job j = {.type = type, .w = (const uint8_t *)w, .row_bytes = row_bytes, .rows = rows, .cols = cols, .n = n, .x = x, .y = y};
    j.xq = (int8_t *)xbuf;
    j.dx = (float *)(j.xq + n * cols);
    j.xm = j.dx + n * nb;
    j.xs = (int32_t *)(j.xm + n * nb);
    j.xo = j.xs + n * nb;
    atomic_init(&j.failed, 0);
    const int64_t threads = ck_get_threads(), npanels = (rows + PW - 1) / PW;
    ck_parallel_for(n, n * cols >= (1 << 16) ? threads : 1, quantize_rows, &j);
    // Groups small enough for L2 and at least two per thread, so that both cores stay busy.
    int64_t group = GROUP_BYTES / ((int64_t)nb * PBLOCK);
    const int64_t even = (npanels + 2 * threads - 1) / (2 * threads);
    if (group > even) group = even;
    j.group = group < 1 ? 1 : group;
    const int64_t groups = (npanels + j.group - 1) / j.group;
    ck_parallel_for(groups, groups, multiply_groups, &j);
    return !atomic_load(&j.failed);
}
#else
int ck_matmul_x8_applies(uint32_t type, int64_t cols) {
    (void)type, (void)cols;
    return 0;
}

int ck_matmul_x8(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols, const float *x, int64_t n,
                 float *y) {
    (void)type, (void)w, (void)row_bytes, (void)rows, (void)cols, (void)x, (void)n, (void)y;
    return 0;
}
#endif
