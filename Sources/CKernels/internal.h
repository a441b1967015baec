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
#endif
#endif
