package ai.spikelm.spark;

import ai.spikelm.zoo.core.NativeMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The encoders of one JVM (an executor, or the driver in local mode): each spec's model is loaded
 * by the first task that needs it and kept for every later task and partition, so an executor holds
 * one model per spec, whatever its number of task slots. Its task threads share it (the encoder
 * pipeline is thread-safe; each measures its own forward passes). Loads run one at a time, so that
 * two calibrations never peak together.
 */
public final class ExecutorEncoders {

    private static final Map<EncoderSpec, LoadedEncoder> LOADED = new HashMap<>();
    private static final Map<EncoderSpec, Integer> LOADS = new HashMap<>();

    private ExecutorEncoders() {}

    /**
     * Returns this JVM's encoder of that spec, loading it on the first call.
     *
     * @param spec the encoder
     * @return the encoder, shared with this JVM's other tasks
     * @throws IOException if the model cannot be loaded
     */
    public static synchronized LoadedEncoder get(EncoderSpec spec) throws IOException {
        LoadedEncoder encoder = LOADED.get(spec);
        if (encoder == null) {
            encoder = LoadedEncoder.load(spec);
            LOADED.put(spec, encoder);
            LOADS.merge(spec, 1, Integer::sum);
        }
        return encoder;
    }

    /**
     * Returns this JVM's encoder for the running Spark task, and hands the memory the task's
     * batches freed back to the system when the task ends (each task thread has its own glibc
     * arena, which would otherwise keep its peak for the life of the executor).
     *
     * @param spec the encoder
     * @return the encoder
     * @throws IOException if the model cannot be loaded
     * @throws IllegalStateException outside a Spark task
     */
    static LoadedEncoder forTask(EncoderSpec spec) throws IOException {
        TaskContext task = TaskContext.get();
        if (task == null) {
            throw new IllegalStateException("forTask runs inside a Spark task; use get(spec) elsewhere");
        }
        LoadedEncoder encoder = get(spec);
        task.addTaskCompletionListener((TaskCompletionListener) context -> NativeMemory.trim());
        return encoder;
    }

    /**
     * Returns how many times this JVM has loaded that spec's model since it started (or since
     * {@link #closeAll}).
     *
     * @param spec the encoder
     * @return the count
     */
    public static synchronized int loads(EncoderSpec spec) {
        return LOADS.getOrDefault(spec, 0);
    }

    /**
     * Frees every encoder of this JVM, for a driver in local mode once its jobs are done. No task
     * may be running.
     */
    public static void closeAll() {
        List<LoadedEncoder> closing;
        synchronized (ExecutorEncoders.class) {
            closing = new ArrayList<>(LOADED.values());
            LOADED.clear();
            LOADS.clear();
        }
        closing.forEach(LoadedEncoder::close);
    }
}
