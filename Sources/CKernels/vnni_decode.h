// Q4_K's and Q6_K's stored integers as unsigned bytes in value order, for the VNNI kernels
// (quant_vnni.c's matrix-vector products, gemm_x8.c's panels). Included inside CK_X86.
#ifndef YANFU_CKERNELS_VNNI_DECODE_H
#define YANFU_CKERNELS_VNNI_DECODE_H
#include <immintrin.h>
#include <string.h>

#define CK_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

// The 256 4-bit values of Q4_K super-block `b` (144 bytes), 64 to a vector in order. A 32-byte
// chunk c holds sub-block 2c in its low nibbles and 2c+1 in its high ones: broadcast to 64
// bytes, its upper half shifted by 4.
CK_VNNI static inline void ck_q4_k_values(const uint8_t *b, __m512i w[4]) {
    const __m512i m4 = _mm512_set1_epi8(15);
    for (int c = 0; c < 4; c++) {
        __m512i raw = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(b + 16 + 32 * c)));
        w[c] = _mm512_and_si512(_mm512_mask_srli_epi16(raw, 0xFFFF0000u, raw, 4), m4);
    }
}

// The 256 6-bit values (stored +32) of Q6_K super-block `b` (210 bytes), 64 to a vector in order.
// A half super-block's 64 bytes of low bits give values 0–63 (low nibbles) and 64–127 (high
// nibbles), each topped by two bits of the half's 32 qh bytes (bits 0–1, 2–3 and 4–5, 6–7).
CK_VNNI static inline void ck_q6_k_values(const uint8_t *b, __m512i w[4]) {
    const __m512i m4 = _mm512_set1_epi8(15), m2 = _mm512_set1_epi8(3);
    const __m512i shift_lo = _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(2), 1);
    const __m512i shift_hi = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(6), 1);
    for (int h = 0; h < 2; h++) {
        __m512i ql = _mm512_loadu_si512(b + 64 * h);
        __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(b + 128 + 32 * h)));
        __m512i top_lo = _mm512_slli_epi16(_mm512_and_si512(_mm512_srlv_epi16(qh, shift_lo), m2), 4);
        __m512i top_hi = _mm512_slli_epi16(_mm512_and_si512(_mm512_srlv_epi16(qh, shift_hi), m2), 4);
        w[2 * h] = _mm512_or_si512(_mm512_and_si512(ql, m4), top_lo);
        w[2 * h + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4), top_hi);
    }
}
#endif
