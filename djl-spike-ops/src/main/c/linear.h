/* Dense float32 products for inference (linear.c) and scaled dot-product attention (attention.c). */
#ifndef SPIKELM_LINEAR_H
#define SPIKELM_LINEAR_H

/* Weight layouts: the codes of SpikingLinear.WeightLayout's ordinal. */
enum { SL_OUT_IN = 0, SL_IN_OUT = 1 };

/* Activations applied to finished outputs: the codes of NativeKernels.Activation's ordinal. */
enum { SL_NONE = 0, SL_GELU = 1 };

/* Whether this processor runs the kernels (AVX-512F and FMA). */
int sl_linear_supported(void);

/*
 * y[m, n] = act(x[m, k]·W + b): W [n, k] for SL_OUT_IN, [k, n] for SL_IN_OUT; b may be NULL.
 * Returns 0, or -1 if a buffer could not be allocated (y is then incomplete).
 */
int sl_linear(const float *x, const float *w, const float *b, float *y, long m, long n, long k, int layout, int act);

/*
 * Attention of every (batch, head): out = softmax(q·kᵀ / scale + mask)·v, per head of size d.
 * q [nb, lq, h·d], k and v [nb, lk, h·d], out [nb, lq, h·d], row-major; mask [mb, lk] additive
 * (row nb % mb for batch nb), or NULL. With `causal`, query i also ignores keys j > i + lk − lq.
 * Returns 0, or -1 if a buffer could not be allocated.
 */
int sl_attention(const float *q, const float *k, const float *v, const float *mask, float *out, long nb, long mb,
                 long lq, long lk, long heads, long d, float scale, int causal);

/*
 * One BERT encoder layer for inference (encoder_layer.c): x [nb·len, d] → out [nb·len, d] through
 * self-attention (`heads` heads, scores divided by `scale`, additive mask [nb, len] or NULL), the
 * attention output, residual and LayerNorm, the GELU FFN of width ff, residual and LayerNorm (eps).
 * w holds the tensors in the order of the SL_LAYER_ names, every weight [out, in]. out may not be x.
 * alpha: NULL for an ANN, else SL_SITES amplitudes of a SpikeLM at T = 1 in the order of the
 * SL_SITE_ names (NaN for a site that does not spike). Returns 0, or -1 without memory.
 */
enum {
    SL_LAYER_QUERY_W, SL_LAYER_QUERY_B, SL_LAYER_KEY_W, SL_LAYER_KEY_B, SL_LAYER_VALUE_W, SL_LAYER_VALUE_B,
    SL_LAYER_ATTENTION_OUT_W, SL_LAYER_ATTENTION_OUT_B, SL_LAYER_ATTENTION_NORM_G, SL_LAYER_ATTENTION_NORM_B,
    SL_LAYER_INTERMEDIATE_W, SL_LAYER_INTERMEDIATE_B, SL_LAYER_OUTPUT_W, SL_LAYER_OUTPUT_B, SL_LAYER_OUTPUT_NORM_G,
    SL_LAYER_OUTPUT_NORM_B, SL_LAYER_TENSORS
};
enum {
    SL_SITE_QUERY, SL_SITE_KEY, SL_SITE_VALUE, SL_SITE_KEY_STATES, SL_SITE_VALUE_STATES, SL_SITE_ATTENTION_OUTPUT,
    SL_SITE_INTERMEDIATE, SL_SITE_OUTPUT, SL_SITES
};
int sl_encoder_layer(const float *x, const float *mask, float *out, long nb, long len, long d, long heads, long ff,
                     float scale, float eps, const float *const w[SL_LAYER_TENSORS], const float *alpha);

/*
 * Int8 products of ternary spikes (ternary.c). sl_int8_supported: the processor has AVX-512 VNNI.
 * sl_int8_pack quantises W [n, k] per output (scale[n], column_sum[n]) into sl_int8_packed_bytes(n, k)
 * bytes. sl_linear_ternary_int8: y[m, n] = act(α_t · scale · Σ s·q + b) for spikes x [m, k] = α_t·s,
 * the m rows being `steps` groups of equal size, group t spiked with alpha[t]. Returns 0, or -1
 * without memory.
 */
#include <stdint.h>
int sl_int8_supported(void);
long sl_int8_packed_bytes(long n, long k);
void sl_int8_pack(const float *w, long n, long k, int8_t *packed, float *scale, int32_t *column_sum);
int sl_linear_ternary_int8(const float *x, const float *alpha, long steps, const int8_t *q, const float *scale,
                           const int32_t *sums, const float *b, float *y, long m, long n, long k, int act);

/*
 * Event-driven products of spikes (events.c): y[m, n] = act(a_r · Σ s·W + b) for rows of spikes
 * x [m, k] = a_r·s, s ∈ {−1, 0, 1}, the m rows being `steps` groups of equal size (a token's steps
 * are rows j, j + m/steps, ...), W [k, n], n a multiple of 8. Only the nonzero spikes are added;
 * with `delta`, a row of step t > 0 may start from the same token's step t − 1 and add the changes.
 * Returns 0, -1 without memory, -2 if m is not a multiple of steps or n of 8, -3 if a row holds two
 * different magnitudes (not spikes; y is then incomplete).
 */
int sl_events_supported(void); /* AVX2 and FMA */
int sl_linear_events(const float *x, long steps, const float *w, const float *b, float *y, long m, long n, long k, int act,
                     int delta);

#endif
