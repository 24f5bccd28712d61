package ai.spikelm.ops.neuron;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.spikelm.ops.kernel.NativeKernels;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Inference-only spiking in one pass over memory: the whole T-step recurrence
 * α_t·clamp(round(u_t/α_t), −1, 1) runs on the arrays' own memory, in the {@link
 * NativeSpikeKernel} where the build made it and in Java, chunk by chunk, elsewhere.
 *
 * <p>Why it exists: at inference a neuron costs memory traffic, not arithmetic. Composed of engine
 * operations, one step is five passes (divide, round, clamp, scale, carry) over an array that does
 * not fit in cache, and T steps stream it 5T times; here each element is read once and written
 * once, and the working chunk of every step stays in the core's cache.
 *
 * <ul>
 *   <li>The arithmetic is the generic path's, operation for operation in float32 (Java does not
 *       contract multiply-add), so the spikes are the same bits. Round half to even is {@code (v
 *       + 1.5·2²³) − 1.5·2²³}: the addition rounds to an integer exactly as {@code torch.round}
 *       does for |v| &lt; 2²², and for larger |v| the result keeps the sign of v, which is all the
 *       clamp looks at. The Java loops are plain array loops that the JIT vectorises.
 *   <li>NaN propagates as on the generic path (both kernels' clamps keep it), so no
 *       finiteness check is needed: it reaches the model's single check.
 *   <li>One difference: a silent site is +0 where the generic path may give −0 (equal in every sum
 *       and product that follows).
 *   <li>Memory is reached through {@link NDArray#toByteBuffer(boolean) toByteBuffer(true)} on a
 *       contiguous array, which an engine may serve as a view of its memory (PyTorch does) or as a
 *       copy. Whether it is a view is probed once per engine; where it is a copy, {@link
 *       #supports} is false and callers take the generic path.
 *   <li>The Java kernel runs on the calling thread: threads of our own (tried: grains shared with
 *       the common fork-join pool) gained nothing measurable inside a model, where the engine's
 *       OpenMP workers spin on the other cores right after each operation. The C kernel hands
 *       large calls to those same workers instead ({@link NativeSpikeKernel}).
 * </ul>
 */
final class InferenceSpikes {

    /** 1.5·2²³: adding and subtracting it rounds a float32 to an integer, half to even. */
    static final float ROUNDING_SHIFT = 12582912f;

    /**
     * Elements of one step processed together: the input, membrane and output chunks (48 KB in all)
     * stay in the core's L2 through all T steps.
     */
    static final int CHUNK = 4096;

    private InferenceSpikes() {}

    /**
     * Returns whether this path applies: float32 in host memory (input and the manager that will
     * own the output), within a Java buffer's reach, on an engine that lets Java address it.
     *
     * @param input the neuron input
     * @return true if {@link #spike} may be called
     */
    static boolean supports(NDArray input) {
        NDManager manager = input.getManager();
        return input.getDataType() == DataType.FLOAT32
                && Device.Type.CPU.equals(input.getDevice().getDeviceType())
                && Device.Type.CPU.equals(manager.getDevice().getDeviceType())
                && input.size() <= Integer.MAX_VALUE / Float.BYTES
                && NativeKernels.hasDirectMemory(manager);
    }

    /**
     * Spikes {@code input} over its leading time axis.
     *
     * @param input {@code [T, ...]} float32, with {@link #supports} true
     * @param alpha α_0 … α_{T−1}
     * @param carry how the membrane passes from step to step, or {@code null} for no membrane (each
     *     step spiked on its own, as the single-step quantiser does)
     * @param decay τ, unused without a carry
     * @param owned whether the caller gave the input up: the spikes are then written over it, which
     *     spares a fresh array (memory the cache has not seen) of the input's size
     * @return α_t·s_t for every step, on the input's manager
     */
    static NDArray spike(NDArray input, float[] alpha, ResetMode carry, float decay, boolean owned) {
        Shape shape = input.getShape();
        int n = Math.toIntExact(input.size() / alpha.length);
        // A view when the input is contiguous (so an owned input is overwritten), else a copy.
        NDArray flat = input.reshape(-1);
        NDArray out = owned ? flat.reshape(shape) : input.getManager().create(shape, DataType.FLOAT32);
        try {
            ByteBuffer x = flat.toByteBuffer(true);
            ByteBuffer o = out.toByteBuffer(true);
            if (NativeSpikeKernel.AVAILABLE) {
                NativeSpikeKernel.spike(x, o, n, alpha, carry, decay);
            } else {
                spikeSteps(x.asFloatBuffer(), o.asFloatBuffer(), n, alpha, carry, decay);
            }
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        } finally {
            flat.close(); // the handle only: its memory lives on in out when owned
        }
        return out;
    }

    /**
     * The Java kernel: runs all T steps, {@link #CHUNK} elements of every step at a time. A chunk
     * of step t is read before it is written, so input and output may be the same memory.
     *
     * @param x the input, {@code T·n} values, step after step
     * @param o the output, laid out as the input
     * @param n elements per step
     * @param alpha α_0 … α_{T−1}
     * @param carry the membrane's carry, or {@code null} for none
     * @param decay τ
     */
    static void spikeSteps(FloatBuffer x, FloatBuffer o, int n, float[] alpha, ResetMode carry, float decay) {
        float[] in = new float[CHUNK];
        float[] u = new float[CHUNK];
        float[] e = new float[CHUNK];
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            for (int t = 0; t < alpha.length; t++) {
                x.get(t * n + c, in, 0, len);
                if (carry == null || t == 0) {
                    float[] free = u; // u_t = x_t: the input chunk becomes the membrane
                    u = in;
                    in = free;
                } else {
                    carry.nextMembrane(u, e, in, len, decay, alpha[t - 1]);
                }
                spike(u, e, len, alpha[t]);
                o.put(t * n + c, e, 0, len);
            }
        }
    }

    /**
     * e = α·clamp(round(u/α), −1, 1) for the first {@code len} elements.
     *
     * @param u membrane
     * @param e emitted spikes, written
     * @param len elements
     * @param alpha α
     */
    static void spike(float[] u, float[] e, int len, float alpha) {
        for (int i = 0; i < len; i++) {
            float rounded = (u[i] / alpha + ROUNDING_SHIFT) - ROUNDING_SHIFT;
            e[i] = Math.min(Math.max(rounded, -1f), 1f) * alpha;
        }
    }
}
