package ai.spikelm.ops.kernel;

/**
 * GELU in double precision, x·½·erfc(−x/√2), as the reference for the kernels' float GELU (the
 * engine's own float GELU loses up to about 1e-3 of its value in the negative tail, where 1 + erf
 * cancels). erfc by the Taylor series of erf below 3 and by its continued fraction above.
 */
final class GeluReference {

    private GeluReference() {}

    static double gelu(double x) {
        double z = x / Math.sqrt(2);
        return 0.5 * x * (z >= 0 ? 2 - erfc(z) : erfc(-z));
    }

    /** erfc(z) for z ≥ 0, to about 1e-13 of its value. */
    static double erfc(double z) {
        if (z < 3) {
            double term = z;
            double sum = z;
            for (int n = 1; n < 200; n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
                if (Math.abs(term) < 1e-18) {
                    break;
                }
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        double fraction = z; // z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...)))), evaluated from the tail
        for (int n = 80; n >= 1; n--) {
            fraction = z + (n / 2.0) / fraction;
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
    }
}
