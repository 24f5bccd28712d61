/*
 * One post-LayerNorm Transformer encoder layer (BERT's) for inference, float32, in one call:
 *
 *   a   = LayerNorm(x + attention(S(x)·Wqᵀ + bq, S(S(x)·Wkᵀ + bk), S(S(x)·Wvᵀ + bv))·S(·)Woᵀ + bo)
 *   out = LayerNorm(a + S(GELU(S(a)·Wiᵀ + bi))·Wo2ᵀ + bo2)
 *
 * where each S is a spike site: the identity for an ANN, and for SpikeLM at T = 1 the single-step
 * ternary spike α·clamp(round(u/α), −1, 1) with the site's α (sites in the order of SL_SITE_*:
 * the inputs of Q, K and V, the spiked K and V, the inputs of the attention output, the
 * intermediate and the output products).
 *
 * Why: at a few tokens the products are quick and the dozen engine operations around them (each an
 * allocation, a dispatch and a call across JNI) are not; here the layer is the products and the
 * attention of linear.c and attention.c, the spikes of spikelm_neuron.c's arithmetic, and the
 * residual additions and normalisations in between, and nothing else. Products, attention and
 * spikes give the bits they give when called one by one; the normalisation sums in float32 as
 * PyTorch does, in another order, so the output differs from the engine's LayerNorm in the last
 * bits (a few 1e-7 relative), and a spike whose membrane sits on a threshold may then flip.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

#include "linear.h"
#include "parallel.h"
#include "spike.h"
#include "vecmath.h"

#define NORM_GRAIN (1L << 14) /* values per thread at least */

/* out = S(x) at a site (o may be x), or x itself for an ANN or a site without spikes (alpha NULL or NaN). */
static const float *spiked(const float *alpha, int site, const float *x, float *out, long n) {
    if (alpha == NULL || alpha[site] != alpha[site]) return x;
    sl_spike_steps(x, out, n, 1, alpha + site, SL_CARRY_NONE, 0.0f);
    return out;
}

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
            __mmask16 mask = sl_lanes(d - j);
            __m512 t = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, y + j), _mm512_maskz_loadu_ps(mask, r + j));
            _mm512_mask_storeu_ps(o + j, mask, t);
            sum = _mm512_add_ps(sum, t);
        }
        float mean = _mm512_reduce_add_ps(sum) / (float) d;
        __m512 vmean = _mm512_set1_ps(mean), squares = _mm512_setzero_ps();
        for (long j = 0; j < d; j += 16) {
            __mmask16 mask = sl_lanes(d - j);
            __m512 centred = _mm512_maskz_sub_ps(mask, _mm512_maskz_loadu_ps(mask, o + j), vmean);
            squares = _mm512_add_ps(squares, _mm512_mul_ps(centred, centred));
        }
        float rstd = 1.0f / sqrtf(_mm512_reduce_add_ps(squares) / (float) d + c->eps);
        __m512 vrstd = _mm512_set1_ps(rstd);
        for (long j = 0; j < d; j += 16) {
            __mmask16 mask = sl_lanes(d - j);
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

/*
 * One buffer per intermediate rather than one for all: glibc maps a block above its mmap threshold
 * (at most 32 MB) afresh on every call, and the page faults of 70 MB at 32 × 128 cost more than
 * the layer's engine calls did; blocks of a few MB each come back from the heap call after call.
 */
int sl_encoder_layer(const float *x, const float *mask, float *out, long nb, long len, long d, long heads, long ff,
                     float scale, float eps, const float *const w[SL_LAYER_TENSORS], const float *alpha) {
    long m = nb * len, n = m * d;
    size_t bytes = sizeof(float) * (size_t) n;
    float *q = malloc(bytes), *k = malloc(bytes), *v = malloc(bytes), *context = malloc(bytes);
    float *expanded = malloc(sizeof(float) * (size_t) m * (size_t) ff);
    /* Spiked copies of an input (up to three when Q, K and V spike x with different α); none for an ANN. */
    float *spikes = alpha != NULL ? malloc(3 * bytes) : NULL;
    int failed = q == NULL || k == NULL || v == NULL || context == NULL || expanded == NULL || (alpha != NULL && spikes == NULL);
    if (!failed) {
        /* Q, K and V spike x alike when their α are equal (always so for a calibrated SpikeLM with frozen α). */
        const float *xq = spiked(alpha, SL_SITE_QUERY, x, spikes, n);
        const float *xk = alpha != NULL && alpha[SL_SITE_KEY] == alpha[SL_SITE_QUERY] ? xq : spiked(alpha, SL_SITE_KEY, x, spikes + n, n);
        const float *xv = alpha != NULL && alpha[SL_SITE_VALUE] == alpha[SL_SITE_QUERY] ? xq
                          : alpha != NULL && alpha[SL_SITE_VALUE] == alpha[SL_SITE_KEY] ? xk
                                                                                       : spiked(alpha, SL_SITE_VALUE, x, spikes + 2 * n, n);
        failed = sl_linear(xq, w[SL_LAYER_QUERY_W], w[SL_LAYER_QUERY_B], q, m, d, d, SL_OUT_IN, SL_NONE)
                 || sl_linear(xk, w[SL_LAYER_KEY_W], w[SL_LAYER_KEY_B], k, m, d, d, SL_OUT_IN, SL_NONE)
                 || sl_linear(xv, w[SL_LAYER_VALUE_W], w[SL_LAYER_VALUE_B], v, m, d, d, SL_OUT_IN, SL_NONE);
    }
    if (!failed) {
        spiked(alpha, SL_SITE_KEY_STATES, k, k, n);
        spiked(alpha, SL_SITE_VALUE_STATES, v, v, n);
    }
    failed = failed || sl_attention(q, k, v, mask, context, nb, nb, len, len, heads, d / heads, scale, 0);
    float *attended = q; /* q is spent */
    failed = failed || sl_linear(spiked(alpha, SL_SITE_ATTENTION_OUTPUT, context, context, n), w[SL_LAYER_ATTENTION_OUT_W],
                                 w[SL_LAYER_ATTENTION_OUT_B], attended, m, d, d, SL_OUT_IN, SL_NONE);
    if (!failed) add_norm(attended, x, w[SL_LAYER_ATTENTION_NORM_G], w[SL_LAYER_ATTENTION_NORM_B], attended, m, d, eps);
    failed = failed || sl_linear(spiked(alpha, SL_SITE_INTERMEDIATE, attended, spikes, n), w[SL_LAYER_INTERMEDIATE_W],
                                 w[SL_LAYER_INTERMEDIATE_B], expanded, m, ff, d, SL_OUT_IN, SL_GELU)
             || sl_linear(spiked(alpha, SL_SITE_OUTPUT, expanded, expanded, m * ff), w[SL_LAYER_OUTPUT_W], w[SL_LAYER_OUTPUT_B],
                          k, m, d, ff, SL_OUT_IN, SL_NONE);
    if (!failed) add_norm(k, attended, w[SL_LAYER_OUTPUT_NORM_G], w[SL_LAYER_OUTPUT_NORM_B], out, m, d, eps);
    free(q);
    free(k);
    free(v);
    free(context);
    free(expanded);
    free(spikes);
    return failed ? -1 : 0;
}
