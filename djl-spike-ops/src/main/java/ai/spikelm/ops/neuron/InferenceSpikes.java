package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Inference-only spike arithmetic: α·clamp(round(v/α), −1, 1) computed in place on arrays the
 * caller owns, with the fewest passes over memory.
 *
 * <p>Why it exists: at inference a neuron costs memory traffic, not arithmetic, and the generic
 * {@link ElasticSpike#emit} allocates a fresh array per operation and clamps with DJL's {@code
 * clip}, which builds two bound tensors per call and takes PyTorch's slower tensor-bound clamp.
 * Here every step after the first division works in place:
 *
 * <ul>
 *   <li>round half to even is {@code (v + 1.5·2²³) − 1.5·2²³} in float32: the addition rounds to an
 *       integer exactly as {@code torch.round} does for |v| &lt; 2²², and for larger |v| the result
 *       keeps the sign of v, which is all the clamp below looks at;
 *   <li>clamping an integer to [−1, 1] is its sign;
 *   <li>scalars are made once per call in engine-owned memory ({@link Scalars}), not wrapped from
 *       Java numbers per operation.
 * </ul>
 *
 * <p>The result equals {@link ElasticSpike#emit} bit for bit except in two places: a silent site
 * is +0 where the generic path may give −0 (equal in every sum and product that follows), and a
 * NaN input gives a silent site instead of NaN. Callers therefore check their input (or the
 * membrane that accumulated it) for finiteness and fall back to the generic path, which
 * propagates NaN to the model's single check, when it is not.
 */
final class InferenceSpikes {

    /** 1.5·2²³: adding and subtracting it rounds a float32 to an integer, half to even. */
    static final float ROUNDING_SHIFT = 12582912f;

    /**
     * Elements per block of a membrane recurrence (4 MB per working array): only the widest steps
     * (the FFN expansion of a large batch) are cut, into a few blocks whose input, output slot,
     * membrane and carry stay in the last-level cache through all T steps. Smaller blocks keep more
     * in L2 (about 10% faster on one thread) but multiply the operations, and with two intra-op
     * threads on a busy machine every parallel operation can cost a scheduler time slice: 64K and
     * 256K blocks made T = 4 up to twice as slow there.
     */
    static final long BLOCK = 1 << 20;

    private InferenceSpikes() {}

    /**
     * Returns whether the in-place arithmetic applies: the rounding shift is float32's.
     *
     * @param input the neuron input
     * @return true for FLOAT32
     */
    static boolean supports(NDArray input) {
        return input.getDataType() == DataType.FLOAT32;
    }

    /**
     * Spikes every step of {@code input} at once, with no membrane: step t is divided by α_t
     * broadcast along the leading time axis. Five passes; one new array unless the input is owned.
     *
     * @param input {@code [T, ...]}
     * @param alpha α_0 … α_{T−1}
     * @param owned whether the caller gave the input up: the spikes are then written over it, which
     *     spares a fresh array (memory the cache has not seen) of the input's size
     * @return α_t·s_t for every step, on the input's manager, or {@code null} if the input is not
     *     finite (it is then unchanged)
     */
    static NDArray stateless(NDArray input, float[] alpha, boolean owned) {
        if (!NeuronSupport.isFinite(input)) {
            return null;
        }
        try (NDManager scope = input.getManager().newSubManager()) {
            Scalars k = new Scalars(scope);
            NDArray amplitude = alpha.length == 1 ? k.of(alpha[0]) : k.perStep(alpha, input.getShape());
            NDArray out = owned ? input.divi(amplitude) : input.div(amplitude);
            return quantizeScaledInPlace(out, amplitude, k.roundingShift());
        }
    }

    /**
     * Cuts every step of a {@code [T, ...]} array into blocks of at most {@link #BLOCK} elements.
     * The blocks of a contiguous array are views: writing into them writes into the array (a
     * non-contiguous array is copied first, so only read those).
     *
     * @param steps {@code [T, ...]}
     * @param timeSteps T
     * @param scope owner of the views
     * @return for each step t, its blocks in order
     */
    static NDList[] blocks(NDArray steps, int timeSteps, NDManager scope) {
        long n = steps.size() / timeSteps;
        NDArray flat = steps.reshape(timeSteps, n);
        flat.attach(scope);
        long[] cuts = new long[(int) ((n - 1) / BLOCK)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * BLOCK;
        }
        NDList[] blocks = new NDList[timeSteps];
        for (int t = 0; t < timeSteps; t++) {
            NDArray step = flat.get(t);
            step.attach(scope);
            blocks[t] = cuts.length == 0 ? new NDList(step) : step.split(cuts);
            blocks[t].attach(scope);
        }
        return blocks;
    }

    /**
     * Replaces v by α·clamp(round(v/α), −1, 1) in place.
     *
     * @param v the membrane, owned by the caller and overwritten
     * @param alpha α, a scalar array or one broadcast along v
     * @param roundingShift {@link #ROUNDING_SHIFT} as a scalar array
     * @return v
     */
    static NDArray spikeInPlace(NDArray v, NDArray alpha, NDArray roundingShift) {
        return quantizeScaledInPlace(v.divi(alpha), alpha, roundingShift);
    }

    /** v/α → α·sign(round(v/α)), in place. */
    private static NDArray quantizeScaledInPlace(NDArray scaled, NDArray alpha, NDArray roundingShift) {
        return scaled.addi(roundingShift).subi(roundingShift).signi().muli(alpha);
    }

    /**
     * Scalar operands for one call, created once in engine-owned memory on the call's scope (a
     * number passed to an NDArray operation is wrapped in a new Java-backed array every time).
     */
    static final class Scalars {
        private final NDManager scope;
        private NDArray roundingShift;

        Scalars(NDManager scope) {
            this.scope = scope;
        }

        /**
         * Returns a float32 scalar array.
         *
         * @param value the value
         * @return a 0-d array on the scope
         */
        NDArray of(float value) {
            return scope.full(new Shape(), value, DataType.FLOAT32);
        }

        /** {@link InferenceSpikes#ROUNDING_SHIFT}, made once. */
        NDArray roundingShift() {
            if (roundingShift == null) {
                roundingShift = of(ROUNDING_SHIFT);
            }
            return roundingShift;
        }

        /** α as {@code [T, 1, …, 1]}, broadcast against an input of {@code shape}. */
        NDArray perStep(float[] alpha, Shape shape) {
            long[] dims = new long[shape.dimension()];
            java.util.Arrays.fill(dims, 1L);
            dims[0] = alpha.length;
            return scope.create(alpha, new Shape(dims));
        }
    }
}
