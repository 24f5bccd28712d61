/*
 * Products of ternary spikes with int8 weights, for inference (the labelled, lossy option of
 * NativeKernels.Int8Weights): y = act(α_t · scale_n · Σ_k s_k·q_nk + b_n).
 *
 * The spikes o = α_t·s, s ∈ {−1, 0, 1}, become the unsigned bytes s + 1 ∈ {0, 1, 2} (no
 * division: o is exactly ±α_t or 0), the weights W_nk ≈ scale_n·q_nk with q_nk = round(W_nk /
 * scale_n) ∈ [−127, 127] and scale_n = max_k |W_nk| / 127, quantised once. AVX-512 VNNI multiplies
 * four bytes by four bytes into 32-bit sums (vpdpbusd); Σ (s+1)·q − Σ q = Σ s·q is exact in
 * integers, whatever the order, so every row gets the same bits whatever the batch or threads.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"
#include "parallel.h"
#include "vecmath.h"

#define NR 32 /* columns of a panel */
#define MR 12 /* rows of the kernel */
#define GRAIN (1L << 21)

int sl_int8_supported(void) {
    return sl_linear_supported() && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
}

long sl_int8_packed_bytes(long n, long k) {
    return (n + NR - 1) / NR * NR * ((k + 3) / 4 * 4);
}

void sl_int8_pack(const float *w, long n, long k, int8_t *packed, float *scale, int32_t *column_sum) {
    long k4 = (k + 3) / 4 * 4;
    memset(packed, 0, (size_t) sl_int8_packed_bytes(n, k));
    for (long j = 0; j < n; j++) {
        const float *row = w + j * k;
        float top = 0.0f;
        for (long e = 0; e < k; e++) {
            float a = row[e] < 0 ? -row[e] : row[e];
            if (a > top) top = a;
        }
        float s = top > 0.0f ? top / 127.0f : 1.0f;
        scale[j] = s;
        int32_t sum = 0;
        int8_t *panel = packed + (j / NR) * NR * k4;
        for (long e = 0; e < k; e++) {
            float v = row[e] / s;
            int32_t q = (int32_t) __builtin_nearbyintf(v); /* half to even */
            q = q > 127 ? 127 : (q < -127 ? -127 : q);
            panel[(e / 4) * NR * 4 + (j % NR) * 4 + e % 4] = (int8_t) q;
            sum += q;
        }
        column_sum[j] = sum;
    }
}

struct ternary_call {
    const float *x;      /* spikes [m, k] */
    const uint8_t *u;    /* s + 1 [m, k4] */
    const int8_t *q;     /* packed weights */
    const float *scale;  /* [n] */
    const int32_t *sums; /* [n] */
    const float *alpha;  /* [steps] */
    const float *b;      /* [n] or NULL */
    float *y;            /* [m, n] */
    long m, n, k, k4, rows_per_step;
    int act;
};

/* R rows × 32 columns: 32-bit sums of (s+1)·q over all of k, then the float epilogue. */
#define TERNARY_KERNEL(R)                                                                                      \
    __attribute__((target("avx512f,avx512bw,avx512vnni,fma"))) static void ternary_##R(                      \
            const struct ternary_call *c, long i0, long n0) {                                                  \
        __m512i a0[R], a1[R];                                                                                  \
        for (int i = 0; i < R; i++) {                                                                          \
            a0[i] = _mm512_setzero_si512();                                                                    \
            a1[i] = _mm512_setzero_si512();                                                                    \
        }                                                                                                      \
        const int8_t *p = c->q + (n0 / NR) * NR * c->k4;                                                       \
        const uint8_t *u = c->u + i0 * c->k4;                                                                  \
        for (long e = 0; e < c->k4; e += 4) {                                                                  \
            __m512i w0 = _mm512_loadu_si512(p + e * NR);                                                        \
            __m512i w1 = _mm512_loadu_si512(p + e * NR + 64);                                                   \
            _Pragma("GCC unroll 12") for (int i = 0; i < R; i++) {                                             \
                __m512i s = _mm512_set1_epi32(*(const int32_t *) (u + i * c->k4 + e));                         \
                a0[i] = _mm512_dpbusd_epi32(a0[i], s, w0);                                                     \
                a1[i] = _mm512_dpbusd_epi32(a1[i], s, w1);                                                     \
            }                                                                                                  \
        }                                                                                                      \
        long cols = c->n - n0 < NR ? c->n - n0 : NR;                                                           \
        __mmask16 m0 = cols >= 16 ? 0xFFFF : (__mmask16) ((1u << cols) - 1);                                   \
        __mmask16 m1 = cols >= 32 ? 0xFFFF : (cols <= 16 ? 0 : (__mmask16) ((1u << (cols - 16)) - 1));         \
        __m512i s0 = _mm512_maskz_loadu_epi32(m0, c->sums + n0), s1 = _mm512_maskz_loadu_epi32(m1, c->sums + n0 + 16); \
        __m512 f0 = _mm512_maskz_loadu_ps(m0, c->scale + n0), f1 = _mm512_maskz_loadu_ps(m1, c->scale + n0 + 16); \
        __m512 b0 = c->b ? _mm512_maskz_loadu_ps(m0, c->b + n0) : _mm512_setzero_ps();                         \
        __m512 b1 = c->b ? _mm512_maskz_loadu_ps(m1, c->b + n0 + 16) : _mm512_setzero_ps();                    \
        for (int i = 0; i < R; i++) {                                                                          \
            __m512 alpha = _mm512_set1_ps(c->alpha[(i0 + i) / c->rows_per_step]);                              \
            __m512 y0 = _mm512_cvtepi32_ps(_mm512_sub_epi32(a0[i], s0));                                       \
            __m512 y1 = _mm512_cvtepi32_ps(_mm512_sub_epi32(a1[i], s1));                                       \
            y0 = _mm512_fmadd_ps(y0, _mm512_mul_ps(alpha, f0), b0);                                            \
            y1 = _mm512_fmadd_ps(y1, _mm512_mul_ps(alpha, f1), b1);                                            \
            if (c->act) {                                                                                      \
                y0 = sl_gelu512(y0);                                                                           \
                y1 = sl_gelu512(y1);                                                                           \
            }                                                                                                  \
            _mm512_mask_storeu_ps(c->y + (i0 + i) * c->n + n0, m0, y0);                                        \
            _mm512_mask_storeu_ps(c->y + (i0 + i) * c->n + n0 + 16, m1, y1);                                   \
        }                                                                                                      \
    }
TERNARY_KERNEL(12)
TERNARY_KERNEL(4)
TERNARY_KERNEL(1)

/* The spikes of rows [first, last) as s + 1, k padded to a multiple of 4 with 1 (s = 0). */
__attribute__((target("avx512f,avx512bw"))) static void to_bytes(const struct ternary_call *c, uint8_t *u, long first,
                                                                 long last) {
    for (long i = first; i < last; i++) {
        const float *x = c->x + i * c->k;
        uint8_t *out = u + i * c->k4;
        long e = 0;
        for (; e + 16 <= c->k; e += 16) {
            __m512 v = _mm512_loadu_ps(x + e);
            __mmask16 pos = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ);
            __mmask16 neg = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ);
            __m512i s = _mm512_mask_blend_epi32(pos, _mm512_set1_epi32(1), _mm512_set1_epi32(2));
            s = _mm512_mask_blend_epi32(neg, s, _mm512_setzero_si512());
            _mm_storeu_si128((__m128i *) (out + e), _mm512_cvtepi32_epi8(s));
        }
        for (; e < c->k; e++) out[e] = x[e] > 0 ? 2 : (x[e] < 0 ? 0 : 1);
        for (; e < c->k4; e++) out[e] = 1;
    }
}

static void ternary_share(void *data) {
    const struct ternary_call *c = data;
    long panels = (c->n + NR - 1) / NR;
    long threads = sl_num_threads(), id = sl_thread_num();
    long first = panels * id / threads, last = panels * (id + 1) / threads;
    for (long pnl = first; pnl < last; pnl++) {
        long i = 0;
        for (; i + 12 <= c->m; i += 12) ternary_12(c, i, pnl * NR);
        for (; i + 4 <= c->m; i += 4) ternary_4(c, i, pnl * NR);
        for (; i < c->m; i++) ternary_1(c, i, pnl * NR);
    }
}

static void bytes_share(void *data) {
    const struct ternary_call *c = data;
    long threads = sl_num_threads(), id = sl_thread_num();
    to_bytes(c, (uint8_t *) c->u, c->m * id / threads, c->m * (id + 1) / threads);
}

int sl_linear_ternary_int8(const float *x, const float *alpha, long steps, const int8_t *q, const float *scale,
                           const int32_t *sums, const float *b, float *y, long m, long n, long k, int act) {
    long k4 = (k + 3) / 4 * 4;
    uint8_t *buffer = sl_scratch(SL_SCRATCH_SPIKES, (size_t) m * (size_t) k4);
    if (buffer == NULL) return -1;
    struct ternary_call call = {x, buffer, q, scale, sums, alpha, b, y, m, n, k, k4, m / steps, act};
    sl_parallel(bytes_share, &call, sl_threads_for(m * k, 1L << 16));
    long panels = (n + NR - 1) / NR;
    int threads = sl_threads_for(m * n * k, GRAIN);
    if (threads > panels) threads = (int) panels;
    sl_parallel(ternary_share, &call, threads);
    return 0;
}
