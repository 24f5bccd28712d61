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

/* The carry codes of NativeSpikeKernel.code(): SL_CARRY_NONE for a quantiser without a membrane. */
enum { SL_CARRY_NONE = -1, SL_CARRY_REFERENCE = 0, SL_CARRY_HARD = 1, SL_CARRY_SOFT = 2 };

/*
 * Spikes x [steps, n] into o [steps, n] (o may be x) with the amplitudes alpha[steps], the membrane
 * carried between steps by `mode` with decay τ; shared out over the engine's threads when large
 * (spikelm_neuron.c).
 */
void sl_spike_steps(const float *x, float *o, long n, int steps, const float *alpha, int mode, float decay);

/* α·clamp(round(u/α), −1, 1). */
static inline float sl_spike(float u, float a) {
    float r = (u / a + SL_ROUNDING_SHIFT) - SL_ROUNDING_SHIFT;
    float s = r > 1.0f ? 1.0f : (r < -1.0f ? -1.0f : r);
    return s * a;
}

#endif
