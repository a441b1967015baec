// LoRA dropout masks, regenerated from a SplitMix64 stream per row instead of stored. Draw i of
// a stream is mix(state + i·γ), so eight consecutive draws can be made at once (AVX-512DQ) with
// exactly the values of the sequential generator; each draw decides two elements.
#include "ckernels.h"
#include "internal.h"

#define GAMMA 0x9E3779B97F4A7C15ULL

static inline uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Elements [c, cols) from draw number c/2 + 1 on (c even).
static void dropout_tail(const float *src, float *dst, int64_t c, int64_t cols, uint64_t state, uint32_t threshold,
                         float inv) {
    uint64_t s = state + (uint64_t)(c / 2) * GAMMA;
    for (; c + 1 < cols; c += 2) {
        uint64_t bits = mix(s += GAMMA);
        dst[c] = (bits >> 40) < threshold ? src[c] * inv : 0;
        dst[c + 1] = ((bits >> 8) & 0xFFFFFF) < threshold ? src[c + 1] * inv : 0;
    }
    if (c < cols) dst[c] = (mix(s + GAMMA) >> 40) < threshold ? src[c] * inv : 0;
}

#ifdef CK_X86
#include <immintrin.h>
#define CK_DQ __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))

CK_DQ static inline __m512i mix8(__m512i z) {
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), _mm512_set1_epi64((long long)0xBF58476D1CE4E5B9ULL));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), _mm512_set1_epi64((long long)0x94D049BB133111EBULL));
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

CK_DQ static int64_t dropout_avx512(const float *src, float *dst, int64_t cols, uint64_t state, uint32_t threshold,
                                    float inv) {
    // Lane k of `s` is the state of draw k+1; 16 elements (8 draws) per round.
    __m512i s = _mm512_add_epi64(_mm512_set1_epi64((long long)state),
                                 _mm512_mullo_epi64(_mm512_setr_epi64(1, 2, 3, 4, 5, 6, 7, 8), _mm512_set1_epi64((long long)GAMMA)));
    const __m512i step = _mm512_set1_epi64((long long)(8 * GAMMA)), low24 = _mm512_set1_epi64(0xFFFFFF);
    const __m512i t = _mm512_set1_epi32((int)threshold);
    const __m512 scale = _mm512_set1_ps(inv);
    int64_t c = 0;
    for (; c + 16 <= cols; c += 16) {
        __m512i bits = mix8(s);
        s = _mm512_add_epi64(s, step);
        // 32-bit lane 2k: bits >> 40 (element 2k); lane 2k+1: (bits >> 8) & 0xFFFFFF.
        __m512i u = _mm512_or_si512(_mm512_srli_epi64(bits, 40),
                                    _mm512_slli_epi64(_mm512_and_si512(_mm512_srli_epi64(bits, 8), low24), 32));
        __mmask16 keep = _mm512_cmplt_epu32_mask(u, t);
        _mm512_storeu_ps(dst + c, _mm512_maskz_mul_ps(keep, _mm512_loadu_ps(src + c), scale));
    }
    return c;
}

static int has_dq(void) {
    static int cpu = -1;
    if (cpu < 0) {
        __builtin_cpu_init();
        cpu = __builtin_cpu_supports("avx512dq");
    }
    return cpu && ck_avx512_enabled();
}
#endif

void ck_dropout_row(const float *src, float *dst, int64_t cols, uint64_t state, uint32_t threshold, float inv) {
    int64_t c = 0;
#ifdef CK_X86
    if (has_dq()) c = dropout_avx512(src, dst, cols, state, threshold, inv);
#endif
    dropout_tail(src, dst, c, cols, state, threshold, inv);
}
