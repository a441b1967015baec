// Single-threaded f32 matrix product for AVX-512 machines: C = alpha·op(A)·op(B) + beta·C,
// row-major, as cblas_sgemm. Ours because OpenBLAS 0.3.21 falls back to its SSE3 (Prescott)
// kernel on processors it does not know by model number, where it ran attention and the LoRA
// products 3-5x slower than this. Blocked as usual: a KC×NC block of op(B) packed in panels of
// NR columns, an MC×KC block of op(A) in panels of MR rows, an MR×NR tile of C in 12 registers.
#include "ckernels.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

#define MR 6
#define NR 32
#define KC 256
#define MC 96
#define NC 1024

static _Thread_local float *apack, *bpack;

#ifdef CK_X86
#include <immintrin.h>
#define CK_AVX512 __attribute__((target("avx512f,avx2,fma")))

// The tile: acc = Σ_k a[k][0..mr) ⊗ b[k][0..32), then C = alpha·acc (+ C when `add`, + beta·C when
// `scale`), columns beyond nc masked.
CK_AVX512 static void tile(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int mr, int nc,
                           float alpha, float beta, int first) {
    __m512 acc[MR][2];
    for (int i = 0; i < MR; i++) { acc[i][0] = _mm512_setzero_ps(); acc[i][1] = _mm512_setzero_ps(); }
    for (int64_t k = 0; k < kc; k++) {
        __m512 b0 = _mm512_loadu_ps(b + k * NR), b1 = _mm512_loadu_ps(b + k * NR + 16);
        for (int i = 0; i < MR; i++) {
            __m512 av = _mm512_set1_ps(a[k * MR + i]);
            acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
        }
    }
    __mmask16 m0 = nc >= 16 ? 0xFFFF : (__mmask16)((1u << nc) - 1);
    __mmask16 m1 = nc >= 32 ? 0xFFFF : nc <= 16 ? 0 : (__mmask16)((1u << (nc - 16)) - 1);
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *ci = c + i * ldc;
        __m512 r0 = _mm512_mul_ps(acc[i][0], va), r1 = _mm512_mul_ps(acc[i][1], va);
        if (!first) {
            r0 = _mm512_add_ps(r0, _mm512_maskz_loadu_ps(m0, ci));
            r1 = _mm512_add_ps(r1, _mm512_maskz_loadu_ps(m1, ci + 16));
        } else if (beta != 0) {
            r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), r0);
            r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), r1);
        }
        _mm512_mask_storeu_ps(ci, m0, r0);
        _mm512_mask_storeu_ps(ci + 16, m1, r1);
    }
}
#endif

int ck_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
             const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
#ifdef CK_X86
    if (!ck_avx512_enabled()) return 0;
    if (!apack) apack = (float *)aligned_alloc(64, sizeof(float) * MC * KC);
    if (!bpack) bpack = (float *)aligned_alloc(64, sizeof(float) * KC * NC);
    if (!apack || !bpack) return 0;
    if (M <= 0 || N <= 0) return 1;
    if (K <= 0 || alpha == 0) {
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) C[i * ldc + j] = beta == 0 ? 0 : beta * C[i * ldc + j];
        return 1;
    }
    for (int64_t jc = 0; jc < N; jc += NC) {
        const int64_t nc = N - jc < NC ? N - jc : NC;
        const int64_t panels = (nc + NR - 1) / NR;
        for (int64_t pc = 0; pc < K; pc += KC) {
            const int64_t kc = K - pc < KC ? K - pc : KC;
            // op(B)[pc.., jc..] as panels of NR columns, k after k, zero-padded.
            for (int64_t p = 0; p < panels; p++) {
                float *dst = bpack + p * kc * NR;
                const int64_t j0 = jc + p * NR, w = N - j0 < NR ? N - j0 : NR;
                for (int64_t k = 0; k < kc; k++) {
                    float *d = dst + k * NR;
                    if (!trans_b) {
                        memcpy(d, B + (pc + k) * ldb + j0, (size_t)w * sizeof(float));
                    } else {
                        for (int64_t j = 0; j < w; j++) d[j] = B[(j0 + j) * ldb + pc + k];
                    }
                    for (int64_t j = w; j < NR; j++) d[j] = 0;
                }
            }
            for (int64_t ic = 0; ic < M; ic += MC) {
                const int64_t mc = M - ic < MC ? M - ic : MC;
                const int64_t rpanels = (mc + MR - 1) / MR;
                // op(A)[ic.., pc..] as panels of MR rows, k after k, zero-padded.
                for (int64_t r = 0; r < rpanels; r++) {
                    float *dst = apack + r * kc * MR;
                    const int64_t i0 = ic + r * MR, h = M - i0 < MR ? M - i0 : MR;
                    for (int64_t k = 0; k < kc; k++) {
                        float *d = dst + k * MR;
                        for (int64_t i = 0; i < h; i++)
                            d[i] = trans_a ? A[(pc + k) * lda + i0 + i] : A[(i0 + i) * lda + pc + k];
                        for (int64_t i = h; i < MR; i++) d[i] = 0;
                    }
                }
                for (int64_t r = 0; r < rpanels; r++) {
                    const int64_t i0 = ic + r * MR;
                    const int mr = (int)(M - i0 < MR ? M - i0 : MR);
                    for (int64_t p = 0; p < panels; p++) {
                        const int64_t j0 = jc + p * NR;
                        const int w = (int)(N - j0 < NR ? N - j0 : NR);
                        tile(kc, apack + r * kc * MR, bpack + p * kc * NR, C + i0 * ldc + j0, ldc, mr, w,
                             alpha, beta, pc == 0);
                    }
                }
            }
        }
    }
    return 1;
#else
    (void)trans_a; (void)trans_b; (void)M; (void)N; (void)K; (void)alpha; (void)A; (void)lda;
    (void)B; (void)ldb; (void)beta; (void)C; (void)ldc;
    return 0;
#endif
}
