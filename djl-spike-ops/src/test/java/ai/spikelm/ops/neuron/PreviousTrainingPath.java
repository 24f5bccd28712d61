package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * The training path as it was before the one-pass training spikes, kept as the reference the new
 * path's values and gradients are compared with: every step selected from the input, its membrane
 * formed, spiked with the straight-through carrier {@code α·s + (u·[|u/α| ≤ 1] − stopGradient(…))}
 * (plus α times the LSQ term for a learnable α)
 * and the steps stacked.
 */
final class PreviousTrainingPath {

    private PreviousTrainingPath() {}

    /**
     * Spikes {@code input} for training.
     *
     * @param input {@code [T, ...]}
     * @param alpha α_0 … α_{T−1}, {@code [T]}
     * @param learnable whether α takes the LSQ gradient (SPIKELM.md §1: round(v) − v inside the
     *     window, −1 below, +1 above, times 1/√n for the n elements of a step)
     * @param carry the membrane's carry, or {@code null} for independent steps (the quantiser)
     * @param decay τ
     * @return the spikes {@code [T, ...]}, differentiable
     */
    static NDArray spike(NDArray input, NDArray alpha, boolean learnable, ResetMode carry, float decay) {
        NDList outputs = new NDList((int) alpha.size());
        AbstractElasticSpikingBlock.Step previous = null;
        for (int t = 0; t < alpha.size(); t++) {
            NDArray x = input.get(t);
            NDArray u = previous == null || carry == null ? x : carry.carry(previous, decay).add(x);
            NDArray alphaT = alpha.get(t);
            NDArray a = alphaT.stopGradient();
            NDArray scaled = u.stopGradient().div(a);
            NDArray spike = scaled.round().clip(-1f, 1f);
            NDArray inside = scaled.abs().lte(1f).toType(DataType.FLOAT32, false);
            NDArray carrier = u.mul(inside);
            if (learnable) {
                NDArray below = scaled.lt(-1f).toType(DataType.FLOAT32, false);
                NDArray above = scaled.gt(1f).toType(DataType.FLOAT32, false);
                NDArray lsq = spike.sub(scaled).mul(inside).add(above).sub(below).mul((float) (1.0 / Math.sqrt(u.size())));
                carrier = carrier.add(alphaT.mul(lsq));
            }
            NDArray output = spike.mul(a).add(carrier.sub(carrier.stopGradient()));
            previous = new AbstractElasticSpikingBlock.Step(u, spike, a, output.stopGradient());
            outputs.add(output);
        }
        return NDArrays.stack(outputs);
    }
}
