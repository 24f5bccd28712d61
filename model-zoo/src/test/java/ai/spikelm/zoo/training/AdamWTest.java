package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamW steps worked out by hand on a handful of named parameters. */
class AdamWTest {

    private static final float LR = 0.1f;
    private static final float WD = 0.5f;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    /** Parameters named like a model's: a weight, a bias, a LayerNorm weight, an amplitude, frozen. */
    private static Map<String, Parameter> parameters(NDManager m) {
        Map<String, Parameter> p = new LinkedHashMap<>();
        p.put("layer.dense.weight", param(m, "weight", new float[] {1f, -2f}, true));
        p.put("layer.dense.bias", param(m, "bias", new float[] {0.5f}, true));
        p.put("layer.LayerNorm.weight", param(m, "weight", new float[] {1f, 1f}, true));
        p.put("layer.dense.neuron.alpha", param(m, "alpha", new float[] {2f}, true));
        p.put("layer.query.neuron.alpha", param(m, "alpha", new float[] {3f}, false));
        return p;
    }

    private static Parameter param(NDManager m, String name, float[] values, boolean trainable) {
        Parameter p =
                Parameter.builder()
                        .setName(name)
                        .setType(Parameter.Type.WEIGHT)
                        .optArray(m.create(values))
                        .optRequiresGrad(trainable)
                        .build();
        p.initialize(m, DataType.FLOAT32);
        return p;
    }

    /** Backpropagates loss = Σ_p Σ_i c_p[i]·θ_p[i], so each gradient is c_p. */
    private static void gradients(NDManager m, Map<String, Parameter> params, Map<String, float[]> c) {
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray loss = null;
            for (var e : c.entrySet()) {
                NDArray term = params.get(e.getKey()).getArray().mul(m.create(e.getValue())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    /** One parameter's update by the formulas of the class Javadoc, in double precision. */
    private static final class Reference {
        final double[] theta;
        final double[] m;
        final double[] v;
        final boolean decays;

        Reference(float[] theta, boolean decays) {
            this.theta = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                this.theta[i] = theta[i];
            }
            this.m = new double[theta.length];
            this.v = new double[theta.length];
            this.decays = decays;
        }

        void step(double[] g, double lr, int t) {
            for (int i = 0; i < theta.length; i++) {
                if (decays) {
                    theta[i] -= lr * WD * theta[i];
                }
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(B1, t));
                double vHat = v[i] / (1 - Math.pow(B2, t));
                theta[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
            }
        }

        float[] values() {
            float[] out = new float[theta.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) theta[i];
            }
            return out;
        }
    }

    private static AdamW adamW(Map<String, Parameter> params, float maxNorm) {
        return AdamW.builder()
                .setParameters(params)
                .setLearningRate(WarmupLinearSchedule.constant(LR))
                .optWeightDecay(WD)
                .optMaxGradNorm(maxNorm)
                .build();
    }

    @Test
    void defaultDecayRuleExemptsBiasLayerNormAndAlpha() {
        assertTrue(AdamW.isDecayExempt("bert.encoder.layer.0.output.dense.bias"));
        assertTrue(AdamW.isDecayExempt("bert.embeddings.LayerNorm.weight"));
        assertTrue(AdamW.isDecayExempt("bert.encoder.layer.3.attention.self.key_states.alpha"));
        assertTrue(AdamW.isDecayExempt("cls.predictions.bias"));
        assertFalse(AdamW.isDecayExempt("bert.encoder.layer.0.output.dense.weight"));
        assertFalse(AdamW.isDecayExempt("bert.embeddings.word_embeddings.weight"));
    }

    @Test
    void twoStepsByHandWithDecoupledDecayOnWeightsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> params = parameters(m);
            Map<String, Reference> ref = new LinkedHashMap<>();
            params.forEach(
                    (name, p) -> ref.put(name, new Reference(p.getArray().toFloatArray(), name.endsWith("dense.weight"))));
            Map<String, float[]> g1 = new LinkedHashMap<>();
            g1.put("layer.dense.weight", new float[] {0.3f, -0.2f});
            g1.put("layer.dense.bias", new float[] {1.5f});
            g1.put("layer.LayerNorm.weight", new float[] {-0.4f, 0.05f});
            g1.put("layer.dense.neuron.alpha", new float[] {0.7f});
            Map<String, float[]> g2 = new LinkedHashMap<>();
            g2.put("layer.dense.weight", new float[] {-0.1f, 0.6f});
            g2.put("layer.dense.bias", new float[] {0.5f});
            g2.put("layer.LayerNorm.weight", new float[] {0.2f, 0.2f});
            g2.put("layer.dense.neuron.alpha", new float[] {-1f});

            try (AdamW adamW = adamW(params, 0f)) {
                int t = 0;
                for (Map<String, float[]> g : java.util.List.of(g1, g2)) {
                    gradients(m, params, g);
                    AdamW.StepResult r = adamW.step();
                    t++;
                    assertEquals(LR, r.learningRate());
                    assertFalse(r.clipped());
                    for (var e : g.entrySet()) {
                        double[] gd = new double[e.getValue().length];
                        for (int i = 0; i < gd.length; i++) {
                            gd[i] = e.getValue()[i];
                        }
                        ref.get(e.getKey()).step(gd, LR, t);
                    }
                    for (var e : g.entrySet()) {
                        assertArrayEquals(
                                ref.get(e.getKey()).values(),
                                params.get(e.getKey()).getArray().toFloatArray(),
                                1e-6f,
                                e.getKey() + " after step " + t);
                    }
                }
                assertEquals(2, adamW.getStepCount());
                assertArrayEquals(
                        new float[] {3f},
                        params.get("layer.query.neuron.alpha").getArray().toFloatArray(),
                        "a parameter without gradient (frozen α) never moves");
                assertTrue(adamW.appliesWeightDecay("layer.dense.weight"));
                assertFalse(adamW.appliesWeightDecay("layer.dense.neuron.alpha"));
                // First step by hand for the weight: decay 1 → 1 − 0.1·0.5·1 = 0.95, then Adam moves
                // it by −lr·sign(g) (m̂/√v̂ = g/|g| at t = 1): 0.95 − 0.1 = 0.85.
                Reference first = new Reference(new float[] {1f}, true);
                first.step(new double[] {0.3}, LR, 1);
                assertEquals(0.85, first.theta[0], 1e-7);
            }
        }
    }

    @Test
    void learningRateScaleMultipliesTheStepAndTheDecayPerParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> params = parameters(m);
            Map<String, float[]> g = new LinkedHashMap<>();
            g.put("layer.dense.weight", new float[] {0.3f, -0.2f});
            g.put("layer.dense.bias", new float[] {1.5f});
            try (AdamW adamW = AdamW.builder()
                    .setParameters(params)
                    .setLearningRate(WarmupLinearSchedule.constant(LR))
                    .optWeightDecay(WD)
                    .optMaxGradNorm(0f)
                    .optLearningRateScale(name -> name.endsWith("weight") ? 0.25 : 1)
                    .build()) {
                assertEquals(0.25f, adamW.learningRateScale("layer.dense.weight"));
                assertEquals(1f, adamW.learningRateScale("layer.dense.bias"));
                gradients(m, params, g);
                AdamW.StepResult r = adamW.step();
                assertEquals(LR, r.learningRate(), "the schedule's rate is reported, not a scaled one");
                // First step by hand at lr 0.1·0.25 = 0.025: weight [1, −2] decays by 0.025·0.5 to
                // [0.9875, −1.975], then moves by −0.025·sign(g): [0.9625, −1.95].
                assertArrayEquals(new float[] {0.9625f, -1.95f}, params.get("layer.dense.weight").getArray().toFloatArray(), 1e-6f);
                // The bias keeps the full rate and takes no decay: 0.5 − 0.1 = 0.4.
                assertArrayEquals(new float[] {0.4f}, params.get("layer.dense.bias").getArray().toFloatArray(), 1e-6f);
                assertThrows(IllegalArgumentException.class, () -> adamW.learningRateScale("no.such.weight"));
            }
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> AdamW.builder().setParameters(params).setLearningRate(WarmupLinearSchedule.constant(LR))
                            .optLearningRateScale(name -> name.contains("bias") ? -1 : 1).build());
            assertTrue(negative.getMessage().contains("layer.dense.bias"), negative.getMessage());
        }
    }

    @Test
    void gradientsAreZeroedAfterTheStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> params = parameters(m);
            try (AdamW adamW = adamW(params, 0f)) {
                gradients(m, params, Map.of("layer.dense.weight", new float[] {1f, 1f}));
                adamW.step();
                assertArrayEquals(new float[2], params.get("layer.dense.weight").getArray().getGradient().toFloatArray());
            }
        }
    }

    @Test
    void globalNormClippingByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> params = parameters(m);
            // Global norm over all parameters: √(3² + 4² + 12²) = 13.
            Map<String, float[]> g = new LinkedHashMap<>();
            g.put("layer.dense.weight", new float[] {3f, 0f});
            g.put("layer.dense.bias", new float[] {4f});
            g.put("layer.dense.neuron.alpha", new float[] {12f});
            try (AdamW adamW = adamW(params, 1f)) {
                gradients(m, params, g);
                AdamW.StepResult r = adamW.step();
                assertEquals(13f, r.gradientNorm(), 1e-5f, "the norm reported is the one before clipping");
                assertTrue(r.clipped());
                Map<String, HostTensor> state = adamW.exportState();
                // m = (1 − β₁)·g·(1/(13 + 1e-6)) after one step.
                double scale = 1 / (13 + 1e-6);
                assertArrayEquals(
                        new float[] {(float) (0.1 * 3 * scale), 0f},
                        state.get("layer.dense.weight.exp_avg").toFloatArray(),
                        1e-7f);
                assertArrayEquals(
                        new float[] {(float) (0.1 * 12 * scale)},
                        state.get("layer.dense.neuron.alpha.exp_avg").toFloatArray(),
                        1e-7f);
                assertArrayEquals(
                        new float[] {(float) (0.001 * 16 * scale * scale)},
                        state.get("layer.dense.bias.exp_avg_sq").toFloatArray(),
                        1e-9f);
            }
            // Below the limit nothing is scaled.
            Map<String, Parameter> fresh = parameters(m);
            try (AdamW adamW = adamW(fresh, 100f)) {
                gradients(m, fresh, g);
                assertFalse(adamW.step().clipped());
                assertArrayEquals(
                        new float[] {0.3f, 0f}, adamW.exportState().get("layer.dense.weight.exp_avg").toFloatArray(), 1e-7f);
            }
        }
    }

    @Test
    void nonFiniteGradientsAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> params = parameters(m);
            try (AdamW adamW = adamW(params, 1f)) {
                gradients(m, params, Map.of("layer.dense.bias", new float[] {Float.NaN}));
                IllegalStateException e = assertThrows(IllegalStateException.class, adamW::step);
                assertTrue(e.getMessage().contains("layer.dense.bias"), e.getMessage());
                assertArrayEquals(new float[] {0.5f}, params.get("layer.dense.bias").getArray().toFloatArray());
                assertEquals(0, adamW.getStepCount());
            }
        }
    }

    @Test
    void stateRoundTripContinuesIdentically(@TempDir Path dir) throws IOException {
        Map<String, float[]> g = new LinkedHashMap<>();
        g.put("layer.dense.weight", new float[] {0.3f, -0.2f});
        g.put("layer.dense.neuron.alpha", new float[] {0.7f});
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> a = parameters(m);
            Map<String, Parameter> b = parameters(m);
            try (AdamW first = adamW(a, 1f)) {
                gradients(m, a, g);
                first.step();
                first.save(dir.resolve(AdamW.STATE_FILE));
                for (String name : a.keySet()) {
                    b.get(name).getArray().set(a.get(name).getArray().toFloatArray());
                }
                try (AdamW resumed = adamW(b, 1f)) {
                    resumed.load(dir.resolve(AdamW.STATE_FILE));
                    assertEquals(1, resumed.getStepCount());
                    gradients(m, a, g);
                    first.step();
                    gradients(m, b, g);
                    resumed.step();
                    for (String name : a.keySet()) {
                        assertArrayEquals(
                                a.get(name).getArray().toFloatArray(), b.get(name).getArray().toFloatArray(), 0f, name);
                    }
                }
            }
            Map<String, Parameter> other = new LinkedHashMap<>();
            other.put("something.else", param(m, "weight", new float[] {1f, 2f}, true));
            try (AdamW wrong = adamW(other, 1f)) {
                assertThrows(IllegalArgumentException.class, () -> wrong.load(dir.resolve(AdamW.STATE_FILE)));
            }
        }
    }
}
