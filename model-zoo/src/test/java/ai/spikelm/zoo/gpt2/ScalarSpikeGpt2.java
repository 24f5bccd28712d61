package ai.spikelm.zoo.gpt2;

import ai.spikelm.zoo.core.ScalarMath;
import ai.spikelm.zoo.core.ScalarSpikingReference;
import ai.spikelm.zoo.weights.HostTensor;
import java.util.Map;

/**
 * A second, independent SpikeLM-GPT-2 written with plain Java loops in double precision, straight
 * from the GPT-2 math (pre-LayerNorm, causal attention, gelu_new, Conv1D weights [in, out], tied
 * head) and SPIKELM.md §3, reading the same Hugging Face-named weights. Spiking sites use the
 * REFERENCE reset with τ = 0.25 and the amplitudes stored in the weights; with one time step and no
 * spiking it is a plain GPT-2.
 */
final class ScalarSpikeGpt2 extends ScalarSpikingReference {

    private final SpikeGpt2Config config;

    ScalarSpikeGpt2(SpikeGpt2Config config, Map<String, HostTensor> weights) {
        super(config.spiking(), weights);
        this.config = config;
    }

    /** Returns logits [B][L][V]. */
    double[][][] forward(long[][] ids) {
        int b = ids.length;
        int l = ids[0].length;
        int d = config.nEmbd();
        float[] wte = t("transformer.wte.weight");
        float[] wpe = t("transformer.wpe.weight");
        double[][][][] x = new double[steps][b][l][d];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < l; j++) {
                    for (int k = 0; k < d; k++) {
                        x[s][i][j][k] = wte[(int) ids[i][j] * d + k] + wpe[j * d + k];
                    }
                }
            }
        }
        for (int layer = 0; layer < config.nLayer(); layer++) {
            x = block(x, "transformer.h." + layer + ".");
        }
        int vocab = config.vocabSize();
        double[][][] logits = new double[b][l][vocab];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < l; j++) {
                double[] mean = new double[d];
                for (int s = 0; s < steps; s++) {
                    for (int k = 0; k < d; k++) {
                        mean[k] += x[s][i][j][k] / steps;
                    }
                }
                double[] h = layerNorm(mean, "transformer.ln_f");
                for (int v = 0; v < vocab; v++) {
                    double acc = 0;
                    for (int k = 0; k < d; k++) {
                        acc += h[k] * wte[v * d + k];
                    }
                    logits[i][j][v] = acc;
                }
            }
        }
        return logits;
    }

    private double[][][][] block(double[][][][] x, String p) {
        int d = config.nEmbd();
        int heads = config.nHead();
        int dh = config.headSize();
        int b = x[0].length;
        int l = x[0][0].length;
        double[][][][] qkv = conv1d(neuron(norm(x, p + "ln_1"), p + "attn.c_attn.neuron"), p + "attn.c_attn");
        double[][][][] q = slice(qkv, 0, d);
        double[][][][] k = quantize(slice(qkv, d, d), p + "attn.key_spike");
        double[][][][] v = quantize(slice(qkv, 2 * d, d), p + "attn.value_spike");
        double[][][][] ctx = new double[steps][b][l][d];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < b; i++) {
                for (int h = 0; h < heads; h++) {
                    for (int qi = 0; qi < l; qi++) {
                        double[] scores = new double[qi + 1]; // causal: keys 0..qi
                        double max = Double.NEGATIVE_INFINITY;
                        for (int kj = 0; kj <= qi; kj++) {
                            double dot = 0;
                            for (int e = 0; e < dh; e++) {
                                dot += q[s][i][qi][h * dh + e] * k[s][i][kj][h * dh + e];
                            }
                            scores[kj] = dot / Math.sqrt(dh);
                            max = Math.max(max, scores[kj]);
                        }
                        double sum = 0;
                        for (int kj = 0; kj <= qi; kj++) {
                            scores[kj] = Math.exp(scores[kj] - max);
                            sum += scores[kj];
                        }
                        for (int kj = 0; kj <= qi; kj++) {
                            for (int e = 0; e < dh; e++) {
                                ctx[s][i][qi][h * dh + e] += scores[kj] / sum * v[s][i][kj][h * dh + e];
                            }
                        }
                    }
                }
            }
        }
        double[][][][] attn = conv1d(neuron(ctx, p + "attn.c_proj.neuron"), p + "attn.c_proj");
        x = add(x, attn);
        double[][][][] hidden = conv1d(neuron(norm(x, p + "ln_2"), p + "mlp.c_fc.neuron"), p + "mlp.c_fc");
        for (double[][][] a : hidden) {
            for (double[][] bb : a) {
                for (double[] c : bb) {
                    for (int e = 0; e < c.length; e++) {
                        c[e] = ScalarMath.geluNew(c[e]);
                    }
                }
            }
        }
        return add(x, conv1d(neuron(hidden, p + "mlp.c_proj.neuron"), p + "mlp.c_proj"));
    }

    /** GPT-2's Conv1D: y = x · W + b with W stored [in, out]. */
    private double[][][][] conv1d(double[][][][] x, String name) {
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
                            acc += x[s][i][j][e] * weight[e * out + o];
                        }
                        y[s][i][j][o] = acc;
                    }
                }
            }
        }
        return y;
    }

    private static double[][][][] slice(double[][][][] x, int from, int size) {
        double[][][][] y = new double[x.length][x[0].length][x[0][0].length][size];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < x[0].length; i++) {
                for (int j = 0; j < x[0][0].length; j++) {
                    System.arraycopy(x[s][i][j], from, y[s][i][j], 0, size);
                }
            }
        }
        return y;
    }

    private static double[][][][] add(double[][][][] a, double[][][][] b) {
        double[][][][] y = new double[a.length][a[0].length][a[0][0].length][a[0][0][0].length];
        for (int s = 0; s < a.length; s++) {
            for (int i = 0; i < a[0].length; i++) {
                for (int j = 0; j < a[0][0].length; j++) {
                    for (int e = 0; e < a[0][0][0].length; e++) {
                        y[s][i][j][e] = a[s][i][j][e] + b[s][i][j][e];
                    }
                }
            }
        }
        return y;
    }

    private double[][][][] norm(double[][][][] x, String name) {
        double[][][][] y = new double[x.length][x[0].length][x[0][0].length][];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < x[0].length; i++) {
                for (int j = 0; j < x[0][0].length; j++) {
                    y[s][i][j] = layerNorm(x[s][i][j], name);
                }
            }
        }
        return y;
    }

    private double[] layerNorm(double[] v, String name) {
        return layerNorm(v, name, config.layerNormEpsilon());
    }
}
