/*
 * Scaled dot-product attention for inference, float32, one (batch, head) at a time: the scores of
 * a block of queries against every key, their softmax and the weighted sum of the values, without
 * the [batch, heads, lq, lk] score tensor and the transposes around it that the same computation
 * takes as separate engine operations. See linear.h for the arguments.
 *
 * Scores are q·k summed in order of the head's dimensions, divided by `scale`, plus the mask;
 * the softmax is exp(s − max) · (1 / Σ exp(s − max)) as PyTorch computes it; the output sums the
 * values in order of the keys.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

#include "linear.h"
#include "parallel.h"
#include "vecmath.h"

#define QB 8 /* queries per block */

struct attention_call {
    const float *q, *k, *v, *mask;
    float *out;
    long nb, mb, lq, lk, heads, d;
    float scale;
    int causal;
    int failed;
};

__attribute__((target("avx512f,fma"))) static void attend(const struct attention_call *c, long b, long h, float *kt,
                                                          float *s) {
    long d = c->d, lq = c->lq, lk = c->lk, width = c->heads * d;
    long lkp = (lk + 15) / 16 * 16;
    const float *q = c->q + b * lq * width + h * d;
    const float *k = c->k + b * lk * width + h * d;
    const float *v = c->v + b * lk * width + h * d;
    float *out = c->out + b * lq * width + h * d;
    const float *mask = c->mask != NULL ? c->mask + (b % c->mb) * lk : NULL;
    __m512 scale = _mm512_set1_ps(c->scale);
    /* kᵀ [d][lkp], zero beyond lk, so that scores load whole vectors of keys. */
    for (long e = 0; e < d; e++) {
        for (long j = lk; j < lkp; j++) kt[e * lkp + j] = 0.0f;
    }
    for (long j = 0; j < lk; j++) {
        for (long e = 0; e < d; e++) kt[e * lkp + j] = k[j * width + e];
    }
    for (long i0 = 0; i0 < lq; i0 += QB) {
        long rows = lq - i0 < QB ? lq - i0 : QB;
        const float *qr[QB];
        for (int r = 0; r < QB; r++) qr[r] = q + (i0 + (r < rows ? r : rows - 1)) * width;
        for (long j0 = 0; j0 < lkp; j0 += 16) {
            __m512 acc[QB];
            for (int r = 0; r < QB; r++) acc[r] = _mm512_setzero_ps();
            for (long e = 0; e < d; e++) {
                __m512 key = _mm512_load_ps(kt + e * lkp + j0);
                _Pragma("GCC unroll 8") for (int r = 0; r < QB; r++) {
                    acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(qr[r][e]), key, acc[r]);
                }
            }
            __mmask16 tail = lk - j0 >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (lk - j0)) - 1);
            __m512 add = mask != NULL ? _mm512_maskz_loadu_ps(tail, mask + j0) : _mm512_setzero_ps();
            for (int r = 0; r < rows; r++) {
                __m512 score = _mm512_div_ps(acc[r], scale);
                if (mask != NULL) score = _mm512_add_ps(score, add);
                _mm512_store_ps(s + r * lkp + j0, score);
            }
        }
        for (int r = 0; r < rows; r++) {
            float *row = s + r * lkp;
            long valid = lk;
            if (c->causal) {
                long limit = i0 + r + lk - lq + 1; /* keys [0, limit) */
                valid = limit < lk ? limit : lk;
            }
            __m512 mx = _mm512_set1_ps(-INFINITY);
            for (long j0 = 0; j0 < valid; j0 += 16) {
                __mmask16 m = valid - j0 >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (valid - j0)) - 1);
                mx = _mm512_mask_max_ps(mx, m, mx, _mm512_load_ps(row + j0));
            }
            __m512 top = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
            __m512 sum = _mm512_setzero_ps();
            for (long j0 = 0; j0 < lkp; j0 += 16) {
                __mmask16 m = j0 >= valid ? 0
                              : valid - j0 >= 16 ? (__mmask16) 0xFFFF
                                                 : (__mmask16) ((1u << (valid - j0)) - 1);
                __m512 e = _mm512_maskz_mov_ps(m, sl_exp512(_mm512_sub_ps(_mm512_load_ps(row + j0), top)));
                sum = _mm512_add_ps(sum, e);
                _mm512_store_ps(row + j0, e);
            }
            __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
            for (long j0 = 0; j0 < lkp; j0 += 16) {
                _mm512_store_ps(row + j0, _mm512_mul_ps(_mm512_load_ps(row + j0), inverse));
            }
        }
        for (long e0 = 0; e0 < d; e0 += 32) {
            int two = d - e0 >= 32;
            __m512 lo[QB], hi[QB];
            for (int r = 0; r < QB; r++) {
                lo[r] = _mm512_setzero_ps();
                hi[r] = _mm512_setzero_ps();
            }
            for (long j = 0; j < lk; j++) {
                __m512 v0 = _mm512_loadu_ps(v + j * width + e0);
                __m512 v1 = two ? _mm512_loadu_ps(v + j * width + e0 + 16) : _mm512_setzero_ps();
                _Pragma("GCC unroll 8") for (int r = 0; r < QB; r++) {
                    __m512 p = _mm512_set1_ps(s[(r < rows ? r : 0) * lkp + j]);
                    lo[r] = _mm512_fmadd_ps(p, v0, lo[r]);
                    hi[r] = _mm512_fmadd_ps(p, v1, hi[r]);
                }
            }
            for (int r = 0; r < rows; r++) {
                _mm512_storeu_ps(out + (i0 + r) * width + e0, lo[r]);
                if (two) _mm512_storeu_ps(out + (i0 + r) * width + e0 + 16, hi[r]);
            }
        }
    }
}

static void attention_share(void *data) {
    struct attention_call *c = data;
    long tasks = c->nb * c->heads;
    long threads = sl_num_threads(), id = sl_thread_num();
    long first = tasks * id / threads, last = tasks * (id + 1) / threads;
    if (first >= last) return;
    long lkp = (c->lk + 15) / 16 * 16;
    float *buffer = sl_scratch(SL_SCRATCH_ATTENTION, sizeof(float) * (size_t) (c->d + QB) * (size_t) lkp);
    if (buffer == NULL) {
        __atomic_store_n(&c->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    for (long t = first; t < last; t++) attend(c, t / c->heads, t % c->heads, buffer, buffer + c->d * lkp);
}

int sl_attention(const float *q, const float *k, const float *v, const float *mask, float *out, long nb, long mb,
                 long lq, long lk, long heads, long d, float scale, int causal) {
    struct attention_call call = {q, k, v, mask, out, nb, mb, lq, lk, heads, d, scale, causal, 0};
    long tasks = nb * heads;
    int threads = sl_threads_for(tasks * lq * lk * d * 2, 1L << 18);
    if (threads > tasks) threads = (int) tasks;
    sl_parallel(attention_share, &call, threads);
    return call.failed ? -1 : 0;
}
