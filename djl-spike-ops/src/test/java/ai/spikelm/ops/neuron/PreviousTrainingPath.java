package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * The training path as it was before the one-pass training spikes, kept as the reference the new
 * path's values and gradients are compared with: every step selected from the input, its membrane
 * formed, spiked with the straight-through carrier {@code α·s + (u·[|u/α| ≤ 1] − stopGradient(…))}
 * and the steps stacked.
 */
final class PreviousTrainingPath {

    private PreviousTrainingPath() {}

    /**
     * Spikes {@code input} for training with frozen amplitudes.
     *
     * @param input {@code [T, ...]}
     * @param alpha α_0 … α_{T−1}
     * @param carry the membrane's carry, or {@code null} for independent steps (the quantiser)
     * @param decay τ
     * @return the spikes {@code [T, ...]}, differentiable
     */
    static NDArray spike(NDArray input, float[] alpha, ResetMode carry, float decay) {
        NDList outputs = new NDList(alpha.length);
        AbstractElasticSpikingBlock.Step previous = null;
        for (int t = 0; t < alpha.length; t++) {
            NDArray x = input.get(t);
            NDArray u = previous == null || carry == null ? x : carry.carry(previous, decay).add(x);
            NDArray alphaT = input.getManager().create(alpha[t]);
            NDArray scaled = u.stopGradient().div(alphaT);
            NDArray spike = scaled.round().clip(-1f, 1f);
            NDArray inside = scaled.abs().lte(1f).toType(DataType.FLOAT32, false);
            NDArray carrier = u.mul(inside);
            NDArray output = spike.mul(alphaT).add(carrier.sub(carrier.stopGradient()));
            previous = new AbstractElasticSpikingBlock.Step(u, spike, alphaT, output.stopGradient());
            outputs.add(output);
        }
        return NDArrays.stack(outputs);
    }
}
