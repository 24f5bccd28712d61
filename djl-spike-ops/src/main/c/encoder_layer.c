/*
 * One post-LayerNorm Transformer encoder layer (BERT's) for inference, float32, in one call:
 *
 *   a   = LayerNorm(x + attention(x·Wqᵀ + bq, x·Wkᵀ + bk, x·Wvᵀ + bv)·Woᵀ + bo)
 *   out = LayerNorm(a + GELU(a·Wiᵀ + bi)·Wo2ᵀ + bo2)
 *
 * Why: at a few tokens the products are quick and the dozen engine operations around them (each an
 * allocation, a dispatch and a call across JNI) are not; here the layer is the products and the
 * attention of linear.c and attention.c with the residual additions and the normalisations in
 * between, and nothing else. The products and the attention give the bits they give when called
 * one by one; the normalisation sums in float32 as PyTorch does, in another order, so the output
 * differs from the engine's LayerNorm in the last bits (a few 1e-7 relative).
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

#include "linear.h"
#include "parallel.h"

#define NORM_GRAIN (1L << 14) /* values per thread at least */

struct norm_call {
    const float *y, *residual, *gamma, *beta;
    float *out;
    long m, d;
    float eps;
};

/* Rows [first, last): out = LayerNorm(y + residual) with gamma and beta; out may be y. */
__attribute__((target("avx512f"))) static void add_norm_rows(const struct norm_call *c, long first, long last) {
    long d = c->d;
    for (long i = first; i < last; i++) {
        const float *y = c->y + i * d, *r = c->residual + i * d;
        float *o = c->out + i * d;
        __m512 sum = _mm512_setzero_ps();
        for (long j = 0; j < d; j += 16) {
            __mmask16 mask = d - j >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (d - j)) - 1);
            __m512 t = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, y + j), _mm512_maskz_loadu_ps(mask, r + j));
            _mm512_mask_storeu_ps(o + j, mask, t);
            sum = _mm512_add_ps(sum, t);
        }
        float mean = _mm512_reduce_add_ps(sum) / (float) d;
        __m512 vmean = _mm512_set1_ps(mean), squares = _mm512_setzero_ps();
        for (long j = 0; j < d; j += 16) {
            __mmask16 mask = d - j >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (d - j)) - 1);
            __m512 centred = _mm512_maskz_sub_ps(mask, _mm512_maskz_loadu_ps(mask, o + j), vmean);
            squares = _mm512_add_ps(squares, _mm512_mul_ps(centred, centred));
        }
        float rstd = 1.0f / sqrtf(_mm512_reduce_add_ps(squares) / (float) d + c->eps);
        __m512 vrstd = _mm512_set1_ps(rstd);
        for (long j = 0; j < d; j += 16) {
            __mmask16 mask = d - j >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (d - j)) - 1);
            __m512 normed = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, o + j), vmean), vrstd);
            __m512 scaled = _mm512_add_ps(_mm512_mul_ps(normed, _mm512_maskz_loadu_ps(mask, c->gamma + j)),
                                          _mm512_maskz_loadu_ps(mask, c->beta + j));
            _mm512_mask_storeu_ps(o + j, mask, scaled);
        }
    }
}

static void add_norm_share(void *data) {
    const struct norm_call *c = data;
    long threads = sl_num_threads(), id = sl_thread_num();
    add_norm_rows(c, c->m * id / threads, c->m * (id + 1) / threads);
}

static void add_norm(const float *y, const float *residual, const float *gamma, const float *beta, float *out, long m,
                     long d, float eps) {
    struct norm_call call = {y, residual, gamma, beta, out, m, d, eps};
    int threads = sl_threads_for(m * d, NORM_GRAIN);
    if (threads > m) threads = (int) m;
    sl_parallel(add_norm_share, &call, threads < 1 ? 1 : threads);
}

int sl_encoder_layer(const float *x, const float *mask, float *out, long nb, long len, long d, long heads, long ff,
                     float scale, float eps, const float *const w[SL_LAYER_TENSORS]) {
    long m = nb * len;
    /* q, k, v and the context, each [m, d], and the FFN's expansion [m, ff]. */
    float *buffer = malloc(sizeof(float) * (size_t) m * (size_t) (4 * d + ff));
    if (buffer == NULL) return -1;
    float *q = buffer, *k = q + m * d, *v = k + m * d, *context = v + m * d, *expanded = context + m * d;
    int failed = sl_linear(x, w[SL_LAYER_QUERY_W], w[SL_LAYER_QUERY_B], q, m, d, d, SL_OUT_IN, SL_NONE)
                 || sl_linear(x, w[SL_LAYER_KEY_W], w[SL_LAYER_KEY_B], k, m, d, d, SL_OUT_IN, SL_NONE)
                 || sl_linear(x, w[SL_LAYER_VALUE_W], w[SL_LAYER_VALUE_B], v, m, d, d, SL_OUT_IN, SL_NONE)
                 || sl_attention(q, k, v, mask, context, nb, nb, len, len, heads, d / heads, scale, 0);
    float *attended = q; /* q is spent */
    failed = failed || sl_linear(context, w[SL_LAYER_ATTENTION_OUT_W], w[SL_LAYER_ATTENTION_OUT_B], attended, m, d, d,
                                 SL_OUT_IN, SL_NONE);
    if (!failed) add_norm(attended, x, w[SL_LAYER_ATTENTION_NORM_G], w[SL_LAYER_ATTENTION_NORM_B], attended, m, d, eps);
    failed = failed || sl_linear(attended, w[SL_LAYER_INTERMEDIATE_W], w[SL_LAYER_INTERMEDIATE_B], expanded, m, ff, d,
                                 SL_OUT_IN, SL_GELU)
             || sl_linear(expanded, w[SL_LAYER_OUTPUT_W], w[SL_LAYER_OUTPUT_B], k, m, d, ff, SL_OUT_IN, SL_NONE);
    if (!failed) add_norm(k, attended, w[SL_LAYER_OUTPUT_NORM_G], w[SL_LAYER_OUTPUT_NORM_B], out, m, d, eps);
    free(buffer);
    return failed ? -1 : 0;
}
