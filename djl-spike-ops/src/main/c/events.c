/*
 * Event-driven products of spikes, for inference: y = act(a · Σ_k s_k·W_k + b) for a row of spikes
 * o = a·s, s ∈ {−1, 0, 1} (a SpikeLM neuron's: a = α_t for every row of step t), computed by
 * adding the weight rows of the nonzero spikes only: no
 * multiplications by spikes, and the zeros (about 60% of them at the paper's firing rates) cost
 * nothing, where a dense product pays for every one.
 *
 * With `delta`, step t > 0 of a token starts from the sums of its step t − 1 and adds
 * (s_t − s_{t−1})·W whenever fewer of its spikes changed than are nonzero: across the T steps of
 * one token the spikes mostly repeat.
 *
 * Exact up to the order of additions: every weight enters with coefficient ±1 or ±2 and one
 * rounding per addition, then a·sum + b with one rounding. Not the bits of a dense product; a
 * row's result depends on its own token's spikes only, never on the batch or the threads.
 *
 * AVX2 and FMA (every x86-64 processor of the last decade), so it also runs where the AVX-512
 * kernels do not. W is read as [k, n], so an event adds one contiguous segment of a row of W. A
 * call first lists each row's events (index << 2 | coefficient code) for a slab of tokens, then
 * shares out (column block × token range) units; each goes over the inputs in chunks, so the
 * block of W it reads (64 inputs × 64 columns) stays in L1 while a row's sums live in registers.
 */
#include <immintrin.h>
#include <stdint.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"
#include "parallel.h"

#define WIDTH 64               /* columns of a block: 8 registers of sums */
#define CHUNK 64               /* inputs per pass: a block of W of 16 KB stays in L1 */
#define MAX_STEPS 64
#define SLAB_EVENTS (1L << 21) /* event slots per slab: 8 MB of scratch */
#define TOKENS_PER_UNIT 8

/* Codes 0..3 of an event: what its weight row is multiplied by. */
static const float COEFFICIENT[4] = {1.0f, -1.0f, 2.0f, -2.0f};

struct events_call {
    const float *x;     /* spikes [steps · tokens, k] */
    const float *w;     /* [k, n] */
    const float *b;     /* [n] or NULL */
    float *y;           /* [steps · tokens, n] */
    long tokens, steps, n, k;
    int act, delta;
    long first, count; /* the slab: tokens [first, first + count) */
    int32_t *events;   /* [count · steps][k] */
    int32_t *sizes;    /* [count · steps], negative when the row holds changes from the step before */
    float *amplitudes; /* [count · steps] */
    int not_spikes;    /* set when a row holds two different magnitudes */
};

int sl_events_supported(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static inline int sign_of(float v) {
    return (v > 0.0f) - (v < 0.0f);
}

/* For each 8-bit mask, the lanes of its set bits first: _mm256_permutevar8x32_epi32 compresses. */
static int32_t COMPRESS[256][8];
static pthread_once_t compress_once = PTHREAD_ONCE_INIT;

static void fill_compress(void) {
    for (int mask = 0; mask < 256; mask++) {
        int at = 0;
        for (int lane = 0; lane < 8; lane++) {
            if (mask & (1 << lane)) COMPRESS[mask][at++] = lane;
        }
        while (at < 8) COMPRESS[mask][at++] = 0;
    }
}

/* The signs of 8 values as int32 in {−1, 0, 1}. */
__attribute__((target("avx2"))) static inline __m256i signs8(const float *x) {
    __m256 v = _mm256_loadu_ps(x);
    __m256i gt = _mm256_castps_si256(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ));
    __m256i lt = _mm256_castps_si256(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
    return _mm256_sub_epi32(lt, gt); /* true is −1 */
}

/*
 * Writes the events of row (step t, slab token j), their number (negative for changes) and a.
 * Eight inputs at a time: signs by comparison, events compressed by a permutation, no branches
 * on the spikes (they are random: branches on them would be mispredicted a third of the time).
 */
__attribute__((target("avx2,popcnt"))) static void encode_row(struct events_call *c, long t, long j) {
    const float *x = c->x + (t * c->tokens + c->first + j) * c->k;
    const float *previous = t > 0 && c->delta ? x - c->tokens * c->k : NULL;
    long k8 = c->k / 8 * 8;
    float amplitude = 0.0f;
    for (long e = 0; e < c->k && amplitude == 0.0f; e++) amplitude = x[e] > 0.0f ? x[e] : -x[e];
    const __m256 a = _mm256_set1_ps(amplitude);
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    long nonzero = 0, changed = 0;
    int odd = 0;
    for (long e = 0; e < k8; e += 8) {
        __m256 v = _mm256_loadu_ps(x + e);
        __m256 zero = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_EQ_OQ);
        __m256 other = _mm256_cmp_ps(_mm256_and_ps(v, magnitude), a, _CMP_NEQ_UQ);
        odd |= _mm256_movemask_ps(_mm256_andnot_ps(zero, other));
        nonzero += 8 - __builtin_popcount(_mm256_movemask_ps(zero));
        if (previous != NULL) {
            __m256i differ = _mm256_cmpeq_epi32(signs8(x + e), signs8(previous + e));
            changed += 8 - __builtin_popcount(_mm256_movemask_ps(_mm256_castsi256_ps(differ)));
        }
    }
    for (long e = k8; e < c->k; e++) {
        int s = sign_of(x[e]);
        odd |= s != 0 && (s > 0 ? x[e] : -x[e]) != amplitude;
        nonzero += s != 0;
        if (previous != NULL) changed += s != sign_of(previous[e]);
    }
    if (odd) {
        c->not_spikes = 1; /* a plain write: every thread writes 1 or nothing */
        return;
    }
    int use_delta = previous != NULL && changed < nonzero;
    int32_t *out = c->events + (t * c->count + j) * c->k;
    int32_t size = 0;
    for (long e = 0; e < k8; e += 8) {
        __m256i d = signs8(x + e);
        if (use_delta) d = _mm256_sub_epi32(d, signs8(previous + e));
        int any = ~_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(d, _mm256_setzero_si256()))) & 0xFF;
        __m256i negative = _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), d), _mm256_set1_epi32(1));
        __m256i two = _mm256_and_si256(_mm256_cmpeq_epi32(_mm256_abs_epi32(d), _mm256_set1_epi32(2)), _mm256_set1_epi32(2));
        __m256i index = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int) e));
        __m256i event = _mm256_or_si256(_mm256_slli_epi32(index, 2), _mm256_or_si256(negative, two));
        event = _mm256_permutevar8x32_epi32(event, _mm256_loadu_si256((const __m256i *) COMPRESS[any]));
        /* Writes 8 lanes, keeps popcount(any): the row has room (k ≥ e + 8 slots from `size` ≤ e). */
        _mm256_storeu_si256((__m256i *) (out + size), event);
        size += __builtin_popcount(any);
    }
    for (long e = k8; e < c->k; e++) {
        int d = sign_of(x[e]) - (use_delta ? sign_of(previous[e]) : 0);
        if (d != 0) out[size++] = (int32_t) (e << 2) | (d < 0) | ((d == 2 || d == -2) << 1);
    }
    c->sizes[t * c->count + j] = use_delta ? -size : size;
    c->amplitudes[t * c->count + j] = amplitude;
}

static void encode_share(void *data) {
    struct events_call *c = data;
    long rows = c->count * c->steps;
    long threads = sl_num_threads(), id = sl_thread_num();
    for (long r = rows * id / threads; r < rows * (id + 1) / threads; r++) encode_row(c, r / c->count, r % c->count);
}

/*
 * 8·V columns from n0 (V = 8 or 1), for every step of slab tokens [j0, j1), inputs [k0, k1): the
 * block of W read here (CHUNK rows of 8·V columns) stays in L1. The sums of the inputs before k0
 * are in y; cursor[] is where each row's events of [k0, k1) begin. The sums are named registers,
 * not an array, which gcc would store back to the stack at every event.
 */
#define ZERO(a) a = _mm256_setzero_ps()
#define ADD(a, v) a = _mm256_fmadd_ps(coefficient, _mm256_loadu_ps(row + 8 * (v)), a)
#define STORE(a, v) _mm256_storeu_ps(y + 8 * (v), k0 == 0 ? a : _mm256_add_ps(_mm256_loadu_ps(y + 8 * (v)), a))
#define ALL8(op) op(a0, 0); op(a1, 1); op(a2, 2); op(a3, 3); op(a4, 4); op(a5, 5); op(a6, 6); op(a7, 7)
#define ZERO8(a, v) ZERO(a)
#define EVENTS_KERNEL(NAME, EACH)                                                                                 \
    __attribute__((target("avx2,fma"))) static void NAME(const struct events_call *c, long n0, long j0, long j1, \
                                                         long k0, long k1, int32_t *cursor) {                     \
        const float *w = c->w + n0;                                                                               \
        __m256 a0, a1, a2, a3, a4, a5, a6, a7;                                                                    \
        for (long j = j0; j < j1; j++) {                                                                          \
            EACH(ZERO8);                                                                                          \
            for (long t = 0; t < c->steps; t++) {                                                                 \
                long r = t * c->count + j;                                                                        \
                int32_t size = c->sizes[r];                                                                       \
                if (size >= 0) {                                                                                  \
                    EACH(ZERO8);                                                                                  \
                } else {                                                                                          \
                    size = -size;                                                                                 \
                }                                                                                                 \
                const int32_t *event = c->events + r * c->k;                                                      \
                int32_t *at = cursor + t * (j1 - j0) + j - j0;                                                    \
                int32_t e = *at;                                                                                  \
                for (; e < size && (event[e] >> 2) < k1; e++) {                                                   \
                    const float *row = w + (long) (event[e] >> 2) * c->n;                                         \
                    __m256 coefficient = _mm256_broadcast_ss(&COEFFICIENT[event[e] & 3]);                         \
                    EACH(ADD);                                                                                    \
                }                                                                                                 \
                *at = e;                                                                                          \
                float *y = c->y + (t * c->tokens + c->first + j) * c->n + n0;                                     \
                EACH(STORE);                                                                                      \
            }                                                                                                     \
        }                                                                                                         \
    }
#define ONE(op) op(a0, 0); (void) a1; (void) a2; (void) a3; (void) a4; (void) a5; (void) a6; (void) a7
EVENTS_KERNEL(events_8, ALL8)
EVENTS_KERNEL(events_1, ONE)

/* y = a·sum + b over 8·V columns from n0 of slab tokens [j0, j1), every step. */
__attribute__((target("avx2,fma"))) static void finish(const struct events_call *c, long n0, long n1, long j0, long j1) {
    for (long t = 0; t < c->steps; t++) {
        for (long j = j0; j < j1; j++) {
            __m256 a = _mm256_broadcast_ss(&c->amplitudes[t * c->count + j]);
            float *y = c->y + (t * c->tokens + c->first + j) * c->n;
            for (long n = n0; n < n1; n += 8) {
                __m256 bias = c->b ? _mm256_loadu_ps(c->b + n) : _mm256_setzero_ps();
                _mm256_storeu_ps(y + n, _mm256_fmadd_ps(a, _mm256_loadu_ps(y + n), bias));
            }
        }
    }
}

static void events_share(void *data) {
    const struct events_call *c = data;
    long blocks = (c->n + WIDTH - 1) / WIDTH;
    long ranges = (c->count + TOKENS_PER_UNIT - 1) / TOKENS_PER_UNIT;
    long units = blocks * ranges;
    long threads = sl_num_threads(), id = sl_thread_num();
    int32_t cursor[TOKENS_PER_UNIT * MAX_STEPS];
    /* Consecutive units share a column block, so a thread keeps reading the same block of W. */
    for (long u = units * id / threads; u < units * (id + 1) / threads; u++) {
        long n0 = (u / ranges) * WIDTH, j0 = (u % ranges) * TOKENS_PER_UNIT;
        long j1 = j0 + TOKENS_PER_UNIT < c->count ? j0 + TOKENS_PER_UNIT : c->count;
        long n1 = n0 + WIDTH < c->n ? n0 + WIDTH : c->n;
        memset(cursor, 0, sizeof(cursor));
        for (long k0 = 0; k0 < c->k || k0 == 0; k0 += CHUNK) {
            long k1 = k0 + CHUNK;
            if (n1 - n0 == WIDTH) {
                events_8(c, n0, j0, j1, k0, k1, cursor);
            } else {
                /* Narrower tails start their rows' cursors over for each 8 columns. */
                int32_t saved[TOKENS_PER_UNIT * MAX_STEPS];
                memcpy(saved, cursor, sizeof(saved));
                for (long n = n0; n < n1; n += 8) {
                    memcpy(cursor, saved, sizeof(saved));
                    events_1(c, n, j0, j1, k0, k1, cursor);
                }
            }
        }
        finish(c, n0, n1, j0, j1);
    }
}

/* GELU (exact, erf) over y in place: the sums are few next to the products. */
static void gelu_share(void *data) {
    const struct events_call *c = data;
    long threads = sl_num_threads(), id = sl_thread_num();
    long rows = c->count * c->steps;
    for (long r = rows * id / threads; r < rows * (id + 1) / threads; r++) {
        long t = r / c->count, j = r % c->count;
        float *y = c->y + (t * c->tokens + c->first + j) * c->n;
        for (long i = 0; i < c->n; i++) y[i] = 0.5f * y[i] * (1.0f + erff(y[i] * 0.70710678118654752440f));
    }
}

int sl_linear_events(const float *x, long steps, const float *w, const float *b, float *y, long m, long n, long k, int act,
                     int delta) {
    if (steps < 1 || steps > MAX_STEPS || m % steps != 0 || n % 8 != 0 || k > (1L << 28)) return -2;
    long tokens = m / steps;
    if (tokens == 0 || n == 0) return 0;
    pthread_once(&compress_once, fill_compress);
    long slab = SLAB_EVENTS / (steps * (k > 0 ? k : 1));
    if (slab < 1) slab = 1;
    if (slab > tokens) slab = tokens;
    long rows = slab * steps;
    int32_t *events = sl_scratch(SL_SCRATCH_EVENTS, sizeof(int32_t) * (size_t) (rows * (k + 2)));
    if (events == NULL) return -1;
    struct events_call call = {x, w, b, y, tokens, steps, n, k, act, delta, 0, 0, events, events + rows * k,
                               (float *) (events + rows * (k + 1)), 0};
    for (long first = 0; first < tokens; first += slab) {
        call.first = first;
        call.count = tokens - first < slab ? tokens - first : slab;
        sl_parallel(encode_share, &call, sl_threads_for(call.count * steps * k, 1L << 16));
        if (call.not_spikes) return -3;
        long units = (n + WIDTH - 1) / WIDTH * ((call.count + TOKENS_PER_UNIT - 1) / TOKENS_PER_UNIT);
        int threads = sl_threads_for(call.count * steps * k * n / 4, 1L << 20);
        if (threads > units) threads = (int) units;
        sl_parallel(events_share, &call, threads);
        if (act) sl_parallel(gelu_share, &call, sl_threads_for(call.count * steps * n, 1L << 16));
    }
    return 0;
}
