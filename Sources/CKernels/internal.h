// Functions shared between the CKernels translation units (not part of the public header).
#ifndef YANFU_CKERNELS_INTERNAL_H
#define YANFU_CKERNELS_INTERNAL_H
#include <math.h>
#include <stdint.h>

/// The step that rounds the 32 values at x to ±levels (their largest |x| / levels) and its
/// inverse; NaN when one of them is not finite, so that the products are NaN as in f32.
static inline float ck_block_step(const float *x, float levels, float *inv) {
    float m = 0;
    int finite = 1;
    for (int i = 0; i < 32; i++) {
        m = fabsf(x[i]) > m ? fabsf(x[i]) : m;
        finite &= isfinite(x[i]) != 0;
    }
    *inv = m > 0 ? levels / m : 0;
    return finite ? m / levels : NAN;
}

float ck_f16_to_f32(uint16_t h);
void ck_kscales(const uint8_t *s, uint8_t sc[8], uint8_t m[8]);
void ck_dequant_row_scalar(uint32_t type, const void *row, float *dst, int64_t n);
float ck_dot_row_scalar(uint32_t type, const void *row, const float *x, int64_t n);
#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
#include <immintrin.h>
#include <string.h>
// A stored f16 (unaligned) as f32; needs only F16C, so every SIMD kernel's target inlines it.
__attribute__((target("f16c"))) static inline float ck_h2f(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}
float ck_dot_row_avx2(uint32_t type, const void *row, const float *x, int64_t n);
void ck_dequant_row_avx2(uint32_t type, const void *row, float *dst, int64_t n);
int ck_has_avx512_kernel(uint32_t type);
float ck_dot_row_avx512(uint32_t type, const void *row, const float *x, int64_t n);
/// x rounded to int16 per 32-element block: x[i] ≈ dx[i/32]·xq[i] (n a multiple of 32), and each
/// block's Σxq in xs (the K-quants' offsets need it).
void ck_quantize_x16(const float *x, int64_t n, int16_t *xq, float *dx, int32_t *xs);
/// 1 when `type` has the int16-activation matrix-vector kernel below (AVX-512BW).
int ck_has_x16_kernel(uint32_t type);
/// y[v·y_stride + r] for r in [r0, r1) and each of the nx rows v of x quantized by ck_quantize_x16
/// (row v's values at v·cols, its scales and sums at v·cols/32).
void ck_matvec_rows_x16(uint32_t type, const void *w, size_t row_bytes, int64_t cols, const int16_t *xq,
                        const float *dx, const int32_t *xs, int64_t nx, float *y, int64_t y_stride, int64_t r0, int64_t r1);
/// 1 when `type` has the int8-activation kernel below (AVX-512 VNNI).
int ck_has_x8_kernel(uint32_t type);
/// ck_matvec_rows_x16 with x quantized by ck_quantize_x8 (row v's x4 at v·cols/4).
void ck_matvec_rows_x8(uint32_t type, const void *w, size_t row_bytes, int64_t cols, const int8_t *xq,
                       const float *dx, const int32_t *xs, const int32_t *x4, int64_t nx, float *y,
                       int64_t y_stride, int64_t r0, int64_t r1);
/// y[16g … 16g+15] for groups g in [g0, g1) of a Q8_0 matrix in ck_group_q8_0's layout.
void ck_matvec_groups_q8_0(const uint8_t *grouped, int64_t cols, const int16_t *xq, const float *dx,
                           float *y, int64_t g0, int64_t g1);
#endif
#endif
