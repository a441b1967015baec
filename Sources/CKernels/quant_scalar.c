// Portable reference paths: block dequantization in the order gguf-py evaluates it
// (scale·scale, then ·q, then −dmin·m), and dot products built on it.
#include "ckernels.h"
#include "internal.h"
#include <string.h>

float ck_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ffu, bits;
    if (exp == 0) {
        float f = (float)mant * (1.0f / 16777216.0f);   // subnormal: mant · 2^-24
        return sign ? -f : f;
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline float rdh(const uint8_t *p) { return ck_f16_to_f32(rd16(p)); }

void ck_kscales(const uint8_t *s, uint8_t sc[8], uint8_t m[8]) {
    for (int j = 0; j < 4; j++) {
        sc[j] = s[j] & 63;
        m[j] = s[j + 4] & 63;
    }
    for (int j = 4; j < 8; j++) {
        sc[j] = (uint8_t)((s[j + 4] & 15) | ((s[j - 4] >> 6) << 4));
        m[j] = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

static void deq_q8_0(const uint8_t *b, float *y) {
    float d = rdh(b);
    const int8_t *q = (const int8_t *)(b + 2);
    for (int k = 0; k < 32; k++) y[k] = d * (float)q[k];
}

static void deq_q4_0(const uint8_t *b, float *y) {
    float d = rdh(b);
    const uint8_t *qs = b + 2;
    for (int j = 0; j < 16; j++) {
        y[j] = d * (float)((qs[j] & 15) - 8);
        y[j + 16] = d * (float)((qs[j] >> 4) - 8);
    }
}

static void deq_q5_0(const uint8_t *b, float *y) {
    float d = rdh(b);
    uint32_t qh = (uint32_t)b[2] | ((uint32_t)b[3] << 8) | ((uint32_t)b[4] << 16) | ((uint32_t)b[5] << 24);
    const uint8_t *qs = b + 6;
    for (int j = 0; j < 16; j++) {
        int lo = (qs[j] & 15) | (int)(((qh >> j) & 1u) << 4);
        int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
        y[j] = d * (float)(lo - 16);
        y[j + 16] = d * (float)(hi - 16);
    }
}

static void deq_q4_k(const uint8_t *b, float *y) {
    float d = rdh(b), dmin = rdh(b + 2);
    uint8_t sc[8], m[8];
    ck_kscales(b + 4, sc, m);
    const uint8_t *qs = b + 16;
    for (int c = 0; c < 4; c++) {
        float d1 = d * sc[2 * c], m1 = dmin * m[2 * c];
        float d2 = d * sc[2 * c + 1], m2 = dmin * m[2 * c + 1];
        for (int l = 0; l < 32; l++) {
            y[64 * c + l] = d1 * (float)(qs[32 * c + l] & 15) - m1;
            y[64 * c + 32 + l] = d2 * (float)(qs[32 * c + l] >> 4) - m2;
        }
    }
}

static void deq_q5_k(const uint8_t *b, float *y) {
    float d = rdh(b), dmin = rdh(b + 2);
    uint8_t sc[8], m[8];
    ck_kscales(b + 4, sc, m);
    const uint8_t *qh = b + 16, *qs = b + 48;
    for (int c = 0; c < 4; c++) {
        float d1 = d * sc[2 * c], m1 = dmin * m[2 * c];
        float d2 = d * sc[2 * c + 1], m2 = dmin * m[2 * c + 1];
        for (int l = 0; l < 32; l++) {
            int lo = (qs[32 * c + l] & 15) + 16 * ((qh[l] >> (2 * c)) & 1);
            int hi = (qs[32 * c + l] >> 4) + 16 * ((qh[l] >> (2 * c + 1)) & 1);
            y[64 * c + l] = d1 * (float)lo - m1;
            y[64 * c + 32 + l] = d2 * (float)hi - m2;
        }
    }
}

static void deq_q6_k(const uint8_t *b, float *y) {
    float d = rdh(b + 208);
    for (int h = 0; h < 2; h++) {
        const uint8_t *ql = b + 64 * h, *qh = b + 128 + 32 * h;
        const int8_t *sc = (const int8_t *)(b + 192 + 8 * h);
        float *o = y + 128 * h;
        for (int l = 0; l < 32; l++) {
            int s = l / 16;
            int q1 = (ql[l] & 15) | ((qh[l] & 3) << 4);
            int q2 = (ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4);
            int q3 = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4);
            int q4 = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4);
            o[l] = (d * (float)sc[s]) * (float)(q1 - 32);
            o[l + 32] = (d * (float)sc[s + 2]) * (float)(q2 - 32);
            o[l + 64] = (d * (float)sc[s + 4]) * (float)(q3 - 32);
            o[l + 96] = (d * (float)sc[s + 6]) * (float)(q4 - 32);
        }
    }
}

int ck_type_supported(uint32_t type) { return ck_block_size(type) > 0; }

int ck_block_size(uint32_t type) {
    switch (type) {
    case CK_F32: case CK_F16: case CK_BF16: return 1;
    case CK_Q4_0: case CK_Q5_0: case CK_Q8_0: return 32;
    case CK_Q4_K: case CK_Q5_K: case CK_Q6_K: return 256;
    default: return 0;
    }
}

int ck_block_bytes(uint32_t type) {
    switch (type) {
    case CK_F32: return 4;
    case CK_F16: case CK_BF16: return 2;
    case CK_Q4_0: return 18;
    case CK_Q5_0: return 22;
    case CK_Q8_0: return 34;
    case CK_Q4_K: return 144;
    case CK_Q5_K: return 176;
    case CK_Q6_K: return 210;
    default: return 0;
    }
}

typedef void (*deq_block_fn)(const uint8_t *, float *);

static deq_block_fn deq_block(uint32_t type) {
    switch (type) {
    case CK_Q8_0: return deq_q8_0;
    case CK_Q4_0: return deq_q4_0;
    case CK_Q5_0: return deq_q5_0;
    case CK_Q4_K: return deq_q4_k;
    case CK_Q5_K: return deq_q5_k;
    case CK_Q6_K: return deq_q6_k;
    default: return 0;
    }
}

void ck_dequant_row_scalar(uint32_t type, const void *row, float *dst, int64_t n) {
    const uint8_t *p = (const uint8_t *)row;
    switch (type) {
    case CK_F32: memcpy(dst, row, (size_t)n * 4); return;
    case CK_F16: for (int64_t i = 0; i < n; i++) dst[i] = rdh(p + 2 * i); return;
    case CK_BF16:
        for (int64_t i = 0; i < n; i++) {
            uint32_t bits = (uint32_t)rd16(p + 2 * i) << 16;
            memcpy(dst + i, &bits, 4);
        }
        return;
    default: break;
    }
    deq_block_fn f = deq_block(type);
    int bs = ck_block_size(type), bb = ck_block_bytes(type);
    if (!f) return;
    for (int64_t i = 0; i < n / bs; i++) f(p + i * bb, dst + i * bs);
}

float ck_dot_row_scalar(uint32_t type, const void *row, const float *x, int64_t n) {
    const uint8_t *p = (const uint8_t *)row;
    float acc = 0;
    if (type == CK_F32) {
        const float *w = (const float *)row;
        for (int64_t i = 0; i < n; i++) acc += w[i] * x[i];
        return acc;
    }
    if (type == CK_F16 || type == CK_BF16) {
        float tmp[256];
        for (int64_t i0 = 0; i0 < n; i0 += 256) {
            int64_t m = n - i0 < 256 ? n - i0 : 256;
            ck_dequant_row_scalar(type, p + 2 * i0, tmp, m);
            for (int64_t i = 0; i < m; i++) acc += tmp[i] * x[i0 + i];
        }
        return acc;
    }
    deq_block_fn f = deq_block(type);
    if (!f) return 0;
    int bs = ck_block_size(type), bb = ck_block_bytes(type);
    float tmp[256];
    for (int64_t i = 0; i < n / bs; i++) {
        f(p + i * bb, tmp);
        float s = 0;
        for (int k = 0; k < bs; k++) s += tmp[k] * x[i * bs + k];
        acc += s;
    }
    return acc;
}
