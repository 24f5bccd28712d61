package ai.spikelm.langchain4j;

import ai.spikelm.langchain4j.spi.SpikeLmStreamingChatModelBuilderFactory;
import ai.spikelm.ops.stats.SpikeMonitor;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.spi.ServiceHelper;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link StreamingChatModel} running a SpikeLM text generator (GPT-2 or BART family): the same
 * model, template, parameters and checks as {@link SpikeLmChatModel}, with the reply streamed.
 *
 * <pre>{@code
 * StreamingChatModel model = SpikeLmStreamingChatModel.builder().modelPath(dir).timeSteps(4).build();
 * model.chat("Tell me a story", new StreamingChatResponseHandler() {
 *     public void onPartialResponse(String piece) { System.out.print(piece); }
 *     public void onCompleteResponse(ChatResponse response) { System.out.println(); }
 *     public void onError(Throwable error) { error.printStackTrace(); }
 * });
 * }</pre>
 *
 * <p>Requests are checked on the caller's thread: tools, JSON formats, images and values out of
 * range throw there. Generation then runs on an executor (by default the model's own daemon
 * threads): {@code onPartialResponse} receives each piece of text as it becomes final (a character
 * split across tokens, or text that may be the start of a stop sequence, waits for the next token),
 * then {@code onCompleteResponse} the whole reply, whose text is the concatenation of the pieces.
 * Any failure after the call returned (a prompt that does not fit, a model error) goes to {@code
 * onError}. An exception thrown by {@code onPartialResponse} or {@code onCompleteResponse} is passed
 * to {@code onError} and generation goes on; one thrown by {@code onError} is logged. The {@link
 * StreamingHandle} of {@link PartialResponseContext} cancels generation: no further callback follows.
 *
 * <p>One instance serves concurrent callers; close it to release native memory and its threads.
 */
public final class SpikeLmStreamingChatModel implements StreamingChatModel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpikeLmStreamingChatModel.class);

    private final ChatEngine engine;
    private final Executor executor;
    private final ExecutorService ownExecutor;

    private SpikeLmStreamingChatModel(Builder builder) {
        this.engine = new ChatEngine(builder);
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownExecutor = null;
        } else {
            this.ownExecutor = Executors.newCachedThreadPool(daemonThreads());
            this.executor = ownExecutor;
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "spikelm-chat-" + count.incrementAndGet());
            t.setDaemon(true); // a pending reply must not keep the JVM alive
            return t;
        };
    }

    /** {@inheritDoc} */
    @Override
    public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        submit(engine.plan(chatRequest), handler); // unsupported or invalid: thrown here, to the caller
    }

    /**
     * Continues a text prompt as it is (OpenAI's legacy completions): no chat template, no implicit
     * stop sequences, the reply's leading whitespace kept. Parameters, callbacks, cancellation and
     * threads are those of {@link #chat(ChatRequest, StreamingChatResponseHandler)}; the reply is the
     * {@link dev.langchain4j.data.message.AiMessage} of the complete response.
     *
     * @param prompt the text to continue, not empty
     * @param parameters temperature, topP, topK, maxOutputTokens and stop sequences (null for the defaults)
     * @param handler receives the reply
     * @throws dev.langchain4j.exception.InvalidRequestException for an empty prompt or values out of range
     * @throws dev.langchain4j.exception.UnsupportedFeatureException for tools, JSON output, penalties
     */
    public void complete(String prompt, ChatRequestParameters parameters, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        submit(engine.planCompletion(prompt, parameters == null ? DefaultChatRequestParameters.EMPTY : parameters), handler);
    }

    /**
     * Attaches a new {@link SpikeMonitor} to the model's spike sites and layers: it counts spikes and
     * operations of every generation from now on (summed over concurrent ones) until it is closed.
     * Run generations one at a time (a one-thread {@link Builder#executor}) to read one generation's
     * figures from it.
     *
     * @return the monitor; close it to detach
     */
    public SpikeMonitor attachMonitor() {
        return engine.attachMonitor();
    }

    private void submit(ChatEngine.Plan plan, StreamingChatResponseHandler handler) {
        Handle handle = new Handle();
        try {
            executor.execute(() -> run(plan, handler, handle));
        } catch (RejectedExecutionException e) {
            safeOnError(handler, new IllegalStateException("The SpikeLM streaming chat model is closed", e));
        }
    }

    private void run(ChatEngine.Plan plan, StreamingChatResponseHandler handler, Handle handle) {
        ChatResponse response;
        try {
            response = engine.generate(plan, piece -> {
                if (handle.isCancelled()) {
                    throw Cancelled.INSTANCE;
                }
                try {
                    handler.onPartialResponse(new PartialResponse(piece), new PartialResponseContext(handle));
                } catch (Exception e) {
                    safeOnError(handler, e); // the user's callback failed; the reply goes on
                }
                if (handle.isCancelled()) {
                    throw Cancelled.INSTANCE;
                }
            });
        } catch (Cancelled cancelled) {
            return;
        } catch (Exception e) {
            safeOnError(handler, e);
            return;
        }
        if (handle.isCancelled()) {
            return;
        }
        try {
            handler.onCompleteResponse(response);
        } catch (Exception e) {
            safeOnError(handler, e);
        }
    }

    private static void safeOnError(StreamingChatResponseHandler handler, Throwable error) {
        try {
            handler.onError(error);
        } catch (Exception e) {
            LOG.warn("StreamingChatResponseHandler.onError threw; ignored", e);
        }
    }

    /** Stops a generation from the handler's thread or any other. */
    private static final class Handle implements StreamingHandle {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    /** Unwinds the generator after a cancellation (its session is closed on the way out). */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Cancelled INSTANCE = new Cancelled();

        private Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    /** {@inheritDoc} */
    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return engine.defaultRequestParameters();
    }

    /** {@inheritDoc} */
    @Override
    public List<ChatModelListener> listeners() {
        return engine.listeners();
    }

    /**
     * Returns the model's name: the Hub id, or the folder's name.
     *
     * @return the name
     */
    public String modelName() {
        return engine.modelName();
    }

    /** Stops the model's own threads (running replies finish first) and releases the model. */
    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            try {
                ownExecutor.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        engine.close();
    }

    /**
     * Returns a builder: the one a {@link SpikeLmStreamingChatModelBuilderFactory} service supplies,
     * if any, else a new one.
     *
     * @return a builder
     */
    public static Builder builder() {
        for (SpikeLmStreamingChatModelBuilderFactory factory :
                ServiceHelper.loadFactories(SpikeLmStreamingChatModelBuilderFactory.class)) {
            return factory.get();
        }
        return new Builder();
    }

    /**
     * Builds a {@link SpikeLmStreamingChatModel}: the settings of {@link
     * AbstractSpikeLmChatModelBuilder} and the executor that runs generations.
     */
    public static final class Builder extends AbstractSpikeLmChatModelBuilder<Builder> {
        private Executor executor;

        /** Creates a builder with the defaults (for builder factories). */
        public Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Runs generations on this executor instead of the model's own daemon threads (the model
         * does not shut it down).
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Builds the model (loads it and calibrates spike amplitudes if needed, now).
         *
         * @return the model
         * @throws IllegalArgumentException if the settings are inconsistent
         * @throws dev.langchain4j.exception.UnsupportedFeatureException if the default request
         *     parameters ask for something the model cannot do
         * @throws java.io.UncheckedIOException if the model cannot be read
         */
        public SpikeLmStreamingChatModel build() {
            return new SpikeLmStreamingChatModel(this);
        }
    }
}
