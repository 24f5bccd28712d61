package ai.spikelm.zoo.core;

/**
 * Plain-Java double-precision primitives of the scalar reference models ({@code ScalarSpikeBert},
 * {@code ScalarSpikeGpt2}, {@code ScalarBart}): written once from their definitions, with no DJL,
 * so that the references stay independent of the code they check.
 */
public final class ScalarMath {

    private ScalarMath() {}

    /**
     * LayerNorm of one vector with biased variance, as PyTorch's {@code nn.LayerNorm}.
     *
     * @param v the vector
     * @param gamma the weight
     * @param beta the bias
     * @param eps the epsilon added to the variance
     * @return (v − mean) / √(var + eps) · γ + β
     */
    public static double[] layerNorm(double[] v, float[] gamma, float[] beta, double eps) {
        double mean = 0;
        for (double a : v) {
            mean += a / v.length;
        }
        double var = 0;
        for (double a : v) {
            var += (a - mean) * (a - mean) / v.length;
        }
        double[] out = new double[v.length];
        for (int e = 0; e < v.length; e++) {
            out[e] = (v[e] - mean) / Math.sqrt(var + eps) * gamma[e] + beta[e];
        }
        return out;
    }

    /**
     * The exact GELU of BERT and BART: x · Φ(x) = ½x(1 + erf(x/√2)).
     *
     * @param x the input
     * @return gelu(x)
     */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * GPT-2's tanh approximation of GELU ({@code gelu_new}).
     *
     * @param x the input
     * @return gelu_new(x)
     */
    public static double geluNew(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /**
     * erf by its Maclaurin series (|x| &lt; 3) or continued fraction; well below 1e-12 for the
     * values the references see. Java has no erf, and a library one would not be independent.
     *
     * @param x the input
     * @return erf(x)
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }
}
