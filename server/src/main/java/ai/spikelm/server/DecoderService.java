package ai.spikelm.server;

import ai.spikelm.langchain4j.SpikeLmStreamingChatModel;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.BurstTrimmer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A text generator served for {@code /v1/chat/completions} and {@code /v1/completions}: a causal
 * language model or an encoder-decoder, loaded once through the family registry by the LangChain4j
 * streaming chat model (one chat template, one request check, one generation loop for in-process
 * and served chat). Generations run on one thread of their own, so they go one at a time and a
 * generation's spike counts are its own, behind an admission limit (running plus waiting) that
 * answers 429 at once when it is reached. Each generation holds its key/value cache in a
 * sub-manager closed when it ends, however it ends.
 */
final class DecoderService implements ServedModel {

    private final String name;
    private final Integer timeSteps;
    private final ServerMetrics metrics;
    private final ThreadPoolExecutor worker;
    private final Semaphore admission;
    private final SpikeLmStreamingChatModel model;
    private final SpikeMonitor monitor;
    private final BurstTrimmer trimmer = new BurstTrimmer();

    /**
     * Loads the model.
     *
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    DecoderService(ModelSpec spec, Path dir, int queueCapacity, ServerMetrics metrics) {
        this.name = spec.name();
        this.timeSteps = spec.timeSteps();
        this.metrics = metrics;
        this.admission = new Semaphore(queueCapacity + 1);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "spikelm-generate-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            this.model = SpikeLmStreamingChatModel.builder()
                    .modelPath(dir)
                    .timeSteps(timeSteps)
                    .threads(1)
                    .executor(this::execute)
                    .build();
        } catch (RuntimeException e) {
            worker.shutdown();
            throw e;
        }
        this.monitor = model.attachMonitor();
        metrics.queued.register(() -> queueCapacity + 1 - admission.availablePermits(), name);
    }

    /** Runs one generation on the worker; its permit is returned when it ends, however it ends. */
    private void execute(Runnable generation) {
        try {
            worker.execute(() -> {
                try {
                    monitor.reset();
                    trimmer.call(() -> {
                        generation.run();
                        return null;
                    });
                } finally {
                    admission.release();
                }
            });
        } catch (RejectedExecutionException e) {
            admission.release();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Starts a chat generation.
     *
     * @throws ApiException 429 when the queue is full
     * @throws dev.langchain4j.exception.LangChain4jException for a request the model refuses
     */
    GenerationCall chat(ChatRequest request, boolean streaming) {
        GenerationCall call = newCall(streaming);
        admit(() -> model.doChat(request, call));
        return call;
    }

    /**
     * Starts a text completion (the prompt continued as it is).
     *
     * @throws ApiException 429 when the queue is full
     * @throws dev.langchain4j.exception.LangChain4jException for a request the model refuses
     */
    GenerationCall complete(String prompt, ChatRequestParameters parameters, boolean streaming) {
        GenerationCall call = newCall(streaming);
        admit(() -> model.complete(prompt, parameters, call));
        return call;
    }

    private GenerationCall newCall(boolean streaming) {
        return new GenerationCall(streaming, () -> SpikeStats.of(monitor.snapshot()),
                outcome -> metrics.generations.inc(name, outcome));
    }

    private void admit(Runnable submit) {
        if (!admission.tryAcquire()) {
            metrics.rejected.inc(name);
            throw ApiException.overloaded(name);
        }
        try {
            submit.run();
        } catch (RuntimeException e) {
            admission.release(); // refused before it was queued: nothing runs
            throw e;
        }
    }

    @Override
    public void describe(ObjectNode spikelm) {
        spikelm.put("task", "chat.completions, completions");
        if (timeSteps != null) {
            spikelm.put("time_steps", timeSteps);
        }
    }

    @Override
    public void close() {
        worker.shutdown(); // queued generations finish first
        try {
            if (!worker.awaitTermination(1, TimeUnit.MINUTES)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitor.close();
        model.close();
        BurstTrimmer.trimNow();
    }
}
