package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.spikelm.ops.ScalarOps;
import java.util.function.UnaryOperator;

/** The activation functions Hugging Face configs name in {@code hidden_act}. */
public final class Activations {

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private Activations() {}

    /**
     * Returns the activation a config names.
     *
     * @param name {@code gelu} (erf), {@code gelu_new} / {@code gelu_pytorch_tanh} (tanh
     *     approximation) or {@code relu}
     * @return the function
     * @throws InvalidConfigException for any other name
     */
    public static UnaryOperator<NDArray> of(String name) {
        switch (name) {
            case "gelu":
                return Activations::gelu;
            case "gelu_new":
            case "gelu_pytorch_tanh":
                return Activations::geluTanh;
            case "relu":
                return Activation::relu;
            default:
                throw new InvalidConfigException(
                        "Unsupported hidden_act '" + name + "'; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
        }
    }

    /**
     * GELU with the exact Gaussian CDF: x · ½ · (1 + erf(x/√2)), as the engine's own operator: one
     * pass over memory where the formula spelled out in operations takes five (about five times
     * the time on a BERT intermediate activation).
     *
     * @param x the input
     * @return the activation
     */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /**
     * GELU with the tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
     *
     * @param x the input
     * @return the activation
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = ScalarOps.mul(x.add(ScalarOps.mul(ScalarOps.pow(x, 3), 0.044715f)), SQRT_2_OVER_PI);
        return ScalarOps.mul(x.mul(inner.tanh().add(1f)), 0.5f);
    }
}
