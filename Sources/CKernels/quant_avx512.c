// AVX-512 versions of the hottest dot products (the default model's types). Widening int8 to
// f32 is limited by the shuffle port; 16-lane conversions halve the shuffles per element.
#include "ckernels.h"
#include "internal.h"

#ifdef CK_X86
#include <immintrin.h>
#include <string.h>

#define CK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

CK_AVX512 static inline float h2f(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

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
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b0)), s0, acc0);
        acc1 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b1)), s1, acc1);
    }
    for (; i < nb; i++) {
        const uint8_t *b = p + i * 34;
        __m512 s = _mm512_mul_ps(i8x16(_mm_loadu_si128((const __m128i *)(b + 2))), _mm512_loadu_ps(x + 32 * i));
        s = _mm512_fmadd_ps(i8x16(_mm_loadu_si128((const __m128i *)(b + 18))), _mm512_loadu_ps(x + 32 * i + 16), s);
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b)), s, acc0);
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
        if (i & 1) acc1 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b)), s, acc1);
        else acc0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b)), s, acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

CK_AVX512 static float dot_q4_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(15);
    __m512 acc = _mm512_setzero_ps(), accm = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 144;
        const float *xb = x + 256 * i;
        float d = h2f(b), dmin = h2f(b + 2);
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

CK_AVX512 static float dot_q6_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(15), m2 = _mm256_set1_epi8(3), k32 = _mm256_set1_epi8(32);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 210;
        float d = h2f(b + 208);
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b + 64 * h, *qhp = b + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(b + 192 + 8 * h);
            const float *xh = x + 256 * i + 128 * h;
            __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            __m256i qh = _mm256_loadu_si256((const __m256i *)qhp);
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m2), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m2), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m2), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m2), 4));
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
// Four rows at a time for the 32-element block types: one dispatch per four rows instead of one
// per row, x loaded once for four rows, and four independent accumulator chains. At the
// embedding-sized output head (262144 rows of 640) per-row overhead is otherwise as large as the
// arithmetic.
CK_AVX512 static inline __m512 q8_0_block(const uint8_t *b, __m512 xlo, __m512 xhi) {
    __m512 s = _mm512_mul_ps(i8x16(_mm_loadu_si128((const __m128i *)(b + 2))), xlo);
    return _mm512_fmadd_ps(i8x16(_mm_loadu_si128((const __m128i *)(b + 18))), xhi, s);
}

CK_AVX512 static inline __m512 q5_0_block(const uint8_t *b, __m512 xlo, __m512 xhi) {
    const __m128i m4 = _mm_set1_epi8(15), k16 = _mm_set1_epi8(16);
    uint32_t qh;
    memcpy(&qh, b + 2, 4);
    __m128i raw = _mm_loadu_si128((const __m128i *)(b + 6));
    __m128i lo = _mm_sub_epi8(_mm_or_si128(_mm_and_si128(raw, m4), bits16(qh, 0)), k16);
    __m128i hi = _mm_sub_epi8(_mm_or_si128(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), bits16(qh, 16)), k16);
    __m512 s = _mm512_mul_ps(i8x16(lo), xlo);
    return _mm512_fmadd_ps(i8x16(hi), xhi, s);
}

#define CK_ROWS4(NAME, BLOCK, BB)                                                                   \
    CK_AVX512 static void NAME(const uint8_t *w, size_t rb, int64_t cols, const float *x, float *y,  \
                               int64_t r0, int64_t r1) {                                            \
        int64_t nb = cols / 32, r = r0;                                                             \
        for (; r + 4 <= r1; r += 4) {                                                               \
            const uint8_t *p0 = w + (size_t)r * rb, *p1 = p0 + rb, *p2 = p1 + rb, *p3 = p2 + rb;      \
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                             \
            for (int64_t b = 0; b < nb; b++) {                                                      \
                __m512 xlo = _mm512_loadu_ps(x + 32 * b), xhi = _mm512_loadu_ps(x + 32 * b + 16);   \
                const size_t o = (size_t)b * BB;                                                    \
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(p0 + o)), BLOCK(p0 + o, xlo, xhi), a0);      \
                a1 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(p1 + o)), BLOCK(p1 + o, xlo, xhi), a1);      \
                a2 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(p2 + o)), BLOCK(p2 + o, xlo, xhi), a2);      \
                a3 = _mm512_fmadd_ps(_mm512_set1_ps(h2f(p3 + o)), BLOCK(p3 + o, xlo, xhi), a3);      \
            }                                                                                       \
            y[r] = _mm512_reduce_add_ps(a0);                                                        \
            y[r + 1] = _mm512_reduce_add_ps(a1);                                                    \
            y[r + 2] = _mm512_reduce_add_ps(a2);                                                    \
            y[r + 3] = _mm512_reduce_add_ps(a3);                                                    \
        }                                                                                           \
        for (; r < r1; r++) {                                                                       \
            const uint8_t *p = w + (size_t)r * rb;                                                  \
            __m512 a = _mm512_setzero_ps();                                                         \
            for (int64_t b = 0; b < nb; b++) {                                                      \
                __m512 xlo = _mm512_loadu_ps(x + 32 * b), xhi = _mm512_loadu_ps(x + 32 * b + 16);   \
                a = _mm512_fmadd_ps(_mm512_set1_ps(h2f(p + (size_t)b * BB)), BLOCK(p + (size_t)b * BB, xlo, xhi), a); \
            }                                                                                       \
            y[r] = _mm512_reduce_add_ps(a);                                                         \
        }                                                                                           \
    }

CK_ROWS4(rows_q8_0, q8_0_block, 34)
CK_ROWS4(rows_q5_0, q5_0_block, 22)

int ck_matvec_rows_avx512(uint32_t type, const void *w, size_t row_bytes, int64_t cols, const float *x,
                          float *y, int64_t r0, int64_t r1) {
    switch (type) {
    case CK_Q8_0: rows_q8_0((const uint8_t *)w, row_bytes, cols, x, y, r0, r1); return 1;
    case CK_Q5_0: rows_q5_0((const uint8_t *)w, row_bytes, cols, x, y, r0, r1); return 1;
    default: return 0;
    }
}
#endif
