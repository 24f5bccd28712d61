package ai.spikelm.ops.neuron;

import static ai.spikelm.ops.neuron.NeuronFixture.forward;
import static ai.spikelm.ops.neuron.NeuronFixture.initialize;
import static ai.spikelm.ops.neuron.NeuronFixture.steps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Gradients of the spike function and of the membrane recurrence, against analytic values. */
class ElasticSpikeGradientTest {

    /** u/α on a grid that includes both window edges ±1 exactly. */
    private static final float[] U = {-1.5f, -1.001f, -1f, -0.999f, -0.5f, 0f, 0.5f, 0.999f, 1f, 1.001f, 2f};
    private static final float[] W = {0.3f, -1.1f, 0.7f, 2.0f, -0.4f, 1.3f, 0.9f, -0.6f, 1.7f, 0.2f, -0.8f};

    @Test
    void straightThroughInsideInclusiveWindowOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray u = manager.create(U);
            u.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = ElasticSpike.fire(u, manager.create(1f), false).output();
                collector.backward(out.mul(manager.create(W)).sum());
            }
            float[] want = new float[U.length];
            for (int i = 0; i < U.length; i++) {
                want[i] = Math.abs(U[i]) <= 1f ? W[i] : 0f;
            }
            assertArrayEquals(want, u.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void straightThroughWindowScalesWithAlpha() {
        float alpha = 2.5f;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray u = manager.create(U).mul(alpha);
            u.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = ElasticSpike.fire(u, manager.create(alpha), false).output();
                collector.backward(out.mul(manager.create(W)).sum());
            }
            float[] grad = u.getGradient().toFloatArray();
            float[] values = u.toFloatArray();
            for (int i = 0; i < U.length; i++) {
                float want = Math.abs(values[i] / alpha) <= 1f ? W[i] : 0f;
                assertEquals(want, grad[i], 0f, "u=" + values[i]);
            }
        }
    }

    @Test
    void learnableAmplitudeGetsTheLsqGradient() {
        float alpha = 0.8f;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray u = manager.create(U).mul(alpha);
            NDArray a = manager.create(alpha);
            a.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = ElasticSpike.fire(u, a, true).output();
                collector.backward(out.mul(manager.create(W)).sum());
            }
            // ∂o/∂α = g·(round(v) − v) inside, −g below, +g above; g = 1/√numel.
            float[] values = u.toFloatArray();
            double g = 1.0 / Math.sqrt(U.length);
            double want = 0;
            for (int i = 0; i < U.length; i++) {
                double v = values[i] / alpha;
                double d;
                if (v < -1) {
                    d = -1;
                } else if (v > 1) {
                    d = 1;
                } else {
                    d = Math.rint(v) - v;
                }
                want += W[i] * d * g;
            }
            assertEquals(want, a.getGradient().getFloat(), 1e-5);
        }
    }

    @Test
    void frozenAmplitudeGetsNoGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray u = manager.create(U);
            u.setRequiresGradient(true);
            NDArray a = manager.create(1f);
            a.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = ElasticSpike.fire(u, a, false).output();
                collector.backward(out.mul(manager.create(W)).sum());
            }
            assertEquals(0f, a.getGradient().getFloat(), 0f);
        }
    }

    /**
     * T = 2, α = [1, 1], loss = Σ w0·o0 + w1·o1. By hand: ∂L/∂x1 = w1·[|u1| ≤ 1]; ∂L/∂x0 =
     * w0·[|u0| ≤ 1] + w1·[|u1| ≤ 1]·∂u1/∂u0, where ∂u1/∂u0 = τ·(α0 − o0) (REFERENCE), τ·(1 − |s0|)
     * (HARD) or τ (SOFT), with s0 and α0 detached.
     */
    @ParameterizedTest
    @EnumSource(ResetMode.class)
    void gradientFlowsThroughPreviousMembraneOnly(ResetMode mode) {
        float tau = 0.25f;
        float[] x0 = {0.3f, 0.8f, -0.9f, 1.4f, -0.2f, 0.6f};
        float[] x1 = {0.1f, -0.5f, 0.4f, 0.2f, 1.6f, 0.9f};
        float[] w0 = {1.0f, -2.0f, 0.5f, 1.5f, -0.7f, 0.4f};
        float[] w1 = {0.9f, 0.3f, -1.2f, 0.8f, 0.6f, -1.4f};
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron =
                    ElasticBiSpikingNeuron.builder().setTimeSteps(2).optResetMode(mode).build();
            initialize(neuron, manager, new Shape(2, 6));
            neuron.setAmplitudes(new float[] {1f, 1f});
            NDArray x = steps(manager, new float[][] {x0, x1});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = forward(neuron, manager, x, true);
                NDArray w = steps(manager, new float[][] {w0, w1});
                collector.backward(out.mul(w).sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < 6; i++) {
                float u0 = x0[i];
                float s0 = (float) Math.max(-1, Math.min(1, Math.rint(u0)));
                float du1du0;
                switch (mode) {
                    case REFERENCE:
                        du1du0 = tau * (1f - s0);
                        break;
                    case HARD:
                        du1du0 = tau * (1f - Math.abs(s0));
                        break;
                    default:
                        du1du0 = tau;
                }
                float u1 = (mode == ResetMode.SOFT ? (u0 - s0) * tau : u0 * du1du0) + x1[i];
                float inside0 = Math.abs(u0) <= 1 ? 1 : 0;
                float inside1 = Math.abs(u1) <= 1 ? 1 : 0;
                assertEquals(w0[i] * inside0 + w1[i] * inside1 * du1du0, grad[i], 1e-6f, mode + " x0[" + i + "]");
                assertEquals(w1[i] * inside1, grad[6 + i], 1e-6f, mode + " x1[" + i + "]");
            }
        }
    }
}
