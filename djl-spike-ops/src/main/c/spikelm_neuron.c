/*
 * The one-pass spiking kernel of ai.spikelm.ops.neuron.NativeSpikeKernel: the same float32
 * arithmetic, operation for operation, as the Java kernel (InferenceSpikes) and the generic NDArray
 * path, read straight from the input and written straight to the output.
 *
 * Build flags matter for the bits: no -ffast-math, and -ffp-contract=off so that a*b + c is never
 * fused into one rounding (the spike itself is spike.h's).
 *
 * Large calls are shared out over the threads of the OpenMP runtime already loaded in the process
 * (the engine's, see parallel.h), as the engine shares out its own element-wise operations.
 */
#include <jni.h>
#include <stdlib.h>

#include "parallel.h"
#include "spike.h"

#define BLOCK 1024                 /* elements of every step whose membrane stays in L1 */
#define GRAIN 32768                /* values per thread at least (PyTorch's grain) */

/* All steps for elements [begin, end) of every step. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void spike_range(const float *x, float *o, long n, long begin, long end, int steps, const float *alpha, int mode,
                        float decay) {
    if (steps == 1 || mode == SL_CARRY_NONE) {
        /* No membrane to carry: one streaming pass per step. */
        for (int t = 0; t < steps; t++) {
            const float *xt = x + (long) t * n;
            float *ot = o + (long) t * n;
            float a = alpha[t];
            for (long i = begin; i < end; i++) ot[i] = sl_spike(xt[i], a);
        }
        return;
    }
    float u[BLOCK];
    float e[BLOCK];
    for (long c = begin; c < end; c += BLOCK) {
        int len = end - c < BLOCK ? (int) (end - c) : BLOCK;
        for (int t = 0; t < steps; t++) {
            const float *xt = x + (long) t * n + c;
            float *ot = o + (long) t * n + c;
            float a = alpha[t];
            if (t == 0) {
                for (int i = 0; i < len; i++) {
                    float v = sl_spike(xt[i], a);
                    u[i] = xt[i];
                    e[i] = v;
                    ot[i] = v;
                }
                continue;
            }
            if (mode == SL_CARRY_REFERENCE) {
                float da = decay * alpha[t - 1];
                for (int i = 0; i < len; i++) u[i] = (e[i] * -decay + da) * u[i] + xt[i];
            } else if (mode == SL_CARRY_HARD) {
                float ap = alpha[t - 1];
                for (int i = 0; i < len; i++) {
                    float s = e[i] / ap;
                    u[i] = (s * s * -decay + decay) * u[i] + xt[i];
                }
            } else {
                for (int i = 0; i < len; i++) u[i] = (u[i] - e[i]) * decay + xt[i];
            }
            for (int i = 0; i < len; i++) {
                float v = sl_spike(u[i], a);
                e[i] = v;
                ot[i] = v;
            }
        }
    }
}

struct call {
    const float *x;
    float *o;
    long n;
    int steps;
    const float *alpha;
    int mode;
    float decay;
};

/* One thread's share: a contiguous run of whole blocks. */
static void run_share(void *data) {
    const struct call *c = data;
    long blocks = (c->n + BLOCK - 1) / BLOCK;
    long threads = sl_num_threads();
    long id = sl_thread_num();
    long begin = blocks * id / threads * BLOCK;
    long end = blocks * (id + 1) / threads * BLOCK;
    if (end > c->n) end = c->n;
    if (begin < end) spike_range(c->x, c->o, c->n, begin, end, c->steps, c->alpha, c->mode, c->decay);
}

/* A thread per GRAIN values begun, up to as many as the engine would use (as at::parallel_for). */
void sl_spike_steps(const float *x, float *o, long n, int steps, const float *alpha, int mode, float decay) {
    struct call c = {x, o, n, steps, alpha, mode, decay};
    int threads = n <= BLOCK ? 1 : sl_threads_for(n * steps, GRAIN);
    if (threads > 1) {
        sl_parallel(run_share, &c, threads);
    } else {
        spike_range(x, o, n, 0, n, steps, alpha, mode, decay);
    }
}

JNIEXPORT void JNICALL Java_ai_spikelm_ops_neuron_NativeSpikeKernel_spike(
        JNIEnv *env, jclass cls, jobject x, jobject o, jlong n, jfloatArray alpha, jint mode, jfloat decay) {
    (void) cls;
    const float *in = (*env)->GetDirectBufferAddress(env, x);
    float *out = (*env)->GetDirectBufferAddress(env, o);
    if (in == NULL || out == NULL) {
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/IllegalArgumentException"), "spike kernel: buffers must be direct");
        return;
    }
    jint steps = (*env)->GetArrayLength(env, alpha);
    float *amplitudes = malloc(sizeof(float) * (steps > 0 ? steps : 1));
    if (amplitudes == NULL) {
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/OutOfMemoryError"), "spike kernel: amplitudes");
        return;
    }
    (*env)->GetFloatArrayRegion(env, alpha, 0, steps, amplitudes);
    sl_spike_steps(in, out, n, steps, amplitudes, mode, decay);
    free(amplitudes);
}

JNIEXPORT jstring JNICALL Java_ai_spikelm_ops_neuron_NativeSpikeKernel_openMpRuntime(JNIEnv *env, jclass cls) {
    (void) cls;
    const char *path = sl_openmp_path();
    return path != NULL ? (*env)->NewStringUTF(env, path) : NULL;
}
