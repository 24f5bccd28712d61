package ai.spikelm.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication, division, power and maximum by a constant that stay correct under autograd.
 *
 * <p>On DJL's PyTorch engine {@code x.mul(0.5f)} wraps the constant in an array whose memory is a
 * Java direct buffer that PyTorch does not own, and closes that array at once. Multiplication and
 * division keep their operand for the backward pass, so when the garbage collector frees the
 * buffer between forward and backward, the gradient is computed from whatever took its place
 * (gradients of 1e30 and NaN in training, at random). These helpers make the constant with {@code
 * NDManager.full}, in memory the engine owns, so the backward pass always sees it. Use them
 * wherever the result may be differentiated; addition and subtraction keep nothing and are safe
 * as they are.
 */
public final class ScalarOps {

    private ScalarOps() {}

    /**
     * Returns x · c.
     *
     * @param x the array
     * @param c the constant
     * @return the product, differentiable in x
     */
    public static NDArray mul(NDArray x, float c) {
        try (NDArray constant = constant(x, c)) {
            return x.mul(constant);
        }
    }

    /**
     * Returns x / c.
     *
     * @param x the array
     * @param c the constant
     * @return the quotient, differentiable in x
     */
    public static NDArray div(NDArray x, float c) {
        try (NDArray constant = constant(x, c)) {
            return x.div(constant);
        }
    }

    /**
     * Returns x^c.
     *
     * @param x the array
     * @param c the exponent
     * @return the power, differentiable in x
     */
    public static NDArray pow(NDArray x, float c) {
        try (NDArray constant = constant(x, c)) {
            return x.pow(constant);
        }
    }

    /**
     * Returns max(x, c) element-wise.
     *
     * @param x the array
     * @param c the constant
     * @return the maximum, differentiable in x
     */
    public static NDArray maximum(NDArray x, float c) {
        try (NDArray constant = constant(x, c)) {
            return x.maximum(constant);
        }
    }

    /** A scalar of x's type in engine-owned memory (native allocation, not a Java buffer). */
    private static NDArray constant(NDArray x, float c) {
        return x.getManager().full(new Shape(), c, x.getDataType());
    }
}
