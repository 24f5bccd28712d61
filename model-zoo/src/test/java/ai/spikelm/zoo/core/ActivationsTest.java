package ai.spikelm.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every activation a config may name against {@link ScalarMath}'s double-precision definitions:
 * values within 2e-6 (a few float32 ulps at |x| ≤ 8), and gradients within 1e-4 of central
 * differences of the same definitions; gelu_new's negative tail also within 1e-5 relative.
 */
class ActivationsTest {

    private static final float[] X = {-8f, -4.5f, -3f, -1.7f, -1f, -0.5f, -1e-3f, 0f, 1e-3f, 0.3f, 0.5f, 1f, 2.2f, 3f, 5f, 8f};

    @Test
    void geluIsTheExactGaussianCdfForm() {
        assertMatches(Activations.of("gelu"), ScalarMath::gelu);
    }

    @Test
    void geluNewIsTheTanhApproximation() {
        assertMatches(Activations.of("gelu_new"), ScalarMath::geluNew);
        assertMatches(Activations.of("gelu_pytorch_tanh"), ScalarMath::geluNew);
    }

    @Test
    void geluNewKeepsItsRelativePrecisionInTheNegativeTail() {
        float[] tail = {-3f, -4.5f, -6f, -8f};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] got = Activations.geluTanh(manager.create(tail)).toFloatArray();
            for (int i = 0; i < tail.length; i++) {
                // ½x(1 + tanh u) = x / (1 + e^(−2u)): in double without the cancellation of 1 + tanh u
                double x = tail[i];
                double want = x / (1 + Math.exp(-2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                assertEquals(want, got[i], 1e-5 * Math.abs(want), "at " + x); // want is -3.6e-3 … -3.1e-21
            }
        }
    }

    @Test
    void reluIsMaxWithZero() {
        assertMatches(Activations.of("relu"), x -> Math.max(x, 0));
    }

    @Test
    void anUnknownNameIsRejectedWithTheSupportedOnes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Activations.of("swish"));
        assertEquals(
                "Unsupported hidden_act 'swish'; supported: gelu, gelu_new, gelu_pytorch_tanh, relu", e.getMessage());
    }

    private static void assertMatches(UnaryOperator<NDArray> activation, DoubleUnaryOperator reference) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(X);
            x.setRequiresGradient(true);
            float[] values;
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray y = activation.apply(x);
                values = y.toFloatArray();
                gc.backward(y.sum());
            }
            float[] gradients = x.getGradient().toFloatArray();
            for (int i = 0; i < X.length; i++) {
                double at = X[i];
                assertEquals(reference.applyAsDouble(at), values[i], 2e-6, "value at " + at);
                if (at != 0) { // relu has no derivative at 0
                    double h = 1e-5;
                    double slope = (reference.applyAsDouble(at + h) - reference.applyAsDouble(at - h)) / (2 * h);
                    assertEquals(slope, gradients[i], 1e-4, "gradient at " + at);
                }
            }
        }
    }
}
