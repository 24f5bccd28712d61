/*
 * The one-pass spiking kernel of ai.spikelm.ops.neuron.NativeSpikeKernel: the same float32
 * arithmetic, operation for operation, as the Java kernel (InferenceSpikes) and the generic NDArray
 * path, read straight from the input and written straight to the output.
 *
 * Build flags matter for the bits: no -ffast-math, and -ffp-contract=off so that a*b + c is never
 * fused into one rounding. The clamp is written as comparisons, which keep NaN (fminf/fmaxf
 * would drop it).
 */
#include <jni.h>
#include <stdlib.h>

#define ROUNDING_SHIFT 12582912.0f /* 1.5 * 2^23: (v + S) - S rounds v half to even */
#define BLOCK 1024                 /* elements of every step whose membrane stays in L1 */

/* The carry codes of NativeSpikeKernel.code(): NONE for a quantiser without a membrane. */
enum { NONE = -1, REFERENCE = 0, HARD = 1, SOFT = 2 };

__attribute__((target_clones("avx512f", "avx2", "default")))
static void spike_steps(const float *x, float *o, long n, int steps, const float *alpha, int mode, float decay) {
    float u[BLOCK];
    float e[BLOCK];
    for (long c = 0; c < n; c += BLOCK) {
        int len = n - c < BLOCK ? (int) (n - c) : BLOCK;
        for (int t = 0; t < steps; t++) {
            const float *xt = x + (long) t * n + c;
            float *ot = o + (long) t * n + c;
            float a = alpha[t];
            if (t == 0 || mode == NONE) {
                for (int i = 0; i < len; i++) u[i] = xt[i];
            } else if (mode == REFERENCE) {
                float da = decay * alpha[t - 1];
                for (int i = 0; i < len; i++) u[i] = (e[i] * -decay + da) * u[i] + xt[i];
            } else if (mode == HARD) {
                float ap = alpha[t - 1];
                for (int i = 0; i < len; i++) {
                    float s = e[i] / ap;
                    u[i] = (s * s * -decay + decay) * u[i] + xt[i];
                }
            } else {
                for (int i = 0; i < len; i++) u[i] = (u[i] - e[i]) * decay + xt[i];
            }
            for (int i = 0; i < len; i++) {
                float r = (u[i] / a + ROUNDING_SHIFT) - ROUNDING_SHIFT;
                float s = r > 1.0f ? 1.0f : (r < -1.0f ? -1.0f : r);
                float v = s * a;
                e[i] = v;
                ot[i] = v;
            }
        }
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
    spike_steps(in, out, n, steps, amplitudes, mode, decay);
    free(amplitudes);
}
