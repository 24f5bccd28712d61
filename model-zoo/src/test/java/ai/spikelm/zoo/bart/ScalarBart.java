package ai.spikelm.zoo.bart;

import ai.spikelm.zoo.core.ScalarMath;
import java.util.Map;

/**
 * An independent ANN BART in plain Java (float weights, double arithmetic, no DJL), written from
 * Hugging Face's {@code modeling_bart.py}: scaled shared token embeddings plus learned positions at
 * offset 2, {@code layernorm_embedding}, post-LayerNorm encoder and decoder layers (eps 1e-5),
 * q scaled by 1/√d_head, exact GELU, {@code nn.Linear} weights [out, in], causal decoder
 * self-attention, cross-attention to the encoder output, LM head tied to {@code model.shared} plus
 * {@code final_logits_bias}.
 */
final class ScalarBart {

    private final Map<String, float[]> w;
    private final int d;
    private final int encoderHeads;
    private final int decoderHeads;
    private final int encoderLayers;
    private final int decoderLayers;
    private final int vocab;
    private final double embedScale;

    ScalarBart(int vocab, int d, int encoderLayers, int decoderLayers, int encoderHeads, int decoderHeads,
            boolean scaleEmbedding, Map<String, float[]> weights) {
        this.w = weights;
        this.vocab = vocab;
        this.d = d;
        this.encoderLayers = encoderLayers;
        this.decoderLayers = decoderLayers;
        this.encoderHeads = encoderHeads;
        this.decoderHeads = decoderHeads;
        this.embedScale = scaleEmbedding ? Math.sqrt(d) : 1;
    }

    /**
     * Logits of {@code BartForConditionalGeneration}.
     *
     * @param source [B][S] ids
     * @param sourceMask [B][S] 1 keep / 0 padding, or null
     * @param target [B][L] decoder input ids
     * @return [B][L][V]
     */
    double[][][] forward(long[][] source, long[][] sourceMask, long[][] target) {
        double[][][] out = new double[source.length][][];
        for (int b = 0; b < source.length; b++) {
            boolean[] keep = new boolean[source[b].length];
            for (int j = 0; j < keep.length; j++) {
                keep[j] = sourceMask == null || sourceMask[b][j] != 0;
            }
            double[][] enc = encoder(source[b], keep);
            double[][] dec = decoder(target[b], enc, keep);
            out[b] = lmHead(dec);
        }
        return out;
    }

    private double[][] encoder(long[] ids, boolean[] keep) {
        double[][] h = embed(ids, "model.encoder");
        for (int i = 0; i < encoderLayers; i++) {
            String p = "model.encoder.layers." + i + ".";
            h = layerNorm(add(h, attention(h, h, p + "self_attn", encoderHeads, false, keep)), p + "self_attn_layer_norm");
            h = layerNorm(add(h, ffn(h, p)), p + "final_layer_norm");
        }
        return h;
    }

    private double[][] decoder(long[] ids, double[][] enc, boolean[] sourceKeep) {
        double[][] h = embed(ids, "model.decoder");
        boolean[] all = new boolean[ids.length];
        java.util.Arrays.fill(all, true);
        for (int i = 0; i < decoderLayers; i++) {
            String p = "model.decoder.layers." + i + ".";
            h = layerNorm(add(h, attention(h, h, p + "self_attn", decoderHeads, true, all)), p + "self_attn_layer_norm");
            h = layerNorm(add(h, attention(h, enc, p + "encoder_attn", decoderHeads, false, sourceKeep)),
                    p + "encoder_attn_layer_norm");
            h = layerNorm(add(h, ffn(h, p)), p + "final_layer_norm");
        }
        return h;
    }

    private double[][] embed(long[] ids, String prefix) {
        float[] shared = w.get("model.shared.weight");
        float[] pos = w.get(prefix + ".embed_positions.weight");
        double[][] h = new double[ids.length][d];
        for (int j = 0; j < ids.length; j++) {
            for (int e = 0; e < d; e++) {
                h[j][e] = shared[(int) ids[j] * d + e] * embedScale + pos[(j + 2) * d + e];
            }
        }
        return layerNorm(h, prefix + ".layernorm_embedding");
    }

    private double[][] attention(double[][] x, double[][] kv, String p, int heads, boolean causal, boolean[] keep) {
        int hd = d / heads;
        double scaling = 1 / Math.sqrt(hd);
        double[][] q = linear(x, p + ".q_proj");
        double[][] k = linear(kv, p + ".k_proj");
        double[][] v = linear(kv, p + ".v_proj");
        double[][] ctx = new double[x.length][d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < x.length; i++) {
                double[] s = new double[kv.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < kv.length; j++) {
                    if ((causal && j > i) || !keep[j]) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int e = 0; e < hd; e++) {
                        dot += q[i][h * hd + e] * scaling * k[j][h * hd + e];
                    }
                    s[j] = dot;
                    max = Math.max(max, dot);
                }
                double sum = 0;
                for (int j = 0; j < kv.length; j++) {
                    s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < kv.length; j++) {
                    for (int e = 0; e < hd; e++) {
                        ctx[i][h * hd + e] += s[j] / sum * v[j][h * hd + e];
                    }
                }
            }
        }
        return linear(ctx, p + ".out_proj");
    }

    private double[][] ffn(double[][] x, String p) {
        double[][] h = linear(x, p + "fc1");
        for (double[] row : h) {
            for (int e = 0; e < row.length; e++) {
                row[e] = ScalarMath.gelu(row[e]);
            }
        }
        return linear(h, p + "fc2");
    }

    private double[][] lmHead(double[][] h) {
        float[] shared = w.get("model.shared.weight");
        float[] bias = w.get("final_logits_bias");
        double[][] out = new double[h.length][vocab];
        for (int j = 0; j < h.length; j++) {
            for (int t = 0; t < vocab; t++) {
                double acc = bias[t];
                for (int e = 0; e < d; e++) {
                    acc += h[j][e] * shared[t * d + e];
                }
                out[j][t] = acc;
            }
        }
        return out;
    }

    /** y = x·Wᵀ + b with W [out, in]. */
    private double[][] linear(double[][] x, String name) {
        float[] weight = w.get(name + ".weight");
        float[] bias = w.get(name + ".bias");
        int out = bias.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int j = 0; j < x.length; j++) {
            for (int o = 0; o < out; o++) {
                double acc = bias[o];
                for (int i = 0; i < in; i++) {
                    acc += x[j][i] * weight[o * in + i];
                }
                y[j][o] = acc;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String name) {
        float[] gamma = w.get(name + ".weight");
        float[] beta = w.get(name + ".bias");
        double[][] y = new double[x.length][];
        for (int j = 0; j < x.length; j++) {
            y[j] = ScalarMath.layerNorm(x[j], gamma, beta, 1e-5);
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] c = new double[a.length][a[0].length];
        for (int j = 0; j < a.length; j++) {
            for (int e = 0; e < a[0].length; e++) {
                c[j][e] = a[j][e] + b[j][e];
            }
        }
        return c;
    }
}
