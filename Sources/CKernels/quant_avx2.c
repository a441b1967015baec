// AVX2/FMA/F16C dot products of one stored row with an f32 vector. The weights are dequantized
// block by block in registers (never written out): decoding is bound by reading the weights, so
// the point is to touch each stored byte once and keep the arithmetic off the critical path.
#include "ckernels.h"
#include "internal.h"

#ifdef CK_X86
#include <immintrin.h>
#include <string.h>

#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))

CK_AVX2 static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// 8 signed bytes -> 8 floats
CK_AVX2 static inline __m256 i8x8(__m128i v) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v)); }

// Σ q[k]·x[k] over 32 signed bytes held in a 256-bit register.
CK_AVX2 static inline __m256 dot32(__m256i q, const float *x) {
    __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    __m256 s = _mm256_mul_ps(i8x8(lo), _mm256_loadu_ps(x));
    s = _mm256_fmadd_ps(i8x8(_mm_srli_si128(lo, 8)), _mm256_loadu_ps(x + 8), s);
    s = _mm256_fmadd_ps(i8x8(hi), _mm256_loadu_ps(x + 16), s);
    s = _mm256_fmadd_ps(i8x8(_mm_srli_si128(hi, 8)), _mm256_loadu_ps(x + 24), s);
    return s;
}

// Σ q[k]·x[k] over 16 signed bytes.
CK_AVX2 static inline __m256 dot16(__m128i q, const float *x) {
    __m256 s = _mm256_mul_ps(i8x8(q), _mm256_loadu_ps(x));
    return _mm256_fmadd_ps(i8x8(_mm_srli_si128(q, 8)), _mm256_loadu_ps(x + 8), s);
}

// Σ x[k] over 32 floats.
CK_AVX2 static inline __m256 sum32(const float *x) {
    __m256 a = _mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8));
    __m256 b = _mm256_add_ps(_mm256_loadu_ps(x + 16), _mm256_loadu_ps(x + 24));
    return _mm256_add_ps(a, b);
}

CK_AVX2 static float dot_q8_0(const uint8_t *p, const float *x, int64_t nb) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        const uint8_t *b0 = p + i * 34, *b1 = b0 + 34;
        __m256 s0 = dot32(_mm256_loadu_si256((const __m256i *)(b0 + 2)), x + 32 * i);
        __m256 s1 = dot32(_mm256_loadu_si256((const __m256i *)(b1 + 2)), x + 32 * i + 32);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(ck_h2f(b0)), s0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(ck_h2f(b1)), s1, acc1);
    }
    for (; i < nb; i++) {
        const uint8_t *b = p + i * 34;
        __m256 s = dot32(_mm256_loadu_si256((const __m256i *)(b + 2)), x + 32 * i);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(ck_h2f(b)), s, acc0);
    }
    return hsum(_mm256_add_ps(acc0, acc1));
}

CK_AVX2 static float dot_q4_0(const uint8_t *p, const float *x, int64_t nb) {
    const __m128i m4 = _mm_set1_epi8(15), k8 = _mm_set1_epi8(8);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 18;
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + 2));
        __m128i lo = _mm_sub_epi8(_mm_and_si128(raw, m4), k8);
        __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), k8);
        __m256 s = _mm256_add_ps(dot16(lo, x + 32 * i), dot16(hi, x + 32 * i + 16));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_h2f(b)), s, acc);
    }
    return hsum(acc);
}

// 16 bytes, byte j = 0x10 when bit (first + j) of qh is set.
CK_AVX2 static inline __m128i bits16(uint32_t qh, int first) {
    const __m128i bitsel = _mm_set1_epi64x((long long)0x8040201008040201ULL);
    __m128i v = _mm_set1_epi32((int)qh);
    __m128i shuf = first == 0 ? _mm_set_epi64x(0x0101010101010101LL, 0)
                              : _mm_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL);
    __m128i bytes = _mm_shuffle_epi8(v, shuf);
    __m128i set = _mm_cmpeq_epi8(_mm_and_si128(bytes, bitsel), bitsel);
    return _mm_and_si128(set, _mm_set1_epi8(0x10));
}

CK_AVX2 static float dot_q5_0(const uint8_t *p, const float *x, int64_t nb) {
    const __m128i m4 = _mm_set1_epi8(15), k16 = _mm_set1_epi8(16);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 22;
        uint32_t qh;
        memcpy(&qh, b + 2, 4);
        __m128i raw = _mm_loadu_si128((const __m128i *)(b + 6));
        __m128i lo = _mm_sub_epi8(_mm_or_si128(_mm_and_si128(raw, m4), bits16(qh, 0)), k16);
        __m128i hi = _mm_sub_epi8(_mm_or_si128(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), bits16(qh, 16)), k16);
        __m256 s = _mm256_add_ps(dot16(lo, x + 32 * i), dot16(hi, x + 32 * i + 16));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(ck_h2f(b)), s, acc);
    }
    return hsum(acc);
}

// Q4_K/Q5_K: x = (d·sc)·q − dmin·m per 32-element sub-block, so a sub-block contributes
// (d·sc)·Σq·x − (dmin·m)·Σx.
CK_AVX2 static float dot_q4_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(15);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
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
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[2 * c]), dot32(lo, x0), acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[2 * c + 1]), dot32(hi, x1), acc);
            accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * m[2 * c]), sum32(x0), accm);
            accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * m[2 * c + 1]), sum32(x1), accm);
        }
    }
    return hsum(_mm256_sub_ps(acc, accm));
}

CK_AVX2 static float dot_q5_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(15), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 176;
        const float *xb = x + 256 * i;
        float d = ck_h2f(b), dmin = ck_h2f(b + 2);
        uint8_t sc[8], m[8];
        ck_kscales(b + 4, sc, m);
        __m256i qh = _mm256_loadu_si256((const __m256i *)(b + 16));
        for (int c = 0; c < 4; c++) {
            __m256i raw = _mm256_loadu_si256((const __m256i *)(b + 48 + 32 * c));
            __m256i hb0 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one);
            __m256i hb1 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one);
            __m256i lo = _mm256_or_si256(_mm256_and_si256(raw, m4), _mm256_slli_epi16(hb0, 4));
            __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(raw, 4), m4), _mm256_slli_epi16(hb1, 4));
            const float *x0 = xb + 64 * c, *x1 = x0 + 32;
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[2 * c]), dot32(lo, x0), acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[2 * c + 1]), dot32(hi, x1), acc);
            accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * m[2 * c]), sum32(x0), accm);
            accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * m[2 * c + 1]), sum32(x1), accm);
        }
    }
    return hsum(_mm256_sub_ps(acc, accm));
}

// Q6_K: two halves of 128; in each, 32 bytes of low nibbles (two loads) and 32 bytes of 2-bit
// high parts give four 32-value groups, each with two 16-value scales.
CK_AVX2 static float dot_q6_k(const uint8_t *p, const float *x, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(15), m2 = _mm256_set1_epi8(3), k32 = _mm256_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = p + i * 210;
        float d = ck_h2f(b + 208);
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
                __m256 s0 = dot16(_mm256_castsi256_si128(v), xg);
                __m256 s1 = dot16(_mm256_extracti128_si256(v, 1), xg + 16);
                acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[2 * g]), s0, acc);
                acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[2 * g + 1]), s1, acc);
            }
        }
    }
    return hsum(acc);
}

CK_AVX2 static float dot_f32(const float *w, const float *x, int64_t n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
    }
    float s = hsum(_mm256_add_ps(a0, a1));
    for (; i < n; i++) s += w[i] * x[i];
    return s;
}

CK_AVX2 static float dot_f16(const uint16_t *w, const float *x, int64_t n) {
    __m256 a = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        a = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i))), _mm256_loadu_ps(x + i), a);
    float s = hsum(a);
    for (; i < n; i++) s += _cvtsh_ss(w[i]) * x[i];
    return s;
}

CK_AVX2 static float dot_bf16(const uint16_t *w, const float *x, int64_t n) {
    __m256 a = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i v = _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(w + i))), 16);
        a = _mm256_fmadd_ps(_mm256_castsi256_ps(v), _mm256_loadu_ps(x + i), a);
    }
    float s = hsum(a);
    for (; i < n; i++) {
        uint32_t bits = (uint32_t)w[i] << 16;
        float f;
        memcpy(&f, &bits, 4);
        s += f * x[i];
    }
    return s;
}

float ck_dot_row_avx2(uint32_t type, const void *row, const float *x, int64_t n) {
    const uint8_t *p = (const uint8_t *)row;
    switch (type) {
    case CK_F32: return dot_f32((const float *)row, x, n);
    case CK_F16: return dot_f16((const uint16_t *)row, x, n);
    case CK_BF16: return dot_bf16((const uint16_t *)row, x, n);
    case CK_Q8_0: return dot_q8_0(p, x, n / 32);
    case CK_Q4_0: return dot_q4_0(p, x, n / 32);
    case CK_Q5_0: return dot_q5_0(p, x, n / 32);
    case CK_Q4_K: return dot_q4_k(p, x, n / 256);
    case CK_Q5_K: return dot_q5_k(p, x, n / 256);
    case CK_Q6_K: return dot_q6_k(p, x, n / 256);
    default: return 0;
    }
}

CK_AVX2 static void f16_row(const uint16_t *w, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i))));
    for (; i < n; i++) y[i] = _cvtsh_ss(w[i]);
}

void ck_dequant_row_avx2(uint32_t type, const void *row, float *dst, int64_t n) {
    if (type == CK_F16) f16_row((const uint16_t *)row, dst, n);
    else ck_dequant_row_scalar(type, row, dst, n);
}
#endif
