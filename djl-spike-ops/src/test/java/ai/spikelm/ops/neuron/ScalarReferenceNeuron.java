package ai.spikelm.ops.neuron;

/**
 * A second, independent implementation of the elastic bi-spiking neuron in plain Java scalars,
 * written from the equations (round with {@link Math#rint}, i.e. half-to-even, then clamp).
 */
final class ScalarReferenceNeuron {

    private ScalarReferenceNeuron() {}

    static float[][] run(float[][] x, float[] alpha, ResetMode mode, float tau) {
        int steps = x.length;
        int n = x[0].length;
        float[][] out = new float[steps][n];
        for (int i = 0; i < n; i++) {
            float u = 0f;
            float s = 0f;
            for (int t = 0; t < steps; t++) {
                if (t == 0) {
                    u = x[0][i];
                } else {
                    float a = alpha[t - 1];
                    float o = a * s;
                    switch (mode) {
                        case REFERENCE:
                            u = u * (a - o) * tau + x[t][i];
                            break;
                        case HARD:
                            u = u * (1f - Math.abs(s)) * tau + x[t][i];
                            break;
                        case SOFT:
                            u = (u - o) * tau + x[t][i];
                            break;
                        default:
                            throw new AssertionError(mode);
                    }
                }
                s = (float) Math.max(-1.0, Math.min(1.0, Math.rint(u / alpha[t])));
                out[t][i] = alpha[t] * s;
            }
        }
        return out;
    }
}
