package ai.spikelm.zoo.core;

import ai.spikelm.zoo.weights.HostTensor;
import java.util.Map;

/**
 * The spiking part of the scalar reference models ({@code ScalarSpikeBert}, {@code
 * ScalarSpikeGpt2}): the Hugging Face-named weights, the elastic bi-spiking neuron with the
 * REFERENCE reset (τ = 0.25) and the single-step ternary quantiser of K and V, in plain Java
 * loops over {@code [T][B][L][D]} arrays, straight from SPIKELM.md. Both families spike the same
 * way; only their layers differ.
 */
public abstract class ScalarSpikingReference {

    /** The number of time steps T. */
    protected final int steps;

    /** Whether the sites spike; false makes every site the identity (a plain ANN). */
    protected final boolean spiking;

    /**
     * The smallest |(|u/α|) − ½| seen: how far the closest spike decision was from flipping. A test
     * compares to the real model only when it is clear of float rounding.
     */
    public double margin = Double.POSITIVE_INFINITY;

    private final Map<String, HostTensor> weights;

    /**
     * Creates the reference.
     *
     * @param spiking the model's SpikeLM settings
     * @param weights the weights by Hugging Face name, with the {@code .alpha} amplitudes of every site
     */
    protected ScalarSpikingReference(SpikingConfig spiking, Map<String, HostTensor> weights) {
        this.weights = weights;
        this.steps = spiking.timeSteps();
        this.spiking = spiking.isSpiking();
    }

    /**
     * Returns a weight as floats.
     *
     * @param name the Hugging Face name
     * @return the values, row-major
     * @throws IllegalArgumentException if there is no such tensor
     */
    protected final float[] t(String name) {
        HostTensor tensor = weights.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return tensor.toFloatArray();
    }

    /**
     * LayerNorm of one vector with the weights {@code name.weight} and {@code name.bias}.
     *
     * @param v the vector
     * @param name the LayerNorm's Hugging Face name
     * @param eps the epsilon
     * @return the normalised vector
     */
    protected final double[] layerNorm(double[] v, String name, double eps) {
        return ScalarMath.layerNorm(v, t(name + ".weight"), t(name + ".bias"), eps);
    }

    /**
     * The elastic bi-spiking neuron, REFERENCE reset, per element over T; the identity for an ANN.
     *
     * @param x {@code [T][B][L][D]}
     * @param site the site's Hugging Face name (its amplitudes are {@code site.alpha})
     * @return the spikes times amplitudes, a new array
     */
    protected final double[][][][] neuron(double[][][][] x, String site) {
        if (!spiking) {
            return x;
        }
        float[] alpha = t(site + ".alpha");
        double[][][][] out = new double[steps][x[0].length][x[0][0].length][x[0][0][0].length];
        for (int i = 0; i < x[0].length; i++) {
            for (int j = 0; j < x[0][0].length; j++) {
                for (int e = 0; e < x[0][0][0].length; e++) {
                    double u = 0;
                    double o = 0;
                    for (int s = 0; s < steps; s++) {
                        u = s == 0 ? x[0][i][j][e] : 0.25 * u * (alpha[s - 1] - o) + x[s][i][j][e];
                        o = alpha[s] * ternary(u / alpha[s]);
                        out[s][i][j][e] = o;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The single-step ternary quantiser of K and V; the identity for an ANN.
     *
     * @param x {@code [T][B][L][D]}
     * @param site the site's Hugging Face name
     * @return the quantised values, a new array
     */
    protected final double[][][][] quantize(double[][][][] x, String site) {
        if (!spiking) {
            return x;
        }
        float[] alpha = t(site + ".alpha");
        double[][][][] out = new double[x.length][x[0].length][x[0][0].length][];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < x[0].length; i++) {
                for (int j = 0; j < x[0][0].length; j++) {
                    double[] c = x[s][i][j].clone();
                    for (int e = 0; e < c.length; e++) {
                        c[e] = alpha[s] * ternary(c[e] / alpha[s]);
                    }
                    out[s][i][j] = c;
                }
            }
        }
        return out;
    }

    private double ternary(double v) {
        margin = Math.min(margin, Math.abs(Math.abs(v) - 0.5));
        return Math.max(-1, Math.min(1, Math.rint(v)));
    }
}
