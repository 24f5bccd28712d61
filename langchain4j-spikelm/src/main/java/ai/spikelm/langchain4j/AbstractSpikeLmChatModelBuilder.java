package ai.spikelm.langchain4j;

import ai.spikelm.zoo.generate.PromptPolicy;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings shared by the builders of {@link SpikeLmChatModel} and {@link
 * SpikeLmStreamingChatModel}: where the model comes from, how it runs and the request defaults.
 *
 * @param <B> the concrete builder
 */
public abstract class AbstractSpikeLmChatModelBuilder<B extends AbstractSpikeLmChatModelBuilder<B>> {

    Path modelPath;
    String modelId;
    Integer timeSteps;
    boolean allowPickle;
    int threads = Runtime.getRuntime().availableProcessors();
    Integer intraOpThreads;
    Integer maxLength;
    PromptPolicy promptPolicy = PromptPolicy.ERROR;
    Long seed;
    float repetitionPenalty = 1f;
    ChatTemplate template = ChatTemplate.plain();
    ChatRequestParameters defaultRequestParameters = DefaultChatRequestParameters.EMPTY;
    List<ChatModelListener> listeners = List.of();
    String calibrationText;

    /** Creates a builder with the defaults. */
    protected AbstractSpikeLmChatModelBuilder() {}

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    protected abstract B self();

    /**
     * Loads a model from a local Hugging Face-layout folder ({@code config.json}, {@code
     * model.safetensors}, {@code tokenizer.json}) of any registered family that generates text: a
     * causal language model (SpikeLM-GPT-2) or an encoder-decoder (SpikeLM-BART); others are refused
     * with the families that generate.
     *
     * @param modelPath the folder
     * @return this builder
     */
    public B modelPath(Path modelPath) {
        this.modelPath = modelPath;
        return self();
    }

    /**
     * Loads the model from the Hugging Face Hub ({@code org/name[@revision]}) through the Hub cache
     * ({@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HOME}, {@code HF_HUB_OFFLINE} honoured).
     *
     * @param modelId the model id
     * @return this builder
     */
    public B modelId(String modelId) {
        this.modelId = modelId;
        return self();
    }

    /**
     * Runs the model as SpikeLM with T time steps (converting an ANN checkpoint on load).
     *
     * @param timeSteps T, at least 1; null keeps the model's own setting
     * @return this builder
     */
    public B timeSteps(Integer timeSteps) {
        this.timeSteps = timeSteps;
        return self();
    }

    /**
     * Lets the loader read {@code pytorch_model.bin} through the restricted unpickler when the
     * folder has no safetensors weights.
     *
     * @param allowPickle true to accept PyTorch checkpoints
     * @return this builder
     */
    public B allowPickle(boolean allowPickle) {
        this.allowPickle = allowPickle;
        return self();
    }

    /**
     * Sets how many generations run at once (default: the number of processors); further calls
     * wait. Each running generation holds its own key/value cache.
     *
     * @param threads at least 1
     * @return this builder
     */
    public B threads(int threads) {
        this.threads = threads;
        return self();
    }

    /**
     * Sets PyTorch's intra-op threads, the threads one operation may use, when the model is built.
     * The setting is the process's, shared by every model ({@link
     * ai.spikelm.zoo.djl.InferenceThreads}); default: PyTorch's own, one per core. Decoding runs
     * small operations token by token, for which one thread per generation (and {@link #threads}
     * generations at once) is often fastest.
     *
     * @param intraOpThreads at least 1; null leaves the setting as it is
     * @return this builder
     */
    public B intraOpThreads(Integer intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
        return self();
    }

    /**
     * Caps the context window (prompt plus reply) below the model's own.
     *
     * @param maxLength tokens, at least 2; null for the model's window
     * @return this builder
     */
    public B maxLength(Integer maxLength) {
        this.maxLength = maxLength;
        return self();
    }

    /**
     * Sets what happens when the prompt plus {@code maxOutputTokens} does not fit the context window
     * (default {@link PromptPolicy#ERROR}, an {@code InvalidRequestException}; {@link
     * PromptPolicy#LEFT_TRUNCATE} drops the oldest prompt tokens, system message first).
     *
     * @param promptPolicy the policy
     * @return this builder
     */
    public B promptPolicy(PromptPolicy promptPolicy) {
        this.promptPolicy = Objects.requireNonNull(promptPolicy, "promptPolicy");
        return self();
    }

    /**
     * Seeds sampling: with a seed, the same request gives the same reply. Without one each call draws
     * its own. Greedy decoding (no temperature, or 0) needs no seed.
     *
     * @param seed the seed, or null
     * @return this builder
     */
    public B seed(Long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * Sets the repetition penalty (CTRL; default 1, none; above 1 discourages repeating tokens of
     * the prompt and reply).
     *
     * @param repetitionPenalty positive and finite
     * @return this builder
     */
    public B repetitionPenalty(float repetitionPenalty) {
        this.repetitionPenalty = repetitionPenalty;
        return self();
    }

    /**
     * Sets how messages become a prompt (default {@link ChatTemplate#plain()}).
     *
     * @param chatTemplate the template
     * @return this builder
     */
    public B chatTemplate(ChatTemplate chatTemplate) {
        this.template = Objects.requireNonNull(chatTemplate, "chatTemplate");
        return self();
    }

    /**
     * Sets the parameters a request falls back to: temperature (absent or 0: greedy), topP, topK
     * (used when sampling), maxOutputTokens (default 256, at most half the context window) and stop
     * sequences. The model name is the model's own; tools, JSON response formats and penalties are
     * not supported ({@code UnsupportedFeatureException} at build time).
     *
     * @param parameters the defaults
     * @return this builder
     */
    public B defaultRequestParameters(ChatRequestParameters parameters) {
        this.defaultRequestParameters = Objects.requireNonNull(parameters, "parameters");
        return self();
    }

    /**
     * Sets listeners notified of every request, response and error.
     *
     * @param listeners the listeners
     * @return this builder
     */
    public B listeners(List<ChatModelListener> listeners) {
        this.listeners = List.copyOf(listeners);
        return self();
    }

    /**
     * Sets the text on which spike amplitudes α are calibrated at build time when the checkpoint
     * has none (an ANN converted with {@link #timeSteps}); by default a short built-in conversation.
     * Calibrating once, up front, keeps replies independent of which request comes first.
     *
     * @param calibrationText the text
     * @return this builder
     */
    public B calibrationText(String calibrationText) {
        this.calibrationText = calibrationText;
        return self();
    }

    /** Checks the settings that need no model. */
    void check() {
        if ((modelPath == null) == (modelId == null)) {
            throw new IllegalArgumentException("Set exactly one of modelPath(...) and modelId(...)");
        }
        if (timeSteps != null && timeSteps < 1) {
            throw new IllegalArgumentException("timeSteps must be at least 1, got " + timeSteps);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (intraOpThreads != null && intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        if (maxLength != null && maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        if (!(repetitionPenalty > 0f) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be positive and finite, got " + repetitionPenalty);
        }
    }
}
