/* JNI entry points of ai.spikelm.ops.kernel.NativeKernels (dense products and attention). */
#include <jni.h>
#include <stdlib.h>

#include "linear.h"

static void throw_new(JNIEnv *env, const char *type, const char *message) {
    jclass cls = (*env)->FindClass(env, type);
    if (cls != NULL) (*env)->ThrowNew(env, cls, message);
}

/*
 * Whether the processor runs the kernels of `what`; if not, an exception is pending. The Java side
 * checks first (NativeKernels.isDenseAvailable); this keeps any other caller from an illegal
 * instruction.
 */
static int supported(JNIEnv *env, int yes, const char *what) {
    if (!yes) throw_new(env, "java/lang/UnsupportedOperationException", what);
    return yes;
}

/* The address of a direct buffer, or NULL (with an exception pending) if it is not one. */
static void *address(JNIEnv *env, jobject buffer, const char *what) {
    void *p = (*env)->GetDirectBufferAddress(env, buffer);
    if (p == NULL) throw_new(env, "java/lang/IllegalArgumentException", what);
    return p;
}

JNIEXPORT jboolean JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_denseSupported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return sl_linear_supported() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_linear(
        JNIEnv *env, jclass cls, jobject x, jobject w, jobject b, jobject y, jlong m, jlong n, jlong k, jint layout,
        jint act) {
    (void) cls;
    if (!supported(env, sl_linear_supported(), "linear: this processor lacks AVX-512F or FMA")) return;
    const float *xp = address(env, x, "linear: x must be a direct buffer");
    const float *wp = xp != NULL ? address(env, w, "linear: weight must be a direct buffer") : NULL;
    const float *bp = NULL;
    if (wp != NULL && b != NULL) bp = address(env, b, "linear: bias must be a direct buffer");
    float *yp = wp != NULL && (b == NULL || bp != NULL) ? address(env, y, "linear: y must be a direct buffer") : NULL;
    if (yp == NULL) return;
    if (sl_linear(xp, wp, bp, yp, m, n, k, layout, act) != 0) {
        throw_new(env, "java/lang/OutOfMemoryError", "linear: no memory for packed weights");
    }
}

JNIEXPORT void JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_attention(
        JNIEnv *env, jclass cls, jobject q, jobject k, jobject v, jobject mask, jobject out, jlong nb, jlong mb,
        jlong lq, jlong lk, jlong heads, jlong d, jfloat scale, jboolean causal) {
    (void) cls;
    if (!supported(env, sl_linear_supported(), "attention: this processor lacks AVX-512F or FMA")) return;
    const float *qp = address(env, q, "attention: q must be a direct buffer");
    const float *kp = qp != NULL ? address(env, k, "attention: k must be a direct buffer") : NULL;
    const float *vp = kp != NULL ? address(env, v, "attention: v must be a direct buffer") : NULL;
    const float *mp = NULL;
    if (vp != NULL && mask != NULL) mp = address(env, mask, "attention: mask must be a direct buffer");
    float *op = vp != NULL && (mask == NULL || mp != NULL) ? address(env, out, "attention: out must be a direct buffer")
                                                         : NULL;
    if (op == NULL) return;
    if (sl_attention(qp, kp, vp, mp, op, nb, mb, lq, lk, heads, d, scale, causal == JNI_TRUE) != 0) {
        throw_new(env, "java/lang/OutOfMemoryError", "attention: no memory for its buffers");
    }
}

JNIEXPORT void JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_encoderLayer(
        JNIEnv *env, jclass cls, jobject x, jobject mask, jobject out, jobjectArray tensors, jfloatArray alpha, jlong nb,
        jlong len, jlong d, jlong heads, jlong ff, jfloat scale, jfloat eps) {
    (void) cls;
    if (!supported(env, sl_linear_supported(), "encoder layer: this processor lacks AVX-512F or FMA")) return;
    if ((*env)->GetArrayLength(env, tensors) != SL_LAYER_TENSORS) {
        throw_new(env, "java/lang/IllegalArgumentException", "encoder layer: 16 weight tensors are needed");
        return;
    }
    const float *w[SL_LAYER_TENSORS];
    for (int i = 0; i < SL_LAYER_TENSORS; i++) {
        jobject tensor = (*env)->GetObjectArrayElement(env, tensors, i);
        w[i] = tensor != NULL ? address(env, tensor, "encoder layer: weights must be direct buffers") : NULL;
        if (tensor != NULL) (*env)->DeleteLocalRef(env, tensor);
        if (w[i] == NULL) {
            if (tensor == NULL) throw_new(env, "java/lang/IllegalArgumentException", "encoder layer: a weight tensor is missing");
            return;
        }
    }
    const float *xp = address(env, x, "encoder layer: x must be a direct buffer");
    const float *mp = NULL;
    if (xp != NULL && mask != NULL) mp = address(env, mask, "encoder layer: mask must be a direct buffer");
    float *op = xp != NULL && (mask == NULL || mp != NULL) ? address(env, out, "encoder layer: out must be a direct buffer")
                                                         : NULL;
    if (op == NULL) return;
    float amplitudes[SL_SITES];
    if (alpha != NULL) {
        if ((*env)->GetArrayLength(env, alpha) != SL_SITES) {
            throw_new(env, "java/lang/IllegalArgumentException", "encoder layer: 8 amplitudes are needed");
            return;
        }
        (*env)->GetFloatArrayRegion(env, alpha, 0, SL_SITES, amplitudes);
    }
    if (sl_encoder_layer(xp, mp, op, nb, len, d, heads, ff, scale, eps, w, alpha != NULL ? amplitudes : NULL) != 0) {
        throw_new(env, "java/lang/OutOfMemoryError", "encoder layer: no memory for its buffers");
    }
}

JNIEXPORT jboolean JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_int8Supported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return sl_int8_supported() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jlong JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_int8PackedBytes(JNIEnv *env, jclass cls, jlong n,
                                                                               jlong k) {
    (void) env;
    (void) cls;
    return sl_int8_packed_bytes(n, k);
}

JNIEXPORT void JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_int8Pack(
        JNIEnv *env, jclass cls, jobject w, jlong n, jlong k, jobject packed, jobject scale, jobject sums) {
    (void) cls;
    const float *wp = address(env, w, "int8 pack: weight must be a direct buffer");
    int8_t *pp = wp != NULL ? address(env, packed, "int8 pack: packed must be a direct buffer") : NULL;
    float *sp = pp != NULL ? address(env, scale, "int8 pack: scale must be a direct buffer") : NULL;
    int32_t *cp = sp != NULL ? address(env, sums, "int8 pack: sums must be a direct buffer") : NULL;
    if (cp == NULL) return;
    sl_int8_pack(wp, n, k, pp, sp, cp);
}

JNIEXPORT void JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_linearTernaryInt8(
        JNIEnv *env, jclass cls, jobject x, jfloatArray alpha, jobject packed, jobject scale, jobject sums, jobject b,
        jobject y, jlong m, jlong n, jlong k, jint act) {
    (void) cls;
    if (!supported(env, sl_int8_supported(), "int8 linear: this processor lacks AVX-512 VNNI")) return;
    const float *xp = address(env, x, "int8 linear: spikes must be a direct buffer");
    const int8_t *pp = xp != NULL ? address(env, packed, "int8 linear: packed must be a direct buffer") : NULL;
    const float *sp = pp != NULL ? address(env, scale, "int8 linear: scale must be a direct buffer") : NULL;
    const int32_t *cp = sp != NULL ? address(env, sums, "int8 linear: sums must be a direct buffer") : NULL;
    const float *bp = NULL;
    if (cp != NULL && b != NULL) bp = address(env, b, "int8 linear: bias must be a direct buffer");
    float *yp = cp != NULL && (b == NULL || bp != NULL) ? address(env, y, "int8 linear: y must be a direct buffer") : NULL;
    if (yp == NULL) return;
    jint steps = (*env)->GetArrayLength(env, alpha);
    float *amplitudes = malloc(sizeof(float) * (steps > 0 ? steps : 1));
    if (amplitudes == NULL) {
        throw_new(env, "java/lang/OutOfMemoryError", "int8 linear: amplitudes");
        return;
    }
    (*env)->GetFloatArrayRegion(env, alpha, 0, steps, amplitudes);
    int status = sl_linear_ternary_int8(xp, amplitudes, steps, pp, sp, cp, bp, yp, m, n, k, act);
    free(amplitudes);
    if (status != 0) throw_new(env, "java/lang/OutOfMemoryError", "int8 linear: no memory for the spike bytes");
}

JNIEXPORT jboolean JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_eventsSupported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return sl_events_supported() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jint JNICALL Java_ai_spikelm_ops_kernel_NativeKernels_linearEvents(
        JNIEnv *env, jclass cls, jobject x, jlong steps, jobject w, jobject b, jobject y, jlong m, jlong n, jlong k, jint act,
        jboolean delta) {
    (void) cls;
    if (!supported(env, sl_events_supported(), "event linear: this processor lacks AVX2 or FMA")) return 0;
    const float *xp = address(env, x, "event linear: spikes must be a direct buffer");
    const float *wp = xp != NULL ? address(env, w, "event linear: weight must be a direct buffer") : NULL;
    const float *bp = NULL;
    if (wp != NULL && b != NULL) bp = address(env, b, "event linear: bias must be a direct buffer");
    float *yp = wp != NULL && (b == NULL || bp != NULL) ? address(env, y, "event linear: y must be a direct buffer") : NULL;
    if (yp == NULL) return 0;
    int status = sl_linear_events(xp, steps, wp, bp, yp, m, n, k, act, delta == JNI_TRUE);
    if (status == -1) throw_new(env, "java/lang/OutOfMemoryError", "event linear: no memory for the events");
    if (status == -2) throw_new(env, "java/lang/IllegalArgumentException", "event linear: rows must be a multiple of the steps and outputs of 8");
    return status == -3 ? 0 : 1; /* 0: not spikes, the caller multiplies densely */
}
