package ai.spikelm.zoo.djl;

import ai.djl.engine.Engine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * How many threads PyTorch uses inside one operation (its intra-op pool), which decides most of
 * the CPU time of inference.
 *
 * <p><b>Defaults.</b> SpikeLM keeps PyTorch's: one intra-op thread per core (or {@code
 * OMP_NUM_THREADS}), or {@code -Dai.djl.pytorch.num_threads=N} given at start-up. That suits one
 * large batch on an otherwise idle machine. Many small requests, concurrent callers, or a host
 * shared with other work are faster with few threads, often one: the threads of each operation
 * otherwise wait for cores that are busy. The inter-op pool ({@code
 * -Dai.djl.pytorch.num_interop_threads}) runs no work of SpikeLM's models, which execute operation
 * by operation.
 *
 * <p>The setting belongs to the process, not to a model: PyTorch has one intra-op pool, so the
 * last value set applies to every model of the JVM. {@code Criteria} takes it as the argument
 * {@value SpikeLmArguments#INTRA_OP_THREADS}, the LangChain4j builders as {@code
 * intraOpThreads(n)}.
 */
public final class InferenceThreads {

    private static final String PYTORCH = "PyTorch";

    private InferenceThreads() {}

    /**
     * Sets PyTorch's intra-op threads for the whole process (starting the engine if needed).
     *
     * @param threads at least 1
     * @throws IllegalArgumentException if {@code threads} is below 1
     * @throws IllegalStateException if the PyTorch engine is not on the class path
     */
    public static void setIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + threads);
        }
        invoke("setNumThreads", threads);
    }

    /**
     * Returns PyTorch's intra-op threads (starting the engine if needed).
     *
     * @return the number of threads one operation may use
     * @throws IllegalStateException if the PyTorch engine is not on the class path
     */
    public static int intraOpThreads() {
        return (Integer) invoke("getNumThreads");
    }

    /** Calls the engine's own setting, which only the PyTorch engine jar has (a run-time dependency). */
    private static Object invoke(String method, Object... args) {
        Engine engine;
        try {
            engine = Engine.getEngine(PYTORCH); // loads the native library first
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "Thread settings need the PyTorch engine (ai.djl.pytorch:pytorch-engine), which is not on the class path", e);
        }
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils", true, engine.getClass().getClassLoader());
            Class<?>[] types = new Class<?>[args.length];
            java.util.Arrays.fill(types, int.class);
            Method m = jni.getMethod(method, types);
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("PyTorch refused " + method + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("This PyTorch engine has no " + method + " (DJL " + Engine.getDjlVersion() + ")", e);
        }
    }
}
