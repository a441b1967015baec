// Row-parallel matrix-vector products and dequantization over stored (possibly quantized) rows.
#include "ckernels.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static int simd_state = -1;   // -1 undecided, 0 scalar, 1 AVX2
static int avx512_state = 0;
static int vnni_state = 0;
static int forced_scalar = 0;
static int forced_avx2 = 0;
static int forced_no_vnni = 0;

int ck_simd_enabled(void) {
    if (simd_state < 0) {
#ifdef CK_X86
        __builtin_cpu_init();
        simd_state = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
        avx512_state = simd_state && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                       __builtin_cpu_supports("avx512vl");
        vnni_state = avx512_state && __builtin_cpu_supports("avx512vnni");
#else
        simd_state = 0;
#endif
    }
    return simd_state && !forced_scalar;
}

int ck_avx512_enabled(void) { return ck_simd_enabled() && avx512_state && !forced_avx2; }

int ck_vnni_enabled(void) { return ck_avx512_enabled() && vnni_state && !forced_no_vnni; }

int ck_force_no_vnni(int on) {
    int old = forced_no_vnni;
    forced_no_vnni = on;
    return old;
}

int ck_force_avx2(int on) {
    int old = forced_avx2;
    forced_avx2 = on;
    return old;
}

int ck_force_scalar(int on) {
    int old = forced_scalar;
    forced_scalar = on;
    return old;
}

float ck_dot_row(uint32_t type, const void *row, const float *x, int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) {
        if (avx512_state && !forced_avx2 && ck_has_avx512_kernel(type)) return ck_dot_row_avx512(type, row, x, n);
        return ck_dot_row_avx2(type, row, x, n);
    }
#endif
    return ck_dot_row_scalar(type, row, x, n);
}

void ck_dequant_row(uint32_t type, const void *row, float *dst, int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) { ck_dequant_row_avx2(type, row, dst, n); return; }
#endif
    ck_dequant_row_scalar(type, row, dst, n);
}

typedef struct {
    uint32_t type;
    const uint8_t *w;
    size_t row_bytes;
    int64_t cols, nx, rows;
    const float *x;
    float *y;
    const int16_t *xq;   // x rounded to int16 for the integer kernel, or null
    const int8_t *xq8;   // x rounded to int8 for the VNNI kernel (K-quants), or null
    const float *dx;
    const int32_t *xs;
    const int32_t *x4;
} mv_job;

static void mv_range(void *ctx, int64_t r0, int64_t r1) {
    const mv_job *j = (const mv_job *)ctx;
#ifdef CK_X86
    if (j->xq8) {
        ck_matvec_rows_x8(j->type, j->w, j->row_bytes, j->cols, j->xq8, j->dx, j->xs, j->x4, j->nx, j->y, j->rows, r0, r1);
        return;
    }
    if (j->xq) {
        ck_matvec_rows_x16(j->type, j->w, j->row_bytes, j->cols, j->xq, j->dx, j->xs, j->nx, j->y, j->rows, r0, r1);
        return;
    }
#endif
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *row = j->w + (size_t)r * j->row_bytes;
        for (int64_t v = 0; v < j->nx; v++)
            j->y[v * j->rows + r] = ck_dot_row(j->type, row, j->x + v * j->cols, j->cols);
    }
}

// Enough chunks to balance two busy cores without paying much per chunk.
static int64_t chunk_count(int64_t rows) {
    int64_t t = ck_get_threads();
    if (t <= 1) return 1;
    int64_t c = t * 8;
    return c > rows ? rows : c;
}

void ck_matvec(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
               const float *x, float *y) {
    ck_matvec_multi(type, w, row_bytes, rows, cols, x, 1, y);
}

// The caller's quantized copy of x, row after row (one per calling thread: translation and
// training may both call in).
static _Thread_local int16_t *x16;
static _Thread_local float *x16_scales;
static _Thread_local int32_t *x16_sums;
static _Thread_local int64_t x16_cap;

// Rounds the nx rows of x for the int16 kernels into the thread's buffers (row v's values at
// v·cols, its scales and sums at v·cols/32); 0 when they cannot be allocated.
static int quantize_x(const float *x, int64_t cols, int64_t nx) {
    const int64_t need = cols * nx;
    if (x16_cap < need) {
        int16_t *q = (int16_t *)realloc(x16, (size_t)need * sizeof(int16_t));
        float *d = (float *)realloc(x16_scales, (size_t)(need / 32 + 1) * sizeof(float));
        int32_t *s = (int32_t *)realloc(x16_sums, (size_t)(need / 32 + 1) * sizeof(int32_t));
        if (q) x16 = q;
        if (d) x16_scales = d;
        if (s) x16_sums = s;
        if (q && d && s) x16_cap = need;
    }
    if (x16_cap < need) return 0;
    for (int64_t v = 0; v < nx; v++)
        ck_quantize_x16(x + v * cols, cols, x16 + v * cols, x16_scales + v * (cols / 32), x16_sums + v * (cols / 32));
    return 1;
}

// The same for the int8 kernels, with row v's x4 (cols/4 of them, Q6_K's alone) at v·cols/4.
static _Thread_local int8_t *x8;
static _Thread_local float *x8_scales;
static _Thread_local int32_t *x8_sums, *x8_fours;
static _Thread_local int64_t x8_cap;

static int quantize_x8(uint32_t type, const float *x, int64_t cols, int64_t nx) {
    const int64_t need = cols * nx;
    if (x8_cap < need) {
        int8_t *q = (int8_t *)realloc(x8, (size_t)need);
        float *d = (float *)realloc(x8_scales, (size_t)(need / 32 + 1) * sizeof(float));
        int32_t *s = (int32_t *)realloc(x8_sums, (size_t)(need / 32 + 1) * sizeof(int32_t));
        int32_t *f = (int32_t *)realloc(x8_fours, (size_t)(need / 4 + 1) * sizeof(int32_t));
        if (q) x8 = q;
        if (d) x8_scales = d;
        if (s) x8_sums = s;
        if (f) x8_fours = f;
        if (q && d && s && f) x8_cap = need;
    }
    if (x8_cap < need) return 0;
    for (int64_t v = 0; v < nx; v++)
        ck_quantize_x8(x + v * cols, cols, x8 + v * cols, x8_scales + v * (cols / 32), x8_sums + v * (cols / 32),
                       type == CK_Q6_K ? x8_fours + v * (cols / 4) : 0);
    return 1;
}

// The K-quants' int8 panels (gemm_x8.c) decode every weight row once per product, which pays
// from about 16 rows of x on (measured on the 1.5B's matrices with 2 threads: 1536×1536 at 32
// rows 125 against 100 GMAC/s, 8 rows 54 against 94).
int ck_matvec_integer_rows(uint32_t type) {
#ifdef CK_X86
    if (ck_vnni_enabled() && ck_has_x8_kernel(type)) return 16;
    if (ck_avx512_enabled() && ck_has_x16_kernel(type)) return 64;
#endif
    (void)type;
    return 0;
}

void ck_matvec_multi(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
                     const float *x, int64_t nx, float *y) {
    mv_job j = {type, (const uint8_t *)w, row_bytes, cols, nx, rows, x, y, 0, 0, 0, 0, 0};
    int64_t chunks = chunk_count(rows);
#ifdef CK_X86
    if (nx <= ck_matvec_integer_rows(type) && ck_vnni_enabled() && ck_has_x8_kernel(type) && quantize_x8(type, x, cols, nx)) {
        j.xq8 = x8;
        j.dx = x8_scales;
        j.xs = x8_sums;
        j.x4 = x8_fours;
    } else if (nx <= ck_matvec_integer_rows(type) && quantize_x(x, cols, nx)) {
        j.xq = x16;
        j.dx = x16_scales;
        j.xs = x16_sums;
    }
    if (j.xq8 || j.xq) {
        // Several x rows go over a chunk's weight rows one after the other: chunks of at most
        // 512 KB stay in L2 for all but the first.
        if (nx > 1) {
            int64_t by_size = (int64_t)((size_t)rows * row_bytes / (512 * 1024)) + 1;
            if (by_size > chunks) chunks = by_size > rows ? rows : by_size;
        }
    }
#endif
    ck_parallel_for(rows, chunks, mv_range, &j);
}

int ck_has_grouped_q8_0(void) {
#ifdef CK_X86
    return ck_avx512_enabled();
#else
    return 0;
#endif
}

void ck_group_q8_0(const void *w, size_t row_bytes, int64_t groups, int64_t cols, void *dst) {
    const int64_t nb = cols / 32;
    for (int64_t g = 0; g < groups; g++) {
        uint8_t *out = (uint8_t *)dst + (size_t)g * 16 * row_bytes;
        uint8_t *scales = out + (size_t)nb * 512;
        for (int64_t r = 0; r < 16; r++) {
            const uint8_t *row = (const uint8_t *)w + (size_t)(16 * g + r) * row_bytes;
            for (int64_t b = 0; b < nb; b++) {
                memcpy(out + (size_t)b * 512 + 32 * r, row + 34 * b + 2, 32);
                memcpy(scales + 2 * (16 * b + r), row + 34 * b, 2);
            }
        }
    }
}

#ifdef CK_X86
typedef struct {
    const uint8_t *grouped;
    int64_t cols;
    const int16_t *xq;   // the caller's rounded x (x16 is per thread)
    const float *dx;
    float *y;
} grouped_job;

static void grouped_range(void *ctx, int64_t g0, int64_t g1) {
    const grouped_job *j = (const grouped_job *)ctx;
    ck_matvec_groups_q8_0(j->grouped, j->cols, j->xq, j->dx, j->y, g0, g1);
}
#endif

void ck_matvec_grouped_q8_0(const void *grouped, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
                            const float *x, float *y) {
#ifdef CK_X86
    if (ck_avx512_enabled() && quantize_x(x, cols, 1)) {
        grouped_job j = {(const uint8_t *)grouped, cols, x16, x16_scales, y};
        int64_t groups = rows / 16;
        ck_parallel_for(groups, chunk_count(groups), grouped_range, &j);
        if (rows > 16 * groups)
            ck_matvec_rows_x16(CK_Q8_0, w, row_bytes, cols, x16, x16_scales, x16_sums, 1, y, rows, 16 * groups, rows);
        return;
    }
#endif
    ck_matvec(CK_Q8_0, w, row_bytes, rows, cols, x, y);
}

static void dq_range(void *ctx, int64_t r0, int64_t r1) {
    const mv_job *j = (const mv_job *)ctx;
    for (int64_t r = r0; r < r1; r++)
        ck_dequant_row(j->type, j->w + (size_t)r * j->row_bytes, j->y + r * j->cols, j->cols);
}

void ck_dequant_matrix(uint32_t type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
                       float *dst) {
    mv_job j = {type, (const uint8_t *)w, row_bytes, cols, 1, rows, 0, dst};
    ck_parallel_for(rows, chunk_count(rows), dq_range, &j);
}
