package ai.spikelm.langchain4j;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.family.GenerativeModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import ai.spikelm.zoo.generate.GenerationResult;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.PromptPolicy;
import ai.spikelm.zoo.generate.TextGenerationModel;
import ai.spikelm.zoo.generate.TokenCodec;
import ai.spikelm.zoo.generate.TokenListener;
import ai.spikelm.zoo.djl.InferenceThreads;
import ai.spikelm.zoo.hub.ModelLocator;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * The one core behind {@link SpikeLmChatModel} and {@link SpikeLmStreamingChatModel}: loads the
 * model's text generator through the family registry (a causal language model such as SpikeLM-GPT-2,
 * which continues the rendered conversation, or an encoder-decoder such as SpikeLM-BART, which reads
 * it as its source), checks requests, renders the chat template and runs {@link Generator}.
 *
 * <p>Thread safety: the weights are shared read-only; each generation opens its own decoding
 * session (key/value cache) under its own sub-manager, closed before the call returns, so the only
 * shared mutable state would be α calibration, which is done once when the model is built. At most
 * {@code threads} generations run at once (a semaphore), the others wait.
 */
final class ChatEngine implements AutoCloseable {

    /** Default reply length when neither the builder nor the request sets maxOutputTokens. */
    static final int DEFAULT_MAX_OUTPUT_TOKENS = 256;

    /** What the spiking sites are calibrated on when the checkpoint has no amplitudes. */
    static final String DEFAULT_CALIBRATION_TEXT =
            "System: You are a helpful assistant.\nUser: Hello! Could you tell me a little about the weather,"
                    + " the news and a good book to read?\nAssistant: Of course. It is a sunny day, and here"
                    + " is a short story about a cat, a dog and a bird.";

    /** A piece of the reply for a streaming caller; may throw to stop generation. */
    interface PieceSink {
        void accept(String piece);
    }

    /**
     * A checked request: the prompt and the generator with the request's settings.
     *
     * @param request the request with its effective parameters
     * @param prompt the text the model continues
     * @param generator the generator with the request's settings
     * @param raw true for a text completion: the reply keeps its leading whitespace
     */
    record Plan(ChatRequest request, String prompt, Generator generator, boolean raw) {}

    private final NDManager manager;
    private final GenerativeModel model;
    private final TextGenerationModel lm;
    private final HuggingFaceTokenizer tokenizer;
    private final TokenCodec codec;
    private final String modelName;
    private final ChatTemplate template;
    private final ChatRequestParameters defaults;
    private final PromptPolicy promptPolicy;
    private final Long seed;
    private final float repetitionPenalty;
    private final Semaphore slots;
    private final List<ChatModelListener> listeners;

    ChatEngine(AbstractSpikeLmChatModelBuilder<?> b) {
        b.check();
        String source = b.modelPath != null ? b.modelPath.toString() : b.modelId;
        Path dir;
        try {
            dir = b.modelPath != null ? b.modelPath : ModelLocator.fromEnvironment().resolve(b.modelId);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + source + ": " + e.getMessage(), e);
        }
        this.modelName = b.modelPath != null ? String.valueOf(b.modelPath.toAbsolutePath().normalize().getFileName()) : b.modelId;
        if (b.intraOpThreads != null) {
            InferenceThreads.setIntraOpThreads(b.intraOpThreads);
        }
        NDManager base = NDManager.newBaseManager();
        HuggingFaceTokenizer tok = null;
        try {
            // Calibrated on load, before any request, so that replies do not depend on which request
            // comes first and concurrent first requests do not race.
            String calibration = b.calibrationText != null ? b.calibrationText : DEFAULT_CALIBRATION_TEXT;
            if (calibration.isBlank()) {
                throw new IllegalArgumentException("The calibration text is empty");
            }
            GenerativeModel model =
                    ModelFamilies.loadGenerator(
                            LoadRequest.builder()
                                    .setModelDir(dir)
                                    .optTimeSteps(b.timeSteps)
                                    .optAllowPickle(b.allowPickle)
                                    .optCalibration(CalibrationSet.of("the chat calibration text", List.of(calibration)))
                                    .build(),
                            base);
            tok = Tokenizers.untruncated(dir.resolve("tokenizer.json"));
            this.codec = TokenCodec.of(tok);
            this.model = model;
            this.lm = b.maxLength == null ? model : capped(model, Math.min(b.maxLength, model.contextLength()));
        } catch (IOException e) {
            close(base, tok);
            throw new UncheckedIOException("Cannot load " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(base, tok);
            throw e;
        }
        this.manager = base;
        this.tokenizer = tok;
        this.template = b.template;
        this.promptPolicy = b.promptPolicy;
        this.seed = b.seed;
        this.repetitionPenalty = b.repetitionPenalty;
        this.slots = new Semaphore(b.threads, true);
        this.listeners = List.copyOf(b.listeners);
        ChatRequestParameters given = b.defaultRequestParameters;
        int defaultMax = Math.min(DEFAULT_MAX_OUTPUT_TOKENS, lm.contextLength() / 2);
        this.defaults = DefaultChatRequestParameters.builder()
                .modelName(modelName)
                .maxOutputTokens(defaultMax)
                .build()
                .overrideWith(given);
        try {
            plan(ChatRequest.builder().messages(dev.langchain4j.data.message.UserMessage.from("check")).build());
        } catch (RuntimeException e) {
            close();
            throw e; // the defaults themselves are invalid or unsupported
        }
    }

    private static void close(NDManager manager, HuggingFaceTokenizer tokenizer) {
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }

    /** A view of a model with a smaller context window. */
    private static TextGenerationModel capped(TextGenerationModel generator, int context) {
        if (!(generator instanceof CausalLanguageModel)) {
            return new TextGenerationModel() {
                @Override
                public int contextLength() {
                    return context;
                }

                @Override
                public int vocabSize() {
                    return generator.vocabSize();
                }

                @Override
                public Integer eosTokenId() {
                    return generator.eosTokenId();
                }

                @Override
                public Decoding startDecoding(NDManager m, String prompt, TokenCodec c) {
                    return generator.startDecoding(m, prompt, c);
                }
            };
        }
        CausalLanguageModel model = (CausalLanguageModel) generator;
        return new CausalLanguageModel() {
            @Override
            public int contextLength() {
                return context;
            }

            @Override
            public int vocabSize() {
                return model.vocabSize();
            }

            @Override
            public Integer eosTokenId() {
                return model.eosTokenId();
            }

            @Override
            public Session newSession(NDManager m) {
                return model.newSession(m);
            }
        };
    }

    String modelName() {
        return modelName;
    }

    /** Attaches a new monitor to the model's spike sites and layers (see {@link SpikeMonitor#attach}). */
    SpikeMonitor attachMonitor() {
        return SpikeMonitor.attach(model);
    }

    ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    List<ChatModelListener> listeners() {
        return listeners;
    }

    /**
     * Checks a request and prepares its generation. Everything that can be decided without running
     * the model is decided here, on the caller's thread.
     *
     * @throws UnsupportedFeatureException for tools, JSON output, another model name, penalties
     * @throws InvalidRequestException for values out of range
     */
    Plan plan(ChatRequest request) {
        ChatRequestParameters p = defaults.overrideWith(request.parameters());
        return plan(request.messages(), p, null, template.stopSequences());
    }

    /**
     * Checks a text completion and prepares its generation: the prompt is continued as it is, with
     * no chat template, no implicit stop sequences and the reply's leading whitespace kept.
     *
     * @param prompt the text to continue
     * @param parameters the request's parameters (tools and response formats are refused as for chat)
     * @throws UnsupportedFeatureException for tools, JSON output, another model name, penalties
     * @throws InvalidRequestException for values out of range or an empty prompt
     */
    Plan planCompletion(String prompt, ChatRequestParameters parameters) {
        if (prompt == null || prompt.isEmpty()) {
            throw new InvalidRequestException("The prompt is empty");
        }
        return plan(List.of(UserMessage.from(prompt)), defaults.overrideWith(parameters), prompt, List.of());
    }

    /**
     * Checks the parameters and builds the generator.
     *
     * @param rawPrompt the prompt of a text completion, or null to render the messages with the template
     */
    private Plan plan(List<ChatMessage> messages, ChatRequestParameters p, String rawPrompt, List<String> implicitStops) {
        if (p.toolChoice() == ToolChoice.REQUIRED) {
            throw new UnsupportedFeatureException("ToolChoice.REQUIRED is not supported by SpikeLM chat models: they call no tools");
        }
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("Tool specifications are not supported by SpikeLM chat models: they call no tools");
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("JSON response format is not supported by SpikeLM chat models");
        }
        if (p.modelName() != null && !p.modelName().equals(modelName)) {
            throw new UnsupportedFeatureException(
                    "modelName '" + p.modelName() + "' is not supported: this SpikeLM chat model serves '" + modelName + "' only");
        }
        if (p.frequencyPenalty() != null || p.presencePenalty() != null) {
            throw new UnsupportedFeatureException(
                    "frequencyPenalty and presencePenalty are not supported by SpikeLM chat models; set repetitionPenalty on the builder");
        }
        Double temperature = p.temperature();
        if (temperature != null && !(temperature >= 0 && temperature < Float.MAX_VALUE)) {
            throw new InvalidRequestException("temperature must be finite and >= 0 (0 = greedy), got " + temperature);
        }
        if (p.topP() != null && !(p.topP() > 0 && p.topP() <= 1)) {
            throw new InvalidRequestException("topP must be in (0, 1], got " + p.topP());
        }
        if (p.topK() != null && p.topK() < 1) {
            throw new InvalidRequestException("topK must be at least 1, got " + p.topK());
        }
        int maxOutputTokens = p.maxOutputTokens();
        if (maxOutputTokens < 1) {
            throw new InvalidRequestException("maxOutputTokens must be at least 1, got " + maxOutputTokens);
        }
        if (maxOutputTokens >= lm.contextLength()) {
            throw new InvalidRequestException("maxOutputTokens " + maxOutputTokens
                    + " leaves no room for a prompt in the context window of " + lm.contextLength() + " tokens");
        }
        List<String> stops = new ArrayList<>(implicitStops);
        for (String stop : p.stopSequences()) {
            if (stop == null || stop.isEmpty()) {
                throw new InvalidRequestException("stopSequences must not contain empty strings");
            }
            stops.add(stop);
        }
        String prompt = rawPrompt != null ? rawPrompt : template.render(messages);
        Generator.Builder g = Generator.builder(lm)
                .optCodec(codec)
                .optMaxNewTokens(maxOutputTokens)
                .optStopSequences(stops)
                .optPromptPolicy(promptPolicy)
                .optRepetitionPenalty(repetitionPenalty);
        if (temperature != null && temperature > 0) {
            // Sampling only when asked for: a base model's chat is most useful greedy by default.
            g.optSampling(temperature.floatValue());
            if (p.topP() != null) {
                g.optTopP(p.topP().floatValue());
            }
            if (p.topK() != null) {
                g.optTopK(p.topK());
            }
        }
        if (seed != null) {
            g.optSeed(seed);
        }
        try {
            return new Plan(ChatRequest.builder().messages(messages).parameters(p).build(), prompt, g.build(), rawPrompt != null);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage(), e);
        }
    }

    /**
     * Runs a planned request on this thread.
     *
     * @param plan the request
     * @param sink receives the reply piece by piece (non-empty pieces whose concatenation is the
     *     reply's text), or null
     * @return the response
     * @throws InvalidRequestException if the prompt does not fit the context window
     */
    ChatResponse generate(Plan plan, PieceSink sink) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LangChain4jException("Interrupted while waiting for a free SpikeLM generation slot", e);
        }
        try (NDManager call = manager.newSubManager()) {
            ReplyStream stream = new ReplyStream(sink, plan.raw());
            GenerationResult result;
            try {
                result = plan.generator().generate(call, plan.prompt(), stream);
            } catch (IllegalArgumentException e) {
                // The prompt does not fit, or encodes to nothing: the request's fault, not the model's.
                throw new InvalidRequestException(e.getMessage(), e);
            }
            String text = plan.raw() ? result.text() : result.text().stripLeading();
            FinishReason finish = switch (result.finishReason()) {
                case LENGTH -> FinishReason.LENGTH;
                case EOS, STOP_SEQUENCE -> FinishReason.STOP;
            };
            ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                    .id("spikelm-" + UUID.randomUUID())
                    .modelName(modelName)
                    .tokenUsage(new TokenUsage(result.promptTokens().length, result.tokens().length))
                    .finishReason(finish)
                    .build();
            return ChatResponse.builder().aiMessage(AiMessage.from(text)).metadata(metadata).build();
        } finally {
            slots.release();
        }
    }

    /**
     * Passes the generator's text pieces on, without the reply's leading whitespace (the space after
     * the template's {@code "Assistant:"}; a text completion keeps it), and never an empty piece.
     */
    private static final class ReplyStream implements TokenListener {
        private final PieceSink sink;
        private boolean started;

        ReplyStream(PieceSink sink, boolean raw) {
            this.sink = sink;
            this.started = raw; // a completion keeps its leading whitespace
        }

        @Override
        public void onToken(int index, long tokenId, String text) {
            emit(text);
        }

        @Override
        public void onFinish(String text, GenerationResult result) {
            emit(text);
        }

        private void emit(String text) {
            if (sink == null || text.isEmpty()) {
                return;
            }
            String piece = started ? text : text.stripLeading();
            if (!piece.isEmpty()) {
                started = true;
                sink.accept(piece);
            }
        }
    }

    /** Releases the model's native memory and the tokenizer. */
    @Override
    public void close() {
        close(manager, tokenizer);
    }
}
