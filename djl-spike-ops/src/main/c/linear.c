/*
 * Dense products for inference, float32: y = x·Wᵀ + b with W [N, K] (nn.Linear) or y = x·W + b
 * with W [K, N] (GPT-2's Conv1D); x [M, K] and y [M, N] row-major, b optional.
 *
 * Why not the engine's: PyTorch's CPU build multiplies with MKL, which runs its AVX2 code on AMD
 * processors; on an AVX-512 core these kernels do about twice the work per cycle.
 *
 * Two kernels, both AVX-512:
 * - "panel": 12 rows of x against 32 columns of W held as a panel of [k][32] values (packed per
 *   call from nn.Linear weights, read as it is from Conv1D weights). Every output is the bias
 *   followed by its K products added in order of k, each with one rounding:
 *   y = fma(x_{K-1}, w_{K-1}, … fma(x_0, w_0, b)), whatever the blocking or the thread count.
 * - "columns", for a few rows of nn.Linear (M < COLUMN_ROWS, as for a short sentence or a token
 *   being decoded), where packing the weight would cost more than the product: the rows sit in
 *   the vector lanes and the weights are broadcast from W as it is. Same order of additions.
 *
 * So a row gets the same bits whichever kernel runs it, whatever the batch around it. With SL_GELU
 * the outputs leave through GELU (vecmath.h) instead of taking another pass over memory.
 *
 * Calls are shared out over the engine's OpenMP threads by columns (parallel.h).
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"
#include "parallel.h"
#include "vecmath.h"

#define NR 32        /* columns of a panel */
#define MR 12        /* rows of the panel kernel */
#define GROUP 4      /* panels packed together: an x block in L1 meets all of them */
#define KC 384       /* k per pass: a panel's slice (48 KB) stays in L2 next to the others */
#define COLUMN_ROWS 128 /* fewer rows than this take the column kernel (nn.Linear only) */
#define COL_TILE 12    /* columns per column-kernel tile */
#define STREAM_ROWS 16 /* at most this many rows of Conv1D take the stream kernel */
#define GRAIN (1L << 20) /* multiply-adds per thread at least */

int sl_linear_supported(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}

/* Columns [0, n) of a 32-wide panel: the mask of its second half (the first is sl_lanes(n)). */
static inline __mmask16 hi_mask(long n) {
    return n >= 32 ? (__mmask16) 0xFFFF : (n <= 16 ? (__mmask16) 0 : (__mmask16) ((1u << (n - 16)) - 1));
}

/*
 * R rows × 32 columns over k in [0, kc): c (+)= a·p. `first` starts from the bias (b0, b1), else
 * from c. Columns beyond the masks are neither read nor written.
 */
#define PANEL_KERNEL(R)                                                                                          \
    __attribute__((target("avx512f,fma"))) static void panel_##R(                                               \
            const float *a, long lda, const float *p, long ldp, long kc, float *c, long ldc, int first, int act,  \
            __m512 b0, __m512 b1, __mmask16 m0, __mmask16 m1) {                                                 \
        __m512 c0[R], c1[R];                                                                                     \
        _Pragma("GCC unroll 12") for (int i = 0; i < R; i++) {                                                   \
            c0[i] = first ? b0 : _mm512_maskz_loadu_ps(m0, c + i * ldc);                                         \
            c1[i] = first ? b1 : _mm512_maskz_loadu_ps(m1, c + i * ldc + 16);                                    \
        }                                                                                                        \
        for (long k = 0; k < kc; k++) {                                                                          \
            __m512 w0 = _mm512_maskz_loadu_ps(m0, p + k * ldp);                                                  \
            __m512 w1 = _mm512_maskz_loadu_ps(m1, p + k * ldp + 16);                                             \
            _Pragma("GCC unroll 12") for (int i = 0; i < R; i++) {                                               \
                __m512 x = _mm512_set1_ps(a[i * lda + k]);                                                       \
                c0[i] = _mm512_fmadd_ps(x, w0, c0[i]);                                                           \
                c1[i] = _mm512_fmadd_ps(x, w1, c1[i]);                                                           \
            }                                                                                                    \
        }                                                                                                        \
        if (act) {                                                                                               \
            _Pragma("GCC unroll 12") for (int i = 0; i < R; i++) {                                               \
                c0[i] = sl_gelu512(c0[i]);                                                                       \
                c1[i] = sl_gelu512(c1[i]);                                                                       \
            }                                                                                                    \
        }                                                                                                        \
        _Pragma("GCC unroll 12") for (int i = 0; i < R; i++) {                                                   \
            _mm512_mask_storeu_ps(c + i * ldc, m0, c0[i]);                                                       \
            _mm512_mask_storeu_ps(c + i * ldc + 16, m1, c1[i]);                                                  \
        }                                                                                                        \
    }
PANEL_KERNEL(12)
PANEL_KERNEL(8)
PANEL_KERNEL(4)
PANEL_KERNEL(2)
PANEL_KERNEL(1)

/* All M rows of one panel slice: blocks of 12, then 8, 4, 2, 1 for the rest. */
__attribute__((target("avx512f,fma"))) static void panel_rows(
        const float *a, long lda, long m, const float *p, long ldp, long kc, float *c, long ldc, int first, int act,
        const float *bias, long cols) {
    __mmask16 m0 = sl_lanes(cols), m1 = hi_mask(cols);
    __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
    __m512 b1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
    long i = 0;
    for (; i + 12 <= m; i += 12) panel_12(a + i * lda, lda, p, ldp, kc, c + i * ldc, ldc, first, act, b0, b1, m0, m1);
    if (i + 8 <= m) { panel_8(a + i * lda, lda, p, ldp, kc, c + i * ldc, ldc, first, act, b0, b1, m0, m1); i += 8; }
    if (i + 4 <= m) { panel_4(a + i * lda, lda, p, ldp, kc, c + i * ldc, ldc, first, act, b0, b1, m0, m1); i += 4; }
    if (i + 2 <= m) { panel_2(a + i * lda, lda, p, ldp, kc, c + i * ldc, ldc, first, act, b0, b1, m0, m1); i += 2; }
    if (i < m) panel_1(a + i * lda, lda, p, ldp, kc, c + i * ldc, ldc, first, act, b0, b1, m0, m1);
}

/* Transposes 16 rows of 16 floats (r[i] = row i) in registers: r[i] becomes column i. */
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
        r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xDD);
    }
}

/*
 * Copies columns [n0, n0 + cols) of an nn.Linear weight [N, K] into a panel [k][32] (zeros beyond
 * cols), 16 rows by 16 values at a time through register transposes.
 */
__attribute__((target("avx512f"))) static void pack_panel(const float *w, long k_total, long n0, long cols, float *p) {
    for (long half = 0; half < NR; half += 16) {
        for (long k0 = 0; k0 < k_total; k0 += 16) {
            __mmask16 kmask = k_total - k0 >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << (k_total - k0)) - 1);
            __m512 r[16];
            for (int j = 0; j < 16; j++) {
                long row = half + j;
                r[j] = row < cols ? _mm512_maskz_loadu_ps(kmask, w + (n0 + row) * k_total + k0) : _mm512_setzero_ps();
            }
            transpose16(r);
            long kk = k_total - k0 < 16 ? k_total - k0 : 16;
            for (long e = 0; e < kk; e++) _mm512_storeu_ps(p + (k0 + e) * NR + half, r[e]);
        }
    }
}

struct linear_call {
    const float *x;
    const float *w;
    const float *b;
    float *y;
    const float *xt; /* x transposed for the column kernel */
    long m, n, k;
    int layout; /* SL_OUT_IN or SL_IN_OUT */
    int act;    /* SL_NONE or SL_GELU, applied to the finished outputs */
    int failed; /* set by a thread that could not get its buffer */
};

/* The panels [first, last) of one thread, GROUP at a time. */
__attribute__((target("avx512f,fma"))) static void panel_share(void *data) {
    struct linear_call *c = data;
    long panels = (c->n + NR - 1) / NR;
    long threads = sl_num_threads(), id = sl_thread_num();
    long first = panels * id / threads, last = panels * (id + 1) / threads;
    float *buffer = NULL;
    if (c->layout == SL_OUT_IN && first < last) {
        buffer = sl_scratch(SL_SCRATCH_PANELS, sizeof(float) * GROUP * NR * (size_t) c->k);
        if (buffer == NULL) {
            __atomic_store_n(&c->failed, 1, __ATOMIC_RELAXED);
            return;
        }
    }
    for (long g = first; g < last; g += GROUP) {
        long group = last - g < GROUP ? last - g : GROUP;
        for (long q = 0; q < group; q++) {
            long n0 = (g + q) * NR;
            long cols = c->n - n0 < NR ? c->n - n0 : NR;
            if (buffer != NULL) pack_panel(c->w, c->k, n0, cols, buffer + q * NR * c->k);
        }
        for (long k0 = 0; k0 < c->k; k0 += KC) {
            long kc = c->k - k0 < KC ? c->k - k0 : KC;
            for (long i = 0; i < c->m; i += MR) {
                long rows = c->m - i < MR ? c->m - i : MR;
                for (long q = 0; q < group; q++) {
                    long n0 = (g + q) * NR;
                    long cols = c->n - n0 < NR ? c->n - n0 : NR;
                    const float *p = buffer != NULL ? buffer + q * NR * c->k + k0 * NR : c->w + k0 * c->n + n0;
                    long ldp = buffer != NULL ? NR : c->n;
                    panel_rows(c->x + i * c->k + k0, c->k, rows, p, ldp, kc, c->y + i * c->n + n0, c->n, k0 == 0,
                               c->act && k0 + kc == c->k, c->b != NULL ? c->b + n0 : NULL, cols);
                }
            }
        }
    }
}

/*
 * 16·G rows × 12 columns of nn.Linear with the rows in the vector lanes: xt holds 32 rows'
 * inputs transposed, [k][32], and each weight is broadcast from its row of W as it is. The same
 * order of additions as the panel kernel, so a row gets the same bits whichever kernel runs it.
 */
#define COLUMN_KERNEL(G)                                                                                      \
    __attribute__((target("avx512f,fma"))) static void columns_##G(                                          \
            const float *xt, long k_total, const float *w, long cols, const float *bias, float *c, long ldc,  \
            long rows, int act) {                                                                             \
        __m512 acc[COL_TILE][G];                                                                              \
        const float *row[COL_TILE];                                                                           \
        _Pragma("GCC unroll 12") for (int j = 0; j < COL_TILE; j++) {                                         \
            long jj = j < cols ? j : cols - 1;                                                                \
            row[j] = w + jj * k_total;                                                                        \
            for (int g = 0; g < G; g++) acc[j][g] = _mm512_set1_ps(bias != NULL ? bias[jj] : 0.0f);          \
        }                                                                                                     \
        for (long k = 0; k < k_total; k++) {                                                                  \
            __m512 x[G];                                                                                      \
            for (int g = 0; g < G; g++) x[g] = _mm512_load_ps(xt + k * 32 + 16 * g);                       \
            _Pragma("GCC unroll 12") for (int j = 0; j < COL_TILE; j++) {                                     \
                __m512 v = _mm512_set1_ps(row[j][k]);                                                         \
                for (int g = 0; g < G; g++) acc[j][g] = _mm512_fmadd_ps(x[g], v, acc[j][g]);                  \
            }                                                                                                 \
        }                                                                                                     \
        float tile[COL_TILE][16 * G] __attribute__((aligned(64)));                                            \
        for (int j = 0; j < COL_TILE; j++) {                                                                  \
            for (int g = 0; g < G; g++) _mm512_store_ps(tile[j] + 16 * g, act ? sl_gelu512(acc[j][g]) : acc[j][g]); \
        }                                                                                                     \
        for (long i = 0; i < rows; i++) {                                                                     \
            for (long j = 0; j < cols; j++) c[i * ldc + j] = tile[j][i];                                      \
        }                                                                                                     \
    }
COLUMN_KERNEL(2)
COLUMN_KERNEL(1)

/*
 * Rows [0, m) of x [m, k] transposed into blocks of 32: xt[block][k][32], zero beyond m within a
 * half that holds rows. Tiles of 16 rows × 16 k go through registers (transpose16). A half block
 * without rows is left as it is: a block of at most 16 rows goes to columns_1, which reads only
 * the first half.
 */
__attribute__((target("avx512f"))) static void transpose_rows(const float *x, long m, long k, float *xt) {
    for (long b = 0; b * 32 < m; b++) {
        float *out = xt + b * k * 32;
        for (long half = 0; half < 32 && b * 32 + half < m; half += 16) {
            long first = b * 32 + half;
            long rows = m - first < 16 ? m - first : 16;
            for (long k0 = 0; k0 < k; k0 += 16) {
                long kk = k - k0 < 16 ? k - k0 : 16;
                __mmask16 kmask = sl_lanes(kk);
                __m512 r[16];
                for (int i = 0; i < 16; i++) {
                    r[i] = i < rows ? _mm512_maskz_loadu_ps(kmask, x + (first + i) * k + k0) : _mm512_setzero_ps();
                }
                transpose16(r);
                for (long e = 0; e < kk; e++) _mm512_storeu_ps(out + (k0 + e) * 32 + half, r[e]);
            }
        }
    }
}

/* The column tiles [first, last) of one thread, every row. */
__attribute__((target("avx512f,fma"))) static void column_share(void *data) {
    struct linear_call *c = data;
    long tiles = (c->n + COL_TILE - 1) / COL_TILE;
    long threads = sl_num_threads(), id = sl_thread_num();
    long first = tiles * id / threads, last = tiles * (id + 1) / threads;
    for (long t = first; t < last; t++) {
        long n0 = t * COL_TILE;
        long cols = c->n - n0 < COL_TILE ? c->n - n0 : COL_TILE;
        const float *w = c->w + n0 * c->k;
        const float *b = c->b != NULL ? c->b + n0 : NULL;
        for (long i = 0; i < c->m; i += 32) {
            const float *xt = c->xt + (i / 32) * c->k * 32;
            long rows = c->m - i < 32 ? c->m - i : 32;
            if (rows > 16) {
                columns_2(xt, c->k, w, cols, b, c->y + i * c->n + n0, c->n, rows, c->act);
            } else {
                columns_1(xt, c->k, w, cols, b, c->y + i * c->n + n0, c->n, rows, c->act); /* half a block */
            }
        }
    }
}

/*
 * Up to 4 rows of a Conv1D product (W [k][n] as stored), streaming W in blocks of ROW_BLOCK rows
 * of k: every weight is read once from memory, in order, where a 32-column panel would read 128
 * bytes from each row. Outputs start from the bias and add the products in order of k (the
 * panel kernel's order), kept in y between blocks.
 */
#define ROW_BLOCK 16
#define STREAM_KERNEL(R)                                                                                        \
    __attribute__((target("avx512f,fma"))) static void stream_##R(const float *x, long k_total, const float *w, \
                                                                   long n_total, long n0, long n1, float *y) {  \
        for (long k0 = 0; k0 < k_total; k0 += ROW_BLOCK) {                                                     \
            long k1 = k_total - k0 < ROW_BLOCK ? k_total : k0 + ROW_BLOCK;                                      \
            for (long n = n0; n < n1; n += 64) {                                                                \
                __m512 acc[R][4];                                                                               \
                __mmask16 mask[4];                                                                              \
                for (int q = 0; q < 4; q++) mask[q] = sl_lanes(n1 - n - 16 * q > 0 ? n1 - n - 16 * q : 0);       \
                for (int i = 0; i < R; i++) {                                                                   \
                    for (int q = 0; q < 4; q++) acc[i][q] = _mm512_maskz_loadu_ps(mask[q], y + i * n_total + n + 16 * q); \
                }                                                                                               \
                for (long k = k0; k < k1; k++) {                                                                \
                    __m512 v[4];                                                                                \
                    for (int q = 0; q < 4; q++) v[q] = _mm512_maskz_loadu_ps(mask[q], w + k * n_total + n + 16 * q); \
                    for (int i = 0; i < R; i++) {                                                               \
                        __m512 a = _mm512_set1_ps(x[i * k_total + k]);                                          \
                        for (int q = 0; q < 4; q++) acc[i][q] = _mm512_fmadd_ps(a, v[q], acc[i][q]);            \
                    }                                                                                           \
                }                                                                                               \
                for (int i = 0; i < R; i++) {                                                                   \
                    for (int q = 0; q < 4; q++) _mm512_mask_storeu_ps(y + i * n_total + n + 16 * q, mask[q], acc[i][q]); \
                }                                                                                               \
            }                                                                                                   \
        }                                                                                                       \
    }
STREAM_KERNEL(4)
STREAM_KERNEL(2)
STREAM_KERNEL(1)

/* Columns [n0, n1) of every row (at most STREAM_ROWS), bias first. */
__attribute__((target("avx512f,fma"))) static void stream_share(void *data) {
    struct linear_call *c = data;
    long chunks = (c->n + 63) / 64;
    long threads = sl_num_threads(), id = sl_thread_num();
    long n0 = chunks * id / threads * 64, n1 = chunks * (id + 1) / threads * 64;
    if (n1 > c->n) n1 = c->n;
    if (n0 >= n1) return;
    for (long i = 0; i < c->m; i++) {
        for (long j = n0; j < n1; j++) c->y[i * c->n + j] = c->b != NULL ? c->b[j] : 0.0f;
    }
    long i = 0;
    for (; i + 4 <= c->m; i += 4) stream_4(c->x + i * c->k, c->k, c->w, c->n, n0, n1, c->y + i * c->n);
    if (i + 2 <= c->m) { stream_2(c->x + i * c->k, c->k, c->w, c->n, n0, n1, c->y + i * c->n); i += 2; }
    if (i < c->m) stream_1(c->x + i * c->k, c->k, c->w, c->n, n0, n1, c->y + i * c->n);
    if (c->act) {
        for (long r = 0; r < c->m; r++) {
            for (long j = n0; j < n1; j += 16) {
                __mmask16 mask = sl_lanes(n1 - j);
                float *at = c->y + r * c->n + j;
                _mm512_mask_storeu_ps(at, mask, sl_gelu512(_mm512_maskz_loadu_ps(mask, at)));
            }
        }
    }
}

/* GELU in place over n values (only for the degenerate k = 0). */
__attribute__((target("avx512f,fma"))) static void sl_parallel_gelu(float *y, long n) {
    for (long j = 0; j < n; j += 16) {
        __mmask16 mask = sl_lanes(n - j);
        _mm512_mask_storeu_ps(y + j, mask, sl_gelu512(_mm512_maskz_loadu_ps(mask, y + j)));
    }
}

int sl_linear(const float *x, const float *w, const float *b, float *y, long m, long n, long k, int layout, int act) {
    struct linear_call call = {x, w, b, y, NULL, m, n, k, layout, act, 0};
    if (k == 0) {
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) y[i * n + j] = b != NULL ? b[j] : 0.0f;
        }
        if (act) sl_parallel_gelu(y, m * n);
        return 0;
    }
    int columns = layout == SL_OUT_IN && m < COLUMN_ROWS;
    if (columns) {
        float *xt = sl_scratch(SL_SCRATCH_ROWS, sizeof(float) * (size_t) ((m + 31) / 32 * 32) * (size_t) k);
        if (xt == NULL) return -1;
        transpose_rows(x, m, k, xt);
        call.xt = xt;
    }
    int stream = layout == SL_IN_OUT && m <= STREAM_ROWS;
    long units = columns ? (n + COL_TILE - 1) / COL_TILE : stream ? (n + 63) / 64 : (n + NR - 1) / NR;
    int threads = sl_threads_for(m * n * k, GRAIN);
    if (threads > units) threads = (int) units;
    sl_parallel(columns ? column_share : stream ? stream_share : panel_share, &call, threads);
    return call.failed ? -1 : 0;
}
