// Decoding's and short prompts' K-quant products with AVX-512 VNNI: x rounded to int8 per
// 32-element block, so that one vpdpbusd multiplies 64 unsigned weights by 64 int8 activations
// and sums them by four into exact int32 lanes. The int16 kernels (quant_avx512.c) widen every
// weight to 16 bits and do twice the multiplies; at the default model's sizes they, not memory,
// bound generation.
// x's rounding (half a step of its block's largest value / 127) is finer than llama.cpp's, which
// rounds x to int8 per 256 values.
#include "ckernels.h"
#include "internal.h"

#ifdef CK_X86
#include <math.h>
#include "vnni_decode.h"

// One block of 32 per step: the largest |x| and the rounding (roundscale to nearest even, as
// rintf) in two zmm, Σxq by a reduction and x4 by one vpdpbusd of 1s, so the bits are those of the
// scalar rule in ck_block_step (max is exact in any order; a block with NaN or ±inf is zeros).
// Decoding runs it on one thread between products, where its scalar form took 5% of a token.
CK_VNNI void ck_quantize_x8(const float *x, int64_t n, int8_t *xq, float *dx, int32_t *xs, int32_t *x4) {
    const __m512 lim = _mm512_set1_ps(127.0f);
    for (int64_t b = 0; b < n / 32; b++) {
        const __m512 a = _mm512_loadu_ps(x + 32 * b), c = _mm512_loadu_ps(x + 32 * b + 16);
        int8_t *qb = xq + 32 * b;
        // x − x is 0 exactly when x is finite.
        const __mmask16 fa = _mm512_cmp_ps_mask(_mm512_sub_ps(a, a), _mm512_setzero_ps(), _CMP_EQ_OQ);
        const __mmask16 fc = _mm512_cmp_ps_mask(_mm512_sub_ps(c, c), _mm512_setzero_ps(), _CMP_EQ_OQ);
        if ((fa & fc) != 0xffff) {
            dx[b] = NAN;
            xs[b] = 0;
            memset(qb, 0, 32);
            if (x4) memset(x4 + 8 * b, 0, 8 * sizeof(int32_t));
            continue;
        }
        const float m = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(c)));
        const float inv = m > 0 ? 127.0f / m : 0;
        dx[b] = m / 127.0f;
        const __m512 vi = _mm512_set1_ps(inv);
        const __m512 ra = _mm512_min_ps(_mm512_max_ps(_mm512_roundscale_ps(_mm512_mul_ps(a, vi), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), _mm512_sub_ps(_mm512_setzero_ps(), lim)), lim);
        const __m512 rc = _mm512_min_ps(_mm512_max_ps(_mm512_roundscale_ps(_mm512_mul_ps(c, vi), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), _mm512_sub_ps(_mm512_setzero_ps(), lim)), lim);
        const __m512i ia = _mm512_cvtps_epi32(ra), ic = _mm512_cvtps_epi32(rc);
        xs[b] = _mm512_reduce_add_epi32(_mm512_add_epi32(ia, ic));
        const __m256i q = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm512_cvtepi32_epi8(ia)), _mm512_cvtepi32_epi8(ic), 1);
        _mm256_storeu_si256((__m256i *)qb, q);
        if (x4)
            _mm256_storeu_si256((__m256i *)(x4 + 8 * b),
                                _mm256_slli_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(1), q), 5));
    }
}

int ck_has_x8_kernel(uint32_t type) { return type == CK_Q4_K || type == CK_Q6_K; }

CK_VNNI static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

// Lanes 0–7 = a, 8–15 = b.
CK_VNNI static inline __m512i halves(int a, int b) {
    return _mm512_inserti64x4(_mm512_set1_epi32(a), _mm256_set1_epi32(b), 1);
}

// Q4_K's eight 6-bit scales and eight 6-bit mins (packed in 12 bytes) as eight bytes each:
// scales 0–3 and mins 0–3 are the low six bits of bytes 0–3 and 4–7; scales and mins 4–7 take
// their low four bits from bytes 8–11 and their top two from the top bits of bytes 0–3 and 4–7.
CK_VNNI static inline void k4_scales(const uint8_t *s, uint64_t *sc, uint64_t *m) {
    uint32_t a, b, c;
    memcpy(&a, s, 4);
    memcpy(&b, s + 4, 4);
    memcpy(&c, s + 8, 4);
    const uint32_t sc_hi = (c & 0x0f0f0f0fu) | (((a >> 6) & 0x03030303u) << 4);
    const uint32_t m_hi = ((c >> 4) & 0x0f0f0f0fu) | (((b >> 6) & 0x03030303u) << 4);
    *sc = (uint64_t)(a & 0x3f3f3f3fu) | (uint64_t)sc_hi << 32;
    *m = (uint64_t)(b & 0x3f3f3f3fu) | (uint64_t)m_hi << 32;
}

CK_VNNI static inline __m256 u8x8(uint64_t v) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)v)));
}

#define NX 8
// Each row's blocks are fetched 2 KB ahead (every cache line of a block): without it the first
// load of a block waited on memory (14% of the kernel's samples on its f16 scale) and decoding
// ran 22.5–27.1 tok/s on the 1.5B against 27.3–29.3 with it, alternating (2026-12-07 12:35); 512
// and 1,024 bytes ahead gave 24.4–26.8 and 26.9–28.5.
#define PF 2048
// One Q4_K row against nx rows of x (nx a constant: 1 when decoding, NX for a prompt's rows); per
// x row the operations and their order do not depend on nx, so a row gets the same bits either way.
// Sub-block k's offset is dmin·m_k·dx_k·Σxq over the block (xs).
CK_VNNI static inline void q4_k_x8(const uint8_t *p, int64_t nb, int64_t cols, const int8_t *xq, const float *dx,
                                   const int32_t *xs, const int nx, float *out) {
    const int64_t ns = cols / 32;
    __m512 acc0[NX], acc1[NX];   // chunks 0, 2 and 1, 3: two FMA chains per row
    __m256 mins[NX];
    for (int v = 0; v < nx; v++) { acc0[v] = acc1[v] = _mm512_setzero_ps(); mins[v] = _mm256_setzero_ps(); }
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 144;
        _mm_prefetch((const char *)b + PF, _MM_HINT_T0);
        _mm_prefetch((const char *)b + PF + 64, _MM_HINT_T0);
        _mm_prefetch((const char *)b + PF + 128, _MM_HINT_T0);
        uint64_t sc, m;
        k4_scales(b + 4, &sc, &m);
        const __m256 dsc = _mm256_mul_ps(_mm256_set1_ps(ck_h2f(b)), u8x8(sc));
        const __m256 dm = _mm256_mul_ps(_mm256_set1_ps(ck_h2f(b + 2)), u8x8(m));
        __m512i w[4];
        ck_q4_k_values(b, w);
        for (int v = 0; v < nx; v++) {
            const float *dxv = dx + v * ns + 8 * i;
            const __m256 dxb = _mm256_loadu_ps(dxv);
            const __m512 f = _mm512_zextps256_ps512(_mm256_mul_ps(dsc, dxb));
            mins[v] = _mm256_fmadd_ps(_mm256_mul_ps(dm, dxb), _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(xs + v * ns + 8 * i))), mins[v]);
            const int8_t *xv = xq + v * cols + 256 * i;
            for (int c = 0; c < 4; c++) {
                __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w[c], _mm512_loadu_si512(xv + 64 * c));
                __m512 scale = _mm512_permutexvar_ps(halves(2 * c, 2 * c + 1), f);
                if (c & 1) acc1[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, acc1[v]);
                else acc0[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, acc0[v]);
            }
        }
    }
    for (int v = 0; v < nx; v++) out[v] = _mm512_reduce_add_ps(_mm512_add_ps(acc0[v], acc1[v])) - hsum8(mins[v]);
}

// One Q6_K row against nx rows of x, as q4_k_x8. The weights are stored +32: the products of the stored
// values less 32·Σ of each lane's four x values (x4, the same for every weight row) are exact.
// Lane l of the 64-value product q has scale 4q + l/4 (16 values each) and x block 2q + l/8.
CK_VNNI static inline void q6_k_x8(const uint8_t *p, int64_t nb, int64_t cols, const int8_t *xq, const float *dx,
                                   const int32_t *x4, const int nx, float *out) {
    const __m512i by_pair = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    const int64_t ns = cols / 32;
    __m512 acc0[NX], acc1[NX];
    for (int v = 0; v < nx; v++) acc0[v] = acc1[v] = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 210;
        for (int l = 0; l < 4; l++) _mm_prefetch((const char *)b + PF + 64 * l, _MM_HINT_T0);
        const __m512 s16 = _mm512_mul_ps(_mm512_set1_ps(ck_h2f(b + 208)),
                                         _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + 192)))));
        __m512i w[4];
        ck_q6_k_values(b, w);
        for (int v = 0; v < nx; v++) {
            // d·scale_j·dx of scale j's block, for the super-block's 16 scales.
            const __m512 sd = _mm512_mul_ps(s16, _mm512_permutexvar_ps(by_pair, _mm512_zextps256_ps512(_mm256_loadu_ps(dx + v * ns + 8 * i))));
            const int8_t *xv = xq + v * cols + 256 * i;
            const int32_t *ov = x4 + v * (cols / 4) + 64 * i;
            for (int q = 0; q < 4; q++) {
                __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w[q], _mm512_loadu_si512(xv + 64 * q));
                s = _mm512_sub_epi32(s, _mm512_loadu_si512(ov + 16 * q));
                __m512i sel = _mm512_srli_epi32(_mm512_add_epi32(_mm512_set1_epi32(16 * q),
                                                                 _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)), 2);
                __m512 scale = _mm512_permutexvar_ps(sel, sd);
                if (q & 1) acc1[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, acc1[v]);
                else acc0[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, acc0[v]);
            }
        }
    }
    for (int v = 0; v < nx; v++) out[v] = _mm512_reduce_add_ps(_mm512_add_ps(acc0[v], acc1[v]));
}

CK_VNNI void ck_matvec_rows_x8(uint32_t type, const void *w, size_t row_bytes, int64_t cols, const int8_t *xq,
                               const float *dx, const int32_t *xs, const int32_t *x4, int64_t nx, float *y,
                               int64_t y_stride, int64_t r0, int64_t r1) {
    const int64_t ns = cols / 32, nb = cols / 256;
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * row_bytes;
        int64_t v = 0;
        float out[NX];
        for (; v + NX <= nx; v += NX) {
            if (type == CK_Q4_K) q4_k_x8(row, nb, cols, xq + v * cols, dx + v * ns, xs + v * ns, NX, out);
            else q6_k_x8(row, nb, cols, xq + v * cols, dx + v * ns, x4 + v * (cols / 4), NX, out);
            for (int k = 0; k < NX; k++) y[(v + k) * y_stride + r] = out[k];
        }
        for (; v < nx; v++) {
            if (type == CK_Q4_K) q4_k_x8(row, nb, cols, xq + v * cols, dx + v * ns, xs + v * ns, 1, out);
            else q6_k_x8(row, nb, cols, xq + v * cols, dx + v * ns, x4 + v * (cols / 4), 1, out);
            y[v * y_stride + r] = out[0];
        }
    }
}
#endif
