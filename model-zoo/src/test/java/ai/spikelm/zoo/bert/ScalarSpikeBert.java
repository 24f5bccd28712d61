package ai.spikelm.zoo.bert;

import ai.spikelm.zoo.weights.HostTensor;
import java.util.Map;

/**
 * A second, independent SpikeLM-BERT written with plain Java loops in double precision, straight
 * from SPIKELM.md §2, reading the same Hugging Face-named weights. Spiking sites use the REFERENCE
 * reset with τ = 0.25 and the amplitudes stored in the weights; with {@code timeSteps = 1} and no
 * amplitudes it is a plain BERT.
 */
final class ScalarSpikeBert {

    private final Map<String, HostTensor> w;
    private final SpikeBertConfig config;
    private final int steps;
    private final boolean spiking;
    /** Smallest |(|u/α|) − ½| seen: how far the closest spike decision was from flipping. */
    double margin = Double.POSITIVE_INFINITY;

    ScalarSpikeBert(SpikeBertConfig config, Map<String, HostTensor> weights) {
        this.w = weights;
        this.config = config;
        this.steps = config.spiking().timeSteps();
        this.spiking = config.spiking().isSpiking();
    }

    private float[] t(String name) {
        HostTensor tensor = w.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return tensor.toFloatArray();
    }

    /** Returns last_hidden_state [B][L][D]. */
    double[][][] forward(long[][] ids, long[][] mask, long[][] types) {
        int b = ids.length;
        int l = ids[0].length;
        int d = config.hiddenSize();
        double[][][] emb = new double[b][l][d];
        float[] word = t("embeddings.word_embeddings.weight");
        float[] pos = t("embeddings.position_embeddings.weight");
        float[] typ = t("embeddings.token_type_embeddings.weight");
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < l; j++) {
                for (int k = 0; k < d; k++) {
                    emb[i][j][k] = word[(int) ids[i][j] * d + k] + pos[j * d + k] + typ[(int) types[i][j] * d + k];
                }
                emb[i][j] = layerNorm(emb[i][j], "embeddings.LayerNorm");
            }
        }
        double[][][][] x = new double[steps][][][];
        for (int s = 0; s < steps; s++) {
            x[s] = copy(emb);
        }
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            x = layer(x, mask, "encoder.layer." + layer + ".");
        }
        double[][][] out = new double[b][l][d];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < l; j++) {
                    for (int k = 0; k < d; k++) {
                        out[i][j][k] += x[s][i][j][k] / steps;
                    }
                }
            }
        }
        return out;
    }

    private double[][][][] layer(double[][][][] x, long[][] mask, String p) {
        int heads = config.numAttentionHeads();
        int dh = config.headSize();
        double[][][][] q = linear(neuron(x, p + "attention.self.query.neuron"), p + "attention.self.query");
        double[][][][] k =
                quantize(linear(neuron(x, p + "attention.self.key.neuron"), p + "attention.self.key"),
                        p + "attention.self.key_spike");
        double[][][][] v =
                quantize(linear(neuron(x, p + "attention.self.value.neuron"), p + "attention.self.value"),
                        p + "attention.self.value_spike");
        int b = x[0].length;
        int l = x[0][0].length;
        int d = x[0][0][0].length;
        double[][][][] ctx = new double[steps][b][l][d];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < b; i++) {
                for (int h = 0; h < heads; h++) {
                    for (int qi = 0; qi < l; qi++) {
                        double[] scores = new double[l];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int kj = 0; kj < l; kj++) {
                            double dot = 0;
                            for (int e = 0; e < dh; e++) {
                                dot += q[s][i][qi][h * dh + e] * k[s][i][kj][h * dh + e];
                            }
                            scores[kj] = mask[i][kj] == 0 ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(dh);
                            max = Math.max(max, scores[kj]);
                        }
                        double sum = 0;
                        for (int kj = 0; kj < l; kj++) {
                            scores[kj] = Math.exp(scores[kj] - max);
                            sum += scores[kj];
                        }
                        for (int kj = 0; kj < l; kj++) {
                            for (int e = 0; e < dh; e++) {
                                ctx[s][i][qi][h * dh + e] += scores[kj] / sum * v[s][i][kj][h * dh + e];
                            }
                        }
                    }
                }
            }
        }
        double[][][][] attn =
                addNorm(linear(neuron(ctx, p + "attention.output.dense.neuron"), p + "attention.output.dense"),
                        x, p + "attention.output.LayerNorm");
        double[][][][] inter = linear(neuron(attn, p + "intermediate.dense.neuron"), p + "intermediate.dense");
        for (double[][][] a : inter) {
            for (double[][] bb : a) {
                for (double[] c : bb) {
                    for (int e = 0; e < c.length; e++) {
                        c[e] = 0.5 * c[e] * (1 + erf(c[e] / Math.sqrt(2)));
                    }
                }
            }
        }
        return addNorm(linear(neuron(inter, p + "output.dense.neuron"), p + "output.dense"), attn, p + "output.LayerNorm");
    }

    /** The elastic bi-spiking neuron, REFERENCE reset, per element over T; identity for an ANN. */
    private double[][][][] neuron(double[][][][] x, String site) {
        if (!spiking) {
            return x;
        }
        float[] alpha = t(site + ".alpha");
        double[][][][] out = copy4(x);
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

    /** The single-step ternary quantiser of K and V. */
    private double[][][][] quantize(double[][][][] x, String site) {
        if (!spiking) {
            return x;
        }
        float[] alpha = t(site + ".alpha");
        double[][][][] out = copy4(x);
        for (int s = 0; s < steps; s++) {
            for (double[][] a : out[s]) {
                for (double[] c : a) {
                    for (int e = 0; e < c.length; e++) {
                        c[e] = alpha[s] * ternary(c[e] / alpha[s]);
                    }
                }
            }
        }
        return out;
    }

    private double ternary(double v) {
        margin = Math.min(margin, Math.abs(Math.abs(v) - 0.5));
        return Math.max(-1, Math.min(1, Math.rint(v)));
    }

    private double[][][][] linear(double[][][][] x, String name) {
        float[] weight = t(name + ".weight");
        float[] bias = t(name + ".bias");
        int out = bias.length;
        int in = x[0][0][0].length;
        double[][][][] y = new double[x.length][x[0].length][x[0][0].length][out];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < x[0].length; i++) {
                for (int j = 0; j < x[0][0].length; j++) {
                    for (int o = 0; o < out; o++) {
                        double acc = bias[o];
                        for (int e = 0; e < in; e++) {
                            acc += weight[o * in + e] * x[s][i][j][e];
                        }
                        y[s][i][j][o] = acc;
                    }
                }
            }
        }
        return y;
    }

    private double[][][][] addNorm(double[][][][] x, double[][][][] residual, String norm) {
        double[][][][] y = new double[x.length][x[0].length][x[0][0].length][];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < x[0].length; i++) {
                for (int j = 0; j < x[0][0].length; j++) {
                    double[] sum = new double[x[s][i][j].length];
                    for (int e = 0; e < sum.length; e++) {
                        sum[e] = x[s][i][j][e] + residual[s][i][j][e];
                    }
                    y[s][i][j] = layerNorm(sum, norm);
                }
            }
        }
        return y;
    }

    private double[] layerNorm(double[] v, String name) {
        float[] gamma = t(name + ".weight");
        float[] beta = t(name + ".bias");
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
            out[e] = (v[e] - mean) / Math.sqrt(var + config.layerNormEps()) * gamma[e] + beta[e];
        }
        return out;
    }

    /** erf by its Maclaurin series (|x| ≤ 3) or continued fraction; well below 1e-12 here. */
    static double erf(double x) {
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

    private static double[][][] copy(double[][][] a) {
        double[][][] c = new double[a.length][a[0].length][];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j].clone();
            }
        }
        return c;
    }

    private static double[][][][] copy4(double[][][][] a) {
        double[][][][] c = new double[a.length][][][];
        for (int s = 0; s < a.length; s++) {
            c[s] = copy(a[s]);
        }
        return c;
    }
}
