// Functions shared between the CKernels translation units (not part of the public header).
#ifndef YANFU_CKERNELS_INTERNAL_H
#define YANFU_CKERNELS_INTERNAL_H
#include <stdint.h>

float ck_f16_to_f32(uint16_t h);
void ck_kscales(const uint8_t *s, uint8_t sc[8], uint8_t m[8]);
void ck_dequant_row_scalar(uint32_t type, const void *row, float *dst, int64_t n);
float ck_dot_row_scalar(uint32_t type, const void *row, const float *x, int64_t n);
#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
float ck_dot_row_avx2(uint32_t type, const void *row, const float *x, int64_t n);
void ck_dequant_row_avx2(uint32_t type, const void *row, float *dst, int64_t n);
int ck_has_avx512_kernel(uint32_t type);
float ck_dot_row_avx512(uint32_t type, const void *row, const float *x, int64_t n);
/// y[r] for r in [r0, r1) with a multi-row kernel; returns 0 when `type` has none.
int ck_matvec_rows_avx512(uint32_t type, const void *w, size_t row_bytes, int64_t cols, const float *x,
                          float *y, int64_t r0, int64_t r1);
#endif
#endif
