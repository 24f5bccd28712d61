/*
 * The single-step elastic spike, shared by the spike kernel (spikelm_neuron.c) and the encoder
 * layer (encoder_layer.c): the same float32 arithmetic, operation for operation, as the Java kernel
 * (InferenceSpikes) and the generic NDArray path. Build flags matter for the bits: no -ffast-math,
 * and -ffp-contract=off. The clamp is written as comparisons, which keep NaN (fminf/fmaxf would
 * drop it).
 */
#ifndef SPIKELM_SPIKE_H
#define SPIKELM_SPIKE_H

#define SL_ROUNDING_SHIFT 12582912.0f /* 1.5 * 2^23: (v + S) - S rounds v half to even */

/* α·clamp(round(u/α), −1, 1). */
static inline float sl_spike(float u, float a) {
    float r = (u / a + SL_ROUNDING_SHIFT) - SL_ROUNDING_SHIFT;
    float s = r > 1.0f ? 1.0f : (r < -1.0f ? -1.0f : r);
    return s * a;
}

#endif
