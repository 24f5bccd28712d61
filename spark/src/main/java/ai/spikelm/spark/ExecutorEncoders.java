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
 * The models of one JVM (an executor, or the driver in local mode): each spec's model, an encoder
 * ({@link EncoderSpec}) or a GLUE classifier ({@link ClassifierSpec}), is loaded by the first task
 * that needs it and kept for every later task and partition, so an executor holds one model per
 * spec, whatever its number of task slots. Its task threads share it (the encoder pipeline is
 * thread-safe, each measuring its own forward passes; a classifier runs one task's batches at a
 * time). Loads run one at a time, so that two calibrations never peak together.
 */
public final class ExecutorEncoders {

    private static final Map<Object, AutoCloseable> LOADED = new HashMap<>();
    private static final Map<Object, Integer> LOADS = new HashMap<>();

    private ExecutorEncoders() {}

    /** What loads a spec's model. */
    @FunctionalInterface
    private interface Loader<S, M extends AutoCloseable> {
        M load(S spec) throws IOException;
    }

    /**
     * Returns this JVM's encoder of that spec, loading it on the first call.
     *
     * @param spec the encoder
     * @return the encoder, shared with this JVM's other tasks
     * @throws IOException if the model cannot be loaded
     */
    public static LoadedEncoder get(EncoderSpec spec) throws IOException {
        return cached(spec, LoadedEncoder.class, LoadedEncoder::load);
    }

    /**
     * Returns this JVM's classifier of that spec, loading (and if needed calibrating) it on the
     * first call.
     *
     * @param spec the classifier
     * @return the classifier, shared with this JVM's other tasks
     * @throws IOException if the model cannot be loaded
     * @throws IllegalArgumentException if the model is not a classifier for the spec's task
     */
    public static LoadedClassifier get(ClassifierSpec spec) throws IOException {
        return cached(spec, LoadedClassifier.class, LoadedClassifier::load);
    }

    private static synchronized <S, M extends AutoCloseable> M cached(S spec, Class<M> type, Loader<S, M> loader)
            throws IOException {
        AutoCloseable model = LOADED.get(spec);
        if (model == null) {
            model = loader.load(spec);
            LOADED.put(spec, model);
            LOADS.merge(spec, 1, Integer::sum);
        }
        return type.cast(model);
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
        TaskContext task = runningTask();
        LoadedEncoder encoder = get(spec);
        trimWhenDone(task);
        return encoder;
    }

    /**
     * Returns this JVM's classifier for the running Spark task, as {@link #forTask(EncoderSpec)}
     * does for an encoder.
     *
     * @param spec the classifier
     * @return the classifier
     * @throws IOException if the model cannot be loaded
     * @throws IllegalStateException outside a Spark task
     */
    static LoadedClassifier forTask(ClassifierSpec spec) throws IOException {
        TaskContext task = runningTask();
        LoadedClassifier classifier = get(spec);
        trimWhenDone(task);
        return classifier;
    }

    private static TaskContext runningTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            throw new IllegalStateException("forTask runs inside a Spark task; use get(spec) elsewhere");
        }
        return task;
    }

    private static void trimWhenDone(TaskContext task) {
        task.addTaskCompletionListener((TaskCompletionListener) context -> NativeMemory.trim());
    }

    /**
     * Returns how many times this JVM has loaded that spec's model since it started (or since
     * {@link #closeAll}).
     *
     * @param spec an {@link EncoderSpec} or a {@link ClassifierSpec}
     * @return the count
     */
    public static synchronized int loads(Object spec) {
        return LOADS.getOrDefault(spec, 0);
    }

    /**
     * Frees every model of this JVM, for a driver in local mode once its jobs are done. No task
     * may be running.
     */
    public static void closeAll() {
        List<AutoCloseable> closing;
        synchronized (ExecutorEncoders.class) {
            closing = new ArrayList<>(LOADED.values());
            LOADED.clear();
            LOADS.clear();
        }
        for (AutoCloseable model : closing) {
            try {
                model.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free a model", e);
            }
        }
    }
}
