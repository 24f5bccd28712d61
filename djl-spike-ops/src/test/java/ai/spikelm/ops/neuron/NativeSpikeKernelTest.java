package ai.spikelm.ops.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.spikelm.ops.kernel.NativeKernels;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C kernel against the Java kernel on the same buffers: the same bits for every carry, step
 * count and length (across the C kernel's 1024-element blocks and the Java kernel's chunks), in
 * place or not, with rounding ties and values a few ulps around them, signed zeros, NaN,
 * infinities and huge values in the input. The engine is loaded first, as it always is before a
 * neuron spikes, so that calls of 32 768 values or more are shared out over its OpenMP threads.
 * {@link InferencePathTest} checks whichever kernel runs against the generic NDArray path.
 */
class NativeSpikeKernelTest {

    @BeforeAll
    static void loadTheEngine() {
        Engine.getInstance(); // loads libtorch and, with it, the OpenMP runtime the kernel shares out over
    }

    @Test
    void loadsWhereTheBuildHadGcc() {
        assumeTrue(NativeSpikeKernel.isLinuxX86_64(), "the library is built for linux-x86_64 only");
        assumeTrue(onPath("gcc"), "built without gcc: the Java kernel runs");
        assumeTrue(Boolean.parseBoolean(System.getProperty("spikelm.native", "true")), "turned off: the Java kernel runs");
        assertNotNull(
                NativeKernels.class.getResource("linux-x86_64/libspikelm_kernels.so"), "the build put the library beside its loader");
        assertTrue(NativeSpikeKernel.AVAILABLE, "the library loads");
    }

    @Test
    void findsTheEnginesOpenMpRuntime() {
        assumeTrue(NativeSpikeKernel.AVAILABLE, "no native kernel on this platform");
        assumeTrue("PyTorch".equals(Engine.getInstance().getEngineName()), "PyTorch brings libgomp");
        String runtime = NativeSpikeKernel.openMpRuntime();
        assertNotNull(runtime, "large calls are shared out over the engine's threads");
        assertTrue(runtime.contains("libgomp"), runtime);
    }

    @Test
    void sameBitsAsTheJavaKernel() {
        assumeTrue(NativeSpikeKernel.AVAILABLE, "no native kernel on this platform");
        ResetMode[] carries = {null, ResetMode.REFERENCE, ResetMode.HARD, ResetMode.SOFT};
        Random random = new Random(3);
        int cases = 0;
        for (ResetMode carry : carries) {
            for (int steps : new int[] {1, 2, 4}) {
                // Shared out when T·n ≥ 32 768: the last at every T, the one before at T = 4.
                for (int n : new int[] {1, 1023, 1025, InferenceSpikes.CHUNK + 5000, 40_001}) {
                    float[] alpha = new float[steps];
                    for (int t = 0; t < steps; t++) {
                        alpha[t] = (float) Math.exp(random.nextGaussian());
                    }
                    float[] x = input(random, alpha, n);
                    for (boolean inPlace : new boolean[] {false, true}) {
                        float[] want = run(x, inPlace, (in, out) -> InferenceSpikes.spikeSteps(
                                in.asFloatBuffer(), out.asFloatBuffer(), n, alpha, carry, 0.25f));
                        float[] got = run(x, inPlace, (in, out) -> NativeSpikeKernel.spike(in, out, n, alpha, carry, 0.25f));
                        for (int i = 0; i < x.length; i++) {
                            int at = i;
                            assertEquals(
                                    Float.floatToIntBits(want[i]),
                                    Float.floatToIntBits(got[i]),
                                    () -> carry + " T=" + steps + " n=" + n + " in place " + inPlace + " at " + at);
                        }
                        cases++;
                    }
                }
            }
        }
        assertEquals(4 * 3 * 5 * 2, cases);
    }

    /** One kernel on direct, native-order buffers. */
    private interface Kernel {
        void spike(ByteBuffer in, ByteBuffer out);
    }

    private static float[] run(float[] x, boolean inPlace, Kernel kernel) {
        ByteBuffer in = ByteBuffer.allocateDirect(x.length * Float.BYTES).order(ByteOrder.nativeOrder());
        in.asFloatBuffer().put(x);
        ByteBuffer out = inPlace ? in : ByteBuffer.allocateDirect(in.capacity()).order(ByteOrder.nativeOrder());
        kernel.spike(in, out);
        FloatBuffer view = out.asFloatBuffer();
        float[] values = new float[view.capacity()];
        view.get(values);
        return values;
    }

    /** Gaussian values, a third of them exactly on a rounding tie of their step, and extremes. */
    private static float[] input(Random random, float[] alpha, int n) {
        float[] special = {
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 1e30f, -1e30f, Float.MIN_VALUE
        };
        float[] x = new float[alpha.length * n];
        for (int t = 0; t < alpha.length; t++) {
            for (int i = 0; i < n; i++) {
                int k = t * n + i;
                if (i % 3 == 0) {
                    x[k] = (random.nextInt(7) - 3) * 0.5f * alpha[t];
                } else if (i % 3 == 1 && i % 2 == 0) {
                    x[k] = nearHalf(random, alpha[t]);
                } else if (i % 97 == 1) {
                    x[k] = special[random.nextInt(special.length)];
                } else {
                    x[k] = (float) random.nextGaussian() * 1.5f * alpha[t];
                }
            }
        }
        return x;
    }

    /** ±α/2 moved by a few ulps: where rounding u/α to an integer decides between 0 and ±1. */
    private static float nearHalf(Random random, float alpha) {
        float v = 0.5f * alpha;
        for (int steps = random.nextInt(7) - 3; steps != 0; steps -= Integer.signum(steps)) {
            v = steps > 0 ? Math.nextUp(v) : Math.nextDown(v);
        }
        return random.nextBoolean() ? v : -v;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
