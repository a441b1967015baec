// Norms, activations, softmax and RoPE. The activations need a vectorised exp: a 512-token
// prefill of the default model evaluates ~19M GELUs, too many for libm's tanhf.
#include "ckernels.h"
#include "internal.h"
#include <math.h>

// Backward of g = gelu_tanh(z)·up with s = sigmoid(2u): gelu = z·s and
// gelu′ = s + 2z·s(1−s)·u′, u′ = √(2/π)(1 + 3·0.044715 z²) (the tanh form's derivative rewritten).
static inline void gelu_backward1(float z, float up, float dout, float *dgate, float *dup) {
    float u = 0.7978845608028654f * (z + 0.044715f * z * z * z);
    float s = 1.0f / (1.0f + expf(-2.0f * u));
    float du = 0.7978845608028654f * (1.0f + 3.0f * 0.044715f * z * z);
    *dgate += dout * up * (s + 2.0f * z * s * (1.0f - s) * du);
    *dup += dout * z * s;
}

#ifdef CK_X86
#include <immintrin.h>
#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))

// exp(x) for x in [-87, 88]: 2^n · p(r) with r = x − n·ln2 split in two parts (Cody–Waite) and a
// degree-6 polynomial; relative error ~1e-7 (a few ulp).
CK_AVX2 static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// gelu_tanh(z) = z · sigmoid(2u), u = √(2/π)(z + 0.044715 z³): the same function as
// 0.5 z (1 + tanh u), written without tanh.
CK_AVX2 static inline __m256 gelu8(__m256 z) {
    __m256 z2 = _mm256_mul_ps(z, z);
    __m256 u = _mm256_mul_ps(_mm256_mul_ps(z, _mm256_set1_ps(-2.0f * 0.7978845608028654f)),
                             _mm256_fmadd_ps(z2, _mm256_set1_ps(0.044715f), _mm256_set1_ps(1.0f)));
    return _mm256_div_ps(z, _mm256_add_ps(_mm256_set1_ps(1.0f), exp8(u)));
}

CK_AVX2 static inline __m256 silu8(__m256 z) {
    return _mm256_div_ps(z, _mm256_add_ps(_mm256_set1_ps(1.0f), exp8(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}

CK_AVX2 static void gelu_mul_avx2(float *x, const float *up, int64_t n, int with_up) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = gelu8(_mm256_loadu_ps(x + i));
        if (with_up) g = _mm256_mul_ps(g, _mm256_loadu_ps(up + i));
        _mm256_storeu_ps(x + i, g);
    }
    for (; i < n; i++) {
        float z = x[i];
        float g = 0.5f * z * (1.0f + tanhf(0.7978845608028654f * (z + 0.044715f * z * z * z)));
        x[i] = with_up ? g * up[i] : g;
    }
}

CK_AVX2 static void silu_mul_avx2(float *x, const float *up, int64_t n, int with_up) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = silu8(_mm256_loadu_ps(x + i));
        if (with_up) g = _mm256_mul_ps(g, _mm256_loadu_ps(up + i));
        _mm256_storeu_ps(x + i, g);
    }
    for (; i < n; i++) {
        float g = x[i] / (1.0f + expf(-x[i]));
        x[i] = with_up ? g * up[i] : g;
    }
}

CK_AVX2 static void gelu_backward_avx2(const float *gate, const float *up, const float *dout, float *dgate, float *dup,
                                       int64_t n) {
    const __m256 c = _mm256_set1_ps(0.7978845608028654f), a = _mm256_set1_ps(0.044715f), one = _mm256_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 z = _mm256_loadu_ps(gate + i), z2 = _mm256_mul_ps(z, z);
        __m256 u = _mm256_mul_ps(_mm256_mul_ps(z, c), _mm256_fmadd_ps(z2, a, one));
        __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_mul_ps(u, _mm256_set1_ps(-2.0f)))));
        __m256 du = _mm256_mul_ps(c, _mm256_fmadd_ps(z2, _mm256_set1_ps(3.0f * 0.044715f), one));
        __m256 zs = _mm256_mul_ps(z, s);
        __m256 d = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_add_ps(zs, zs), _mm256_sub_ps(one, s)), du, s);
        __m256 g = _mm256_loadu_ps(dout + i);
        _mm256_storeu_ps(dgate + i, _mm256_fmadd_ps(_mm256_mul_ps(g, _mm256_loadu_ps(up + i)), d, _mm256_loadu_ps(dgate + i)));
        _mm256_storeu_ps(dup + i, _mm256_fmadd_ps(g, zs, _mm256_loadu_ps(dup + i)));
    }
    for (; i < n; i++) gelu_backward1(gate[i], up[i], dout[i], dgate + i, dup + i);
}

CK_AVX2 static float sumsq_avx2(const float *x, int64_t n) {
    __m256 a = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        a = _mm256_fmadd_ps(v, v, a);
    }
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float r = _mm_cvtss_f32(s);
    for (; i < n; i++) r += x[i] * x[i];
    return r;
}

CK_AVX2 static float dot_f32_avx2(const float *x, const float *y, int64_t n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), a1);
    }
    a0 = _mm256_add_ps(a0, a1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a0), _mm256_extractf128_ps(a0, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float r = _mm_cvtss_f32(s);
    for (; i < n; i++) r += x[i] * y[i];
    return r;
}

// Max over the whole 8-wide part of x (NaNs ignored); returns how many elements it covered.
CK_AVX2 static int64_t max_avx2(const float *x, int64_t n, float *out) {
    __m256 a = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) a = _mm256_max_ps(a, _mm256_loadu_ps(x + i));
    float v[8], mx = -INFINITY;
    _mm256_storeu_ps(v, a);
    for (int j = 0; j < 8; j++) mx = v[j] > mx ? v[j] : mx;
    *out = mx;
    return i;
}

CK_AVX2 static void exp_inplace_avx2(float *x, int64_t n, float sub) {
    int64_t i = 0;
    __m256 m = _mm256_set1_ps(sub);
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m)));
    for (; i < n; i++) x[i] = expf(x[i] - sub);
}
#endif

static float sumsq(const float *x, int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) return sumsq_avx2(x, n);
#endif
    float r = 0;
    for (int64_t i = 0; i < n; i++) r += x[i] * x[i];
    return r;
}

float ck_dot_f32(const float *x, const float *y, int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) return dot_f32_avx2(x, y, n);
#endif
    float r = 0;
    for (int64_t i = 0; i < n; i++) r += x[i] * y[i];
    return r;
}

void ck_rmsnorm(const float *x, const float *w, float *y, int64_t rows, int64_t n, float eps) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float scale = 1.0f / sqrtf(sumsq(xr, n) / (float)n + eps);
        for (int64_t i = 0; i < n; i++) yr[i] = xr[i] * scale * w[i];
    }
}

void ck_gelu_tanh_mul(float *x, const float *up, int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) { gelu_mul_avx2(x, up, n, 1); return; }
#endif
    for (int64_t i = 0; i < n; i++) {
        float z = x[i];
        x[i] = 0.5f * z * (1.0f + tanhf(0.7978845608028654f * (z + 0.044715f * z * z * z))) * up[i];
    }
}

void ck_gelu_tanh(const float *x, float *y, int64_t n) {
    if (y != x) for (int64_t i = 0; i < n; i++) y[i] = x[i];
#ifdef CK_X86
    if (ck_simd_enabled()) { gelu_mul_avx2(y, 0, n, 0); return; }
#endif
    for (int64_t i = 0; i < n; i++) {
        float z = y[i];
        y[i] = 0.5f * z * (1.0f + tanhf(0.7978845608028654f * (z + 0.044715f * z * z * z)));
    }
}

void ck_gelu_tanh_mul_backward(const float *gate, const float *up, const float *dout, float *dgate, float *dup,
                               int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) { gelu_backward_avx2(gate, up, dout, dgate, dup, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) gelu_backward1(gate[i], up[i], dout[i], dgate + i, dup + i);
}

void ck_silu_mul(float *x, const float *up, int64_t n) {
#ifdef CK_X86
    if (ck_simd_enabled()) { silu_mul_avx2(x, up, n, 1); return; }
#endif
    for (int64_t i = 0; i < n; i++) x[i] = x[i] / (1.0f + expf(-x[i])) * up[i];
}

void ck_silu(const float *x, float *y, int64_t n) {
    if (y != x) for (int64_t i = 0; i < n; i++) y[i] = x[i];
#ifdef CK_X86
    if (ck_simd_enabled()) { silu_mul_avx2(y, 0, n, 0); return; }
#endif
    for (int64_t i = 0; i < n; i++) y[i] = y[i] / (1.0f + expf(-y[i]));
}

void ck_softmax(float *x, int64_t n) {
    if (n <= 0) return;
    float mx = ck_max(x, n);
#ifdef CK_X86
    if (ck_simd_enabled()) exp_inplace_avx2(x, n, mx);
    else
#endif
        for (int64_t i = 0; i < n; i++) x[i] = expf(x[i] - mx);
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += x[i];
    float inv = (float)(1.0 / s);
    for (int64_t i = 0; i < n; i++) x[i] *= inv;
}

double ck_sumexp(const float *x, int64_t n, float m) {
    double s = 0;
    int64_t i = 0;
#ifdef CK_X86
    if (ck_simd_enabled()) {
        float tmp[256];
        for (; i + 256 <= n; i += 256) {
            for (int j = 0; j < 256; j++) tmp[j] = x[i + j];
            exp_inplace_avx2(tmp, 256, m);
            float part = 0;
            for (int j = 0; j < 256; j++) part += tmp[j];
            s += part;
        }
    }
#endif
    for (; i < n; i++) s += expf(x[i] - m);
    return s;
}

double ck_exp_sum_inplace(float *x, int64_t n, float m) {
    int64_t i = 0;
#ifdef CK_X86
    if (ck_simd_enabled()) {
        exp_inplace_avx2(x, n, m);
        i = n;
    }
#endif
    for (; i < n; i++) x[i] = expf(x[i] - m);
    double s = 0;
    for (int64_t b = 0; b < n; b += 256) {
        float part = 0;
        for (int64_t j = b; j < n && j < b + 256; j++) part += x[j];
        s += part;
    }
    return s;
}

float ck_max(const float *x, int64_t n) {
    float mx = -INFINITY;
    int64_t i = 0;
#ifdef CK_X86
    if (ck_simd_enabled() && n >= 8) i = max_avx2(x, n, &mx);
#endif
    for (; i < n; i++) if (x[i] > mx) mx = x[i];
    return mx;
}

double ck_logsumexp(const float *x, int64_t n) {
    if (n <= 0) return -INFINITY;
    float mx = ck_max(x, n);
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += expf(x[i] - mx);
    return (double)mx + log(s);
}

void ck_rope(float *x, int64_t hd, int64_t rot, const float *cs, int neox) {
    (void)hd;
    int64_t half = rot / 2;
    const float *c = cs, *s = cs + half;
    if (neox) {
        for (int64_t i = 0; i < half; i++) {
            float a = x[i], b = x[i + half];
            x[i] = a * c[i] - b * s[i];
            x[i + half] = b * c[i] + a * s[i];
        }
    } else {
        for (int64_t i = 0; i < half; i++) {
            float a = x[2 * i], b = x[2 * i + 1];
            x[2 * i] = a * c[i] - b * s[i];
            x[2 * i + 1] = b * c[i] + a * s[i];
        }
    }
}

void ck_axpy(float a, const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}
