package ai.spikelm.ops.neuron;

import ai.spikelm.ops.kernel.NativeKernels;
import java.nio.ByteBuffer;

/**
 * The one-pass spiking recurrence of {@link InferenceSpikes} in C ({@code src/main/c}), part of the
 * library {@link NativeKernels} loads (built by gcc into the jar for linux-x86_64 when the build
 * machine has gcc).
 *
 * <p>Why: the Java kernel has to copy every chunk into a Java array and back, because the JIT
 * vectorises loops over arrays but not over direct buffers; the copies and the arithmetic then run
 * one after the other. In C the loop reads the input and writes the output directly. The
 * arithmetic is the same, operation for operation, compiled without fused multiply-add, so both
 * kernels give the same bits ({@code NativeSpikeKernelTest} checks them against each other, and
 * {@code InferencePathTest} against the generic path).
 *
 * <p>Calls of at least 32 768 values are shared out, block by block, over the threads of the
 * OpenMP runtime the engine has already loaded (PyTorch's libgomp): a thread per 32 768 values
 * begun, up to as many as the engine would use on the calling thread, as PyTorch's own {@code
 * parallel_for} does. The engine's workers spin waiting for their next region, so they take
 * the work at once, where threads of our own would fight them for the cores. Without such a
 * runtime the kernel runs on the calling thread.
 *
 * <p>Where the library is missing (another platform, or a build without gcc) or fails to load,
 * {@link #AVAILABLE} is false and the Java kernel runs. {@code -Dspikelm.native=false} turns it off.
 */
final class NativeSpikeKernel {

    /** Whether the native kernel loaded (the library {@link NativeKernels} loads). */
    static final boolean AVAILABLE = NativeKernels.isLoaded();

    private NativeSpikeKernel() {}

    /**
     * Spikes all T steps: {@code o} gets α_t·s_t for the T·n float32 values of {@code x}, laid out
     * step after step. {@code x} and {@code o} may be the same memory.
     *
     * @param x direct, native-order input
     * @param o direct, native-order output, as large as the input
     * @param n elements per step
     * @param alpha α_0 … α_{T−1}
     * @param carry the membrane's carry, or {@code null} for none
     * @param decay τ
     */
    static void spike(ByteBuffer x, ByteBuffer o, int n, float[] alpha, ResetMode carry, float decay) {
        spike(x, o, n, alpha, code(carry), decay);
    }

    /** The C kernel's code for a carry (its {@code enum}). */
    private static int code(ResetMode carry) {
        if (carry == null) {
            return -1;
        }
        return switch (carry) {
            case REFERENCE -> 0;
            case HARD -> 1;
            case SOFT -> 2;
        };
    }

    private static native void spike(ByteBuffer x, ByteBuffer o, long n, float[] alpha, int carry, float decay);

    /**
     * Returns the OpenMP runtime that large calls are shared out over, found in the process on the
     * first call after the engine loaded it.
     *
     * @return the runtime library's path, or {@code null} if there is none and calls run on the
     *     calling thread
     */
    static native String openMpRuntime();

    /**
     * Returns whether this JVM runs on the platform the library is built for.
     *
     * @return true on Linux, x86-64
     */
    static boolean isLinuxX86_64() {
        return NativeKernels.isLinuxX86_64();
    }
}
