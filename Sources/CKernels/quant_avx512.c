// AVX-512 versions of the hottest dot products (the default model's types). Widening int8 to
// f32 is limited by the shuffle port; 16-lane conversions halve the shuffles per element.
#include "ckernels.h"
#include "internal.h"

#ifdef CK_X86
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define CK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

// 16 signed bytes -> 16 floats
CK_AVX512 static inline __m512 i8x16(__m128i v) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v)); }

CK_AVX512 static inline __m512 dot32(__m256i q, const float *x) {
    __m512 s = _mm512_mul_ps(i8x16(_mm256_castsi256_si128(q)), _mm512_loadu_ps(x));
    return _mm512_fmadd_ps(i8x16(_mm256_extracti128_si256(q, 1)), _mm512_loadu_ps(x + 16), s);
}

CK_AVX512 static inline __m512 sum32(const float *x) {
    return _mm512_add_ps(_mm512_loadu_ps(x), _mm512_loadu_ps(x + 16));
}

CK_AVX512 static float dot_q8_0(const uint8_t *p, const float *x, int64_t nb) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        const uint8_t *b0 = p + i * 34, *b1 = b0 + 34;
        const float *x0 = x + 32 * i;
        __m512 s0 = _mm512_mul_ps(i8x16(_mm_loadu_si128((const __m128i *)(b0 + 2))), _mm512_loadu_ps(x0));
        s0 = _mm512_fmadd_ps(i8x16(_mm_loadu_si128((const __m128i *)(b0 + 18))), _mm512_loadu_ps(x0 + 16), s0);
        __m512 s1 = _mm512_mul_ps(i8x16(_mm_loadu_si128((const __m128i *)(b1 + 2))), _mm512_loadu_ps(x0 + 32));
        s1 = _mm512_fmadd_ps(i8x16(_mm_loadu_si128((const __m128i *)(b1 + 18))), _mm512_loadu_ps(x0 + 48), s1);
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(ck_h2f(b0)), s0, acc0);
        acc1 = _mm512_fmadd_ps(_mm512_set1_ps(ck_h2f(b1)), s1, acc1);
    }
    for (; i < nb; i++) {
        const uint8_t *b = p + i * 34;
        __m512 s = _mm512_mul_ps(i8x16(_mm_loadu_si128((const __m128i *)(b + 2))), _mm512_loadu_ps(x + 32 * i));
        s = _mm512_fmadd_ps(i8x16(_mm_loadu_si128((const __m128i *)(b + 18))), _mm512_loadu_ps(x + 32 * i + 16), s);
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(ck_h2f(b)), s, acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

// 16 bytes, byte j = 0x10 when bit (first + j) of qh is set.
CK_AVX512 static inline __m128i bits16(uint32_t qh, int first) {
    __mmask16 m = (__mmask16)(qh >> first);
    return _mm_maskz_mov_epi8(m, _mm_set1_epi8(0x10));
}

CK_AVX512 static float dot_q5_0(const uint8_t *p, const float *x, int64_t nb) {
    const __m128i m4 = _mm_set1_epi8(15), k16 = _mm_set1_epi8(16);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 22;
        uint32_t qh;
        memcpy(&qh, b + 2, 4);
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + 6));
        __m128i lo = _mm_sub_epi8(_mm_or_si128(_mm_and_si128(raw, m4), bits16(qh, 0)), k16);
        __m128i hi = _mm_sub_epi8(_mm_or_si128(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), bits16(qh, 16)), k16);
        __m512 s = _mm512_mul_ps(i8x16(lo), _mm512_loadu_ps(x + 32 * i));
        s = _mm512_fmadd_ps(i8x16(hi), _mm512_loadu_ps(x + 32 * i + 16), s);
        if (i & 1) acc1 = _mm512_fmadd_ps(_mm512_set1_ps(ck_h2f(b)), s, acc1);
        else acc0 = _mm512_fmadd_ps(_mm512_set1_ps(ck_h2f(b)), s, acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

CK_AVX512 static float dot_q4_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(15);
    __m512 acc = _mm512_setzero_ps(), accm = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 144;
        const float *xb = x + 256 * i;
        float d = ck_h2f(b), dmin = ck_h2f(b + 2);
        uint8_t sc[8], m[8];
        ck_kscales(b + 4, sc, m);
        for (int c = 0; c < 4; c++) {
            __m256i raw = _mm256_loadu_si256((const __m256i *)(b + 16 + 32 * c));
            __m256i lo = _mm256_and_si256(raw, m4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
            const float *x0 = xb + 64 * c, *x1 = x0 + 32;
            acc = _mm512_fmadd_ps(_mm512_set1_ps(d * sc[2 * c]), dot32(lo, x0), acc);
            acc = _mm512_fmadd_ps(_mm512_set1_ps(d * sc[2 * c + 1]), dot32(hi, x1), acc);
            accm = _mm512_fmadd_ps(_mm512_set1_ps(dmin * m[2 * c]), sum32(x0), accm);
            accm = _mm512_fmadd_ps(_mm512_set1_ps(dmin * m[2 * c + 1]), sum32(x1), accm);
        }
    }
    return _mm512_reduce_add_ps(_mm512_sub_ps(acc, accm));
}

// The 128 six-bit values (0–63) of one half of a Q6_K super-block, as four groups of 32 bytes:
// low four bits from ql, high two from qh.
CK_AVX512 static inline void q6_values(const uint8_t *ql, const uint8_t *qhp, __m256i q[4]) {
    const __m256i m4 = _mm256_set1_epi8(15), m2 = _mm256_set1_epi8(3);
    __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
    __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
    __m256i qh = _mm256_loadu_si256((const __m256i *)qhp);
    q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m2), 4));
    q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m2), 4));
    q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                           _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m2), 4));
    q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                           _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m2), 4));
}

CK_AVX512 static float dot_q6_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i k32 = _mm256_set1_epi8(32);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 210;
        float d = ck_h2f(b + 208);
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b + 64 * h, *qhp = b + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(b + 192 + 8 * h);
            const float *xh = x + 256 * i + 128 * h;
            __m256i q[4];
            q6_values(ql, qhp, q);
            for (int g = 0; g < 4; g++) {
                __m256i v = _mm256_sub_epi8(q[g], k32);
                const float *xg = xh + 32 * g;
                __m512 s0 = _mm512_mul_ps(i8x16(_mm256_castsi256_si128(v)), _mm512_loadu_ps(xg));
                __m512 s1 = _mm512_mul_ps(i8x16(_mm256_extracti128_si256(v, 1)), _mm512_loadu_ps(xg + 16));
                acc = _mm512_fmadd_ps(_mm512_set1_ps(d * (float)sc[2 * g]), s0, acc);
                acc = _mm512_fmadd_ps(_mm512_set1_ps(d * (float)sc[2 * g + 1]), s1, acc);
            }
        }
    }
    return _mm512_reduce_add_ps(acc);
}

int ck_has_avx512_kernel(uint32_t type) {
    return type == CK_Q8_0 || type == CK_Q5_0 || type == CK_Q4_K || type == CK_Q6_K;
}

float ck_dot_row_avx512(uint32_t type, const void *row, const float *x, int64_t n) {
    const uint8_t *p = (const uint8_t *)row;
    switch (type) {
    case CK_Q8_0: return dot_q8_0(p, x, n / 32);
    case CK_Q5_0: return dot_q5_0(p, x, n / 32);
    case CK_Q4_K: return dot_q4_k(p, x, n / 256);
    case CK_Q6_K: return dot_q6_k(p, x, n / 256);
    default: return ck_dot_row_avx2(type, row, x, n);
    }
}
#endif

#ifdef CK_X86
// Decoding multiplies each weight matrix by one activation vector, and at the default model's
// sizes converting every int8 weight to f32 costs more than reading it. So the vector is first
// rounded to int16 per 32-element block (x ≈ dx·xq, |xq| ≤ 32767: an error of at most 2⁻¹⁶ of
// the block's largest value, far below the weights' own 8-bit rounding), after which a block's
// dot product is an exact integer sum (vpmaddwd). Sixteen rows are done at once: their
// block sums are reduced into one vector and scaled together, and every row gets the same value
// whichever kernel (16-row or single) computes it: Σ_b fma(float(int dot_b), d_b·dx_b, acc).

void ck_quantize_x16(const float *x, int64_t n, int16_t *xq, float *dx, int32_t *xs) {
    for (int64_t b = 0; b < n / 32; b++) {
        const float *xb = x + 32 * b;
        float inv;
        dx[b] = ck_block_step(xb, 32767.0f, &inv);
        xs[b] = 0;
        if (isnan(dx[b])) {
            for (int i = 0; i < 32; i++) xq[32 * b + i] = 0;
            continue;
        }
        for (int i = 0; i < 32; i++) {
            float v = rintf(xb[i] * inv);
            xq[32 * b + i] = (int16_t)(v > 32767 ? 32767 : v < -32767 ? -32767 : v);
            xs[b] += xq[32 * b + i];
        }
    }
}

// 32 int8 weights as int16.
CK_AVX512 static inline __m512i w16_at(const uint8_t *q) {
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)q));
}

// 32 weights of one block as int16.
CK_AVX512 static inline __m512i w16_q8_0(const uint8_t *b) { return w16_at(b + 2); }

// Q5_0 in the 16-bit domain: the 32 nibbles (low halves are elements 0–15, high halves 16–31)
// widened, then 16 subtracted where the element's fifth bit (bit i of qh) is clear.
CK_AVX512 static inline __m512i w16_q5_0(const uint8_t *b) {
    uint32_t qh;
    memcpy(&qh, b + 2, 4);
    __m128i raw = _mm_loadu_si128((const __m128i *)(b + 6));
    __m512i w = _mm512_cvtepu8_epi16(_mm256_inserti128_si256(_mm256_castsi128_si256(raw), _mm_srli_epi16(raw, 4), 1));
    w = _mm512_and_si512(w, _mm512_set1_epi16(15));
    return _mm512_mask_sub_epi16(w, _cvtu32_mask32(~qh), w, _mm512_set1_epi16(16));
}

// Lanes of pair(u, v), per 128-bit quarter: u's lanes 0+2, v's 0+2, u's 1+3, v's 1+3.
CK_AVX512 static inline __m512i pair_sums(__m512i u, __m512i v) {
    return _mm512_add_epi32(_mm512_unpacklo_epi32(u, v), _mm512_unpackhi_epi32(u, v));
}

// Four rows' products, each 128-bit quarter q holding [Σq row0, Σq row1, Σq row2, Σq row3].
CK_AVX512 static inline __m512i quad_sums(__m512i v0, __m512i v1, __m512i v2, __m512i v3) {
    __m512i a = pair_sums(v0, v1), b = pair_sums(v2, v3);
    return _mm512_add_epi32(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
}

#define CK_EVEN _MM_SHUFFLE(2, 0, 2, 0)
#define CK_ODD _MM_SHUFFLE(3, 1, 3, 1)
// Lane 4k+i of the result = the whole sum of row i of quad k.
CK_AVX512 static inline __m512i add_quarters(__m512i q0, __m512i q1, __m512i q2, __m512i q3) {
    __m512i s01 = _mm512_add_epi32(_mm512_shuffle_i32x4(q0, q1, CK_EVEN), _mm512_shuffle_i32x4(q0, q1, CK_ODD));
    __m512i s23 = _mm512_add_epi32(_mm512_shuffle_i32x4(q2, q3, CK_EVEN), _mm512_shuffle_i32x4(q2, q3, CK_ODD));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(s01, s23, CK_EVEN), _mm512_shuffle_i32x4(s01, s23, CK_ODD));
}

#define CK_ROWS16(NAME, W16, BB)                                                                    \
    CK_AVX512 static void NAME(const uint8_t *w, size_t rb, int64_t cols, const int16_t *xq,          \
                               const float *dx, float *y, int64_t r0, int64_t r1) {                 \
        const int64_t nb = cols / 32;                                                               \
        const __m512i rows = _mm512_mullo_epi32(                                                    \
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32((int)rb)); \
        int64_t r = r0;                                                                             \
        for (; r + 16 <= r1; r += 16) {                                                             \
            const uint8_t *p = w + (size_t)r * rb;                                                  \
            /* The next group is 16 rows further: fetch it while this one computes. */              \
            if (r + 32 <= r1)                                                                       \
                for (size_t k = 0; k < 16 * rb; k += 64) _mm_prefetch((const char *)(p + 16 * rb + k), _MM_HINT_T0); \
            __m512 acc = _mm512_setzero_ps();                                                       \
            for (int64_t b = 0; b < nb; b++) {                                                      \
                const __m512i xv = _mm512_loadu_si512(xq + 32 * b);                                 \
                const size_t o = (size_t)b * BB;                                                    \
                const uint8_t *q = p + o;                                                           \
                /* Written out so that the compiler keeps every product in a register. */            \
                __m512i s0 = quad_sums(_mm512_madd_epi16(W16(q), xv), _mm512_madd_epi16(W16(q + rb), xv),   \
                                       _mm512_madd_epi16(W16(q + 2 * rb), xv), _mm512_madd_epi16(W16(q + 3 * rb), xv)); \
                q += 4 * rb;                                                                        \
                __m512i s1 = quad_sums(_mm512_madd_epi16(W16(q), xv), _mm512_madd_epi16(W16(q + rb), xv),   \
                                       _mm512_madd_epi16(W16(q + 2 * rb), xv), _mm512_madd_epi16(W16(q + 3 * rb), xv)); \
                q += 4 * rb;                                                                        \
                __m512i s2 = quad_sums(_mm512_madd_epi16(W16(q), xv), _mm512_madd_epi16(W16(q + rb), xv),   \
                                       _mm512_madd_epi16(W16(q + 2 * rb), xv), _mm512_madd_epi16(W16(q + 3 * rb), xv)); \
                q += 4 * rb;                                                                        \
                __m512i s3 = quad_sums(_mm512_madd_epi16(W16(q), xv), _mm512_madd_epi16(W16(q + rb), xv),   \
                                       _mm512_madd_epi16(W16(q + 2 * rb), xv), _mm512_madd_epi16(W16(q + 3 * rb), xv)); \
                /* The 16 f16 scales (first 2 bytes of each block; 4 bytes stay inside it). */       \
                __m512i h = _mm512_i32gather_epi32(rows, (const void *)(p + o), 1);                 \
                __m512 d = _mm512_mul_ps(_mm512_cvtph_ps(_mm512_cvtepi32_epi16(h)), _mm512_set1_ps(dx[b])); \
                acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(add_quarters(s0, s1, s2, s3)), d, acc);     \
            }                                                                                       \
            _mm512_storeu_ps(y + r, acc);                                                           \
        }                                                                                           \
        for (; r < r1; r++) {                                                                       \
            const uint8_t *p = w + (size_t)r * rb;                                                  \
            float acc = 0;                                                                          \
            for (int64_t b = 0; b < nb; b++) {                                                      \
                const uint8_t *blk = p + (size_t)b * BB;                                            \
                int32_t s = _mm512_reduce_add_epi32(_mm512_madd_epi16(W16(blk), _mm512_loadu_si512(xq + 32 * b))); \
                acc = fmaf((float)s, ck_h2f(blk) * dx[b], acc);                                        \
            }                                                                                       \
            y[r] = acc;                                                                             \
        }                                                                                           \
    }

CK_ROWS16(rows_q8_0, w16_q8_0, 34)
CK_ROWS16(rows_q5_0, w16_q5_0, 22)

// Q4_K's eight 6-bit scales and mins (ck_kscales, inlined: called per row and super-block).
CK_AVX512 static inline void kscales(const uint8_t *s, uint8_t sc[8], uint8_t m[8]) {
    for (int j = 0; j < 4; j++) {
        sc[j] = s[j] & 63;
        m[j] = s[j + 4] & 63;
        sc[j + 4] = (uint8_t)((s[j + 8] & 15) | ((s[j] >> 6) << 4));
        m[j + 4] = (uint8_t)((s[j + 8] >> 4) | ((s[j + 4] >> 6) << 4));
    }
}

// A Q4_K super-block's d·scale and dmin·min for its eight sub-blocks.
CK_AVX512 static inline void k_scales(const uint8_t *b, __m256 *dsc, __m256 *dm) {
    uint8_t sc[8], m[8];
    kscales(b + 4, sc, m);
    *dsc = _mm256_mul_ps(_mm256_set1_ps(ck_h2f(b)), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)sc))));
    *dm = _mm256_mul_ps(_mm256_set1_ps(ck_h2f(b + 2)), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)m))));
}

CK_AVX512 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

int ck_has_x16_kernel(uint32_t type) { return type == CK_Q8_0 || type == CK_Q5_0 || type == CK_Q4_K || type == CK_Q6_K; }

// K-quants in the 16-bit domain, a row at a time: every 32-value sub-block is one vpmaddwd of its
// widened weights with the block of xq (16 exact int32 pair sums), converted and scaled by
// d·scale·dx in one FMA; nothing is widened to f32 lane by lane, which bound the f32 kernels.
// Q4_K's offsets need Σx per block: dmin·m·dx·Σxq, from the sums ck_quantize_x16's caller made.
CK_AVX512 static float dot_q4_k_x16(const uint8_t *p, int64_t nb, const int16_t *xq, const float *dx, const int32_t *xs) {
    const __m256i m4 = _mm256_set1_epi8(15);
    // Two accumulators (low and high nibbles): one FMA chain of 8 per super-block was the bound.
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    __m256 mins = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 144;
        __m256 dsc, dm;
        k_scales(b, &dsc, &dm);
        // The eight sub-blocks' scales d·sc·dx, and the offsets dmin·m·dx·Σxq added up by lane.
        float f[8];
        _mm256_storeu_ps(f, _mm256_mul_ps(dsc, _mm256_loadu_ps(dx + 8 * i)));
        mins = _mm256_fmadd_ps(_mm256_mul_ps(dm, _mm256_loadu_ps(dx + 8 * i)),
                               _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(xs + 8 * i))), mins);
        for (int c = 0; c < 4; c++) {
            const int16_t *x0 = xq + 256 * i + 64 * c;   // the two 32-blocks of x: 2c and 2c+1
            __m256i raw = _mm256_loadu_si256((const __m256i *)(b + 16 + 32 * c));
            __m512i lo = _mm512_cvtepu8_epi16(_mm256_and_si256(raw, m4));
            __m512i hi = _mm512_cvtepu8_epi16(_mm256_and_si256(_mm256_srli_epi16(raw, 4), m4));
            acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_madd_epi16(lo, _mm512_loadu_si512(x0))), _mm512_set1_ps(f[2 * c]), acc0);
            acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_madd_epi16(hi, _mm512_loadu_si512(x0 + 32))), _mm512_set1_ps(f[2 * c + 1]), acc1);
        }
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1)) - hsum8(mins);
}

// Q6_K: the 6-bit values are rebuilt as in dot_q6_k, less 32, widened to int16; the two 16-value
// halves of a 32-block have their own scales, so the 16 pair sums take two.
CK_AVX512 static float dot_q6_k_x16(const uint8_t *p, int64_t nb, const int16_t *xq, const float *dx) {
    const __m256i k32 = _mm256_set1_epi8(32);
    __m512 accs[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};   // one FMA chain per half
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 210;
        float d = ck_h2f(b + 208);
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b + 64 * h, *qhp = b + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(b + 192 + 8 * h);
            __m512 acc = accs[h];
            __m256i q[4];
            q6_values(ql, qhp, q);
            for (int g = 0; g < 4; g++) {
                const int64_t k = 8 * i + 4 * h + g;
                __m512i w = _mm512_cvtepi8_epi16(_mm256_sub_epi8(q[g], k32));
                __m512i s = _mm512_madd_epi16(w, _mm512_loadu_si512(xq + 32 * k));
                __m512 pair = _mm512_mask_blend_ps(0xFF00, _mm512_set1_ps((float)sc[2 * g]), _mm512_set1_ps((float)sc[2 * g + 1]));
                __m512 scale = _mm512_mul_ps(_mm512_set1_ps(d * dx[k]), pair);
                acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, acc);
            }
            accs[h] = acc;
        }
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(accs[0], accs[1]));
}

#define XG 8
// XG x rows at once (a prompt's rows): each sub-block's weights are widened once and multiplied
// with every row. Per row the operations and their order are dot_q4_k_x16's, so each row gets
// the bits decoding it alone gives. Row v of xq starts at v·cols; its dx and xs at v·cols/32.
CK_AVX512 static void dotg_q4_k_x16(const uint8_t *p, int64_t nb, int64_t cols, const int16_t *xq, const float *dx,
                                    const int32_t *xs, float out[XG]) {
    const __m256i m4 = _mm256_set1_epi8(15);
    const int64_t ns = cols / 32;
    __m512 acc0[XG], acc1[XG];
    __m256 mins[XG];
    for (int v = 0; v < XG; v++) { acc0[v] = _mm512_setzero_ps(); acc1[v] = _mm512_setzero_ps(); mins[v] = _mm256_setzero_ps(); }
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 144;
        __m256 dsc, dm;
        k_scales(b, &dsc, &dm);
        float f[XG][8];
        for (int v = 0; v < XG; v++) {
            const float *dxi = dx + v * ns + 8 * i;
            _mm256_storeu_ps(f[v], _mm256_mul_ps(dsc, _mm256_loadu_ps(dxi)));
            mins[v] = _mm256_fmadd_ps(_mm256_mul_ps(dm, _mm256_loadu_ps(dxi)),
                                      _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(xs + v * ns + 8 * i))), mins[v]);
        }
        for (int c = 0; c < 4; c++) {
            __m256i raw = _mm256_loadu_si256((const __m256i *)(b + 16 + 32 * c));
            __m512i lo = _mm512_cvtepu8_epi16(_mm256_and_si256(raw, m4));
            __m512i hi = _mm512_cvtepu8_epi16(_mm256_and_si256(_mm256_srli_epi16(raw, 4), m4));
            for (int v = 0; v < XG; v++) {
                const int16_t *x0 = xq + v * cols + 256 * i + 64 * c;
                acc0[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_madd_epi16(lo, _mm512_loadu_si512(x0))), _mm512_set1_ps(f[v][2 * c]), acc0[v]);
                acc1[v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_madd_epi16(hi, _mm512_loadu_si512(x0 + 32))), _mm512_set1_ps(f[v][2 * c + 1]), acc1[v]);
            }
        }
    }
    for (int v = 0; v < XG; v++) out[v] = _mm512_reduce_add_ps(_mm512_add_ps(acc0[v], acc1[v])) - hsum8(mins[v]);
}

// dot_q6_k_x16 for XG x rows, as dotg_q4_k_x16 is for Q4_K.
CK_AVX512 static void dotg_q6_k_x16(const uint8_t *p, int64_t nb, int64_t cols, const int16_t *xq, const float *dx, float out[XG]) {
    const __m256i k32 = _mm256_set1_epi8(32);
    const int64_t ns = cols / 32;
    __m512 accs[XG][2];
    for (int v = 0; v < XG; v++) { accs[v][0] = _mm512_setzero_ps(); accs[v][1] = _mm512_setzero_ps(); }
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 210;
        float d = ck_h2f(b + 208);
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b + 64 * h, *qhp = b + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(b + 192 + 8 * h);
            __m256i q[4];
            q6_values(ql, qhp, q);
            for (int g = 0; g < 4; g++) {
                const int64_t k = 8 * i + 4 * h + g;
                __m512i w = _mm512_cvtepi8_epi16(_mm256_sub_epi8(q[g], k32));
                __m512 pair = _mm512_mask_blend_ps(0xFF00, _mm512_set1_ps((float)sc[2 * g]), _mm512_set1_ps((float)sc[2 * g + 1]));
                for (int v = 0; v < XG; v++) {
                    __m512i s = _mm512_madd_epi16(w, _mm512_loadu_si512(xq + v * cols + 32 * k));
                    __m512 scale = _mm512_mul_ps(_mm512_set1_ps(d * dx[v * ns + k]), pair);
                    accs[v][h] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, accs[v][h]);
                }
            }
        }
    }
    for (int v = 0; v < XG; v++) out[v] = _mm512_reduce_add_ps(_mm512_add_ps(accs[v][0], accs[v][1]));
}

// The same products on a Q8_0 matrix regrouped 16 rows at a time (ck_group_q8_0): in each group
// block b of the 16 rows (their int8 side by side, 512 bytes), then the group's f16 scales by
// block. Memory is read in order instead of at 16 places 680 bytes apart, and the scales are
// loaded instead of gathered: 17% faster on the 262k-row output head. The operations and their
// order are those of rows_q8_0, so every row gets the same bits.
CK_AVX512 void ck_matvec_groups_q8_0(const uint8_t *grouped, int64_t cols, const int16_t *xq, const float *dx,
                                     float *y, int64_t g0, int64_t g1) {
    const int64_t nb = cols / 32;
    const size_t group_bytes = (size_t)nb * 16 * 34;
    for (int64_t g = g0; g < g1; g++) {
        const uint8_t *p = grouped + (size_t)g * group_bytes;
        const uint16_t *scales = (const uint16_t *)(p + (size_t)nb * 512);
        __m512 acc = _mm512_setzero_ps();
        for (int64_t b = 0; b < nb; b++) {
            const __m512i xv = _mm512_loadu_si512(xq + 32 * b);
            const uint8_t *q = p + (size_t)b * 512;
            __m512i s0 = quad_sums(_mm512_madd_epi16(w16_at(q), xv), _mm512_madd_epi16(w16_at(q + 32), xv),
                                   _mm512_madd_epi16(w16_at(q + 64), xv), _mm512_madd_epi16(w16_at(q + 96), xv));
            __m512i s1 = quad_sums(_mm512_madd_epi16(w16_at(q + 128), xv), _mm512_madd_epi16(w16_at(q + 160), xv),
                                   _mm512_madd_epi16(w16_at(q + 192), xv), _mm512_madd_epi16(w16_at(q + 224), xv));
            __m512i s2 = quad_sums(_mm512_madd_epi16(w16_at(q + 256), xv), _mm512_madd_epi16(w16_at(q + 288), xv),
                                   _mm512_madd_epi16(w16_at(q + 320), xv), _mm512_madd_epi16(w16_at(q + 352), xv));
            __m512i s3 = quad_sums(_mm512_madd_epi16(w16_at(q + 384), xv), _mm512_madd_epi16(w16_at(q + 416), xv),
                                   _mm512_madd_epi16(w16_at(q + 448), xv), _mm512_madd_epi16(w16_at(q + 480), xv));
            __m512 d = _mm512_mul_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(scales + 16 * b))), _mm512_set1_ps(dx[b]));
            acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(add_quarters(s0, s1, s2, s3)), d, acc);
        }
        _mm512_storeu_ps(y + 16 * g, acc);
    }
}

void ck_matvec_rows_x16(uint32_t type, const void *w, size_t row_bytes, int64_t cols, const int16_t *xq,
                        const float *dx, const int32_t *xs, int64_t nx, float *y, int64_t y_stride, int64_t r0, int64_t r1) {
    const uint8_t *base = (const uint8_t *)w;
    const int64_t ns = cols / 32;
    if (type == CK_Q4_K || type == CK_Q6_K) {
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *row = base + (size_t)r * row_bytes;
            int64_t v = 0;
            for (; v + XG <= nx; v += XG) {
                float out[XG];
                if (type == CK_Q4_K) dotg_q4_k_x16(row, cols / 256, cols, xq + v * cols, dx + v * ns, xs + v * ns, out);
                else dotg_q6_k_x16(row, cols / 256, cols, xq + v * cols, dx + v * ns, out);
                for (int k = 0; k < XG; k++) y[(v + k) * y_stride + r] = out[k];
            }
            for (; v < nx; v++)
                y[v * y_stride + r] = type == CK_Q4_K
                    ? dot_q4_k_x16(row, cols / 256, xq + v * cols, dx + v * ns, xs + v * ns)
                    : dot_q6_k_x16(row, cols / 256, xq + v * cols, dx + v * ns);
        }
        return;
    }
    // The 16-row kernels read a chunk's rows once per x row; the chunk stays in L2 after the first.
    for (int64_t v = 0; v < nx; v++) {
        if (type == CK_Q8_0) rows_q8_0(base, row_bytes, cols, xq + v * cols, dx + v * ns, y + v * y_stride, r0, r1);
        else rows_q5_0(base, row_bytes, cols, xq + v * cols, dx + v * ns, y + v * y_stride, r0, r1);
    }
}
#endif
