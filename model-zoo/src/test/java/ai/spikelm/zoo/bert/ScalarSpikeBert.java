package ai.spikelm.zoo.bert;

import ai.spikelm.zoo.core.ScalarMath;
import ai.spikelm.zoo.core.ScalarSpikingReference;
import ai.spikelm.zoo.weights.HostTensor;
import java.util.Map;

/**
 * A second, independent SpikeLM-BERT written with plain Java loops in double precision, straight
 * from SPIKELM.md §2, reading the same Hugging Face-named weights. Spiking sites use the REFERENCE
 * reset with τ = 0.25 and the amplitudes stored in the weights; with {@code timeSteps = 1} and no
 * amplitudes it is a plain BERT.
 */
final class ScalarSpikeBert extends ScalarSpikingReference {

    private final SpikeBertConfig config;

    ScalarSpikeBert(SpikeBertConfig config, Map<String, HostTensor> weights) {
        super(config.spiking(), weights);
        this.config = config;
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
                        c[e] = ScalarMath.gelu(c[e]);
                    }
                }
            }
        }
        return addNorm(linear(neuron(inter, p + "output.dense.neuron"), p + "output.dense"), attn, p + "output.LayerNorm");
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
        return layerNorm(v, name, config.layerNormEps());
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
}
