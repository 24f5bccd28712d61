package ai.spikelm.zoo.generate;

import ai.djl.ndarray.NDManager;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Generates text with a {@link TextGenerationModel}: the prompt goes through the model once, then
 * one token at a time with the model's key/value cache. A causal language model continues a text
 * prompt; an encoder-decoder reads it as its source and decodes from its start token ({@link
 * TextGenerationModel#startDecoding}). Token prompts ({@link #generate(NDManager, long[],
 * TokenListener)}) are decoder prompts, for a {@link CausalLanguageModel}.
 *
 * <pre>{@code
 * Generator generator = Generator.builder(model)
 *         .optCodec(TokenCodec.of(tokenizer))
 *         .optMaxNewTokens(100)
 *         .optSampling(0.8f)          // temperature; greedy (argmax) without it
 *         .optTopK(40).optTopP(0.95f).optRepetitionPenalty(1.2f)
 *         .optStopSequences(List.of("\n\n"))
 *         .optSeed(42)                // same seed, same tokens
 *         .build();
 * GenerationResult result = generator.generate(manager, "Once upon a time",
 *         (i, id, text) -> System.out.print(text));                       // streaming
 * }</pre>
 *
 * <p>Each step, as Hugging Face does: the repetition penalty (CTRL: a seen token's logit is
 * divided by the penalty if positive, multiplied if negative; prompt tokens count as seen), then
 * either greedy argmax or sampling from softmax(logits / temperature) restricted to the top-k
 * tokens (ties with the k-th kept) and then to the smallest set whose probability reaches top-p.
 * Sampling runs in Java on a {@link SplittableRandom} seeded per call, so a seed gives the same
 * tokens on every run. Generation stops after {@code maxNewTokens} tokens, at the model's
 * end-of-sequence token (unless disabled) or when the decoded generated text contains a stop
 * sequence.
 *
 * <p>The prompt plus {@code maxNewTokens} must fit in the context window; otherwise {@link
 * PromptPolicy} decides (error by default, or drop the oldest prompt tokens). A generator is
 * immutable and may be shared by threads; each call opens its own session.
 */
public final class Generator {

    private final TextGenerationModel model;
    private final TokenCodec codec;
    private final int maxNewTokens;
    private final boolean sampling;
    private final float temperature;
    private final int topK;
    private final float topP;
    private final float repetitionPenalty;
    private final List<String> stopSequences;
    private final Long seed;
    private final PromptPolicy promptPolicy;
    private final Integer eosTokenId;

    private Generator(Builder b) {
        this.model = b.model;
        this.codec = b.codec;
        this.maxNewTokens = b.maxNewTokens;
        this.sampling = b.sampling;
        this.temperature = b.temperature;
        this.topK = b.topK;
        this.topP = b.topP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.stopSequences = List.copyOf(b.stopSequences);
        this.seed = b.seed;
        this.promptPolicy = b.promptPolicy;
        this.eosTokenId = b.stopAtEos ? model.eosTokenId() : null;
    }

    /**
     * Generates a continuation of a text prompt.
     *
     * @param manager the manager under which the call keeps its temporaries (freed before return)
     * @param prompt the prompt
     * @return the result
     * @throws IllegalStateException if the generator has no codec
     * @throws IllegalArgumentException if the prompt is empty
     * @throws PromptTooLongException if the prompt does not fit and the policy is {@link
     *     PromptPolicy#ERROR}
     */
    public GenerationResult generate(NDManager manager, String prompt) {
        return generate(manager, prompt, null);
    }

    /**
     * Generates a continuation of a text prompt, streaming tokens to a listener.
     *
     * @param manager the manager under which the call keeps its temporaries (freed before return)
     * @param prompt the prompt
     * @param listener receives each token as it is generated, or null
     * @return the result
     * @throws IllegalStateException if the generator has no codec
     * @throws IllegalArgumentException if the prompt is empty
     * @throws PromptTooLongException if the prompt does not fit and the policy is {@link
     *     PromptPolicy#ERROR}
     */
    public GenerationResult generate(NDManager manager, String prompt, TokenListener listener) {
        Objects.requireNonNull(prompt, "prompt");
        if (codec == null) {
            throw new IllegalStateException("A text prompt needs a codec: set Generator.Builder.optCodec(...)");
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("The prompt is empty");
        }
        try (TextGenerationModel.Decoding decoding = model.startDecoding(manager, prompt, codec)) {
            long[] source = decoding.source();
            if (decoding.decoderPrompt().length == 0 || (source != null && source.length == 0)) {
                throw new IllegalArgumentException("The prompt encodes to no tokens");
            }
            return run(decoding.model(), manager, decoding.decoderPrompt(), source, listener);
        }
    }

    /**
     * Generates a continuation of a tokenised prompt.
     *
     * @param manager the manager under which the call keeps its temporaries (freed before return)
     * @param prompt the prompt's token ids
     * @param listener receives each token as it is generated, or null
     * @return the result ({@link GenerationResult#text()} is null without a codec)
     * @throws IllegalArgumentException if the prompt is empty or has an id outside the vocabulary
     * @throws IllegalStateException if the model is not a {@link CausalLanguageModel} (an
     *     encoder-decoder takes text prompts, or use its conditioned model)
     * @throws PromptTooLongException if the prompt does not fit and the policy is {@link
     *     PromptPolicy#ERROR}
     */
    public GenerationResult generate(NDManager manager, long[] prompt, TokenListener listener) {
        if (!(model instanceof CausalLanguageModel)) {
            throw new IllegalStateException(
                    "A token prompt is a decoder prompt and needs a causal language model; "
                            + model.getClass().getSimpleName() + " takes text prompts");
        }
        return run((CausalLanguageModel) model, manager, prompt, null, listener);
    }

    /**
     * Decodes with a causal model from a decoder prompt.
     *
     * @param lm the model
     * @param prompt the decoder prompt
     * @param source the source an encoder-decoder read, or null for a causal model
     */
    private GenerationResult run(
            CausalLanguageModel lm, NDManager manager, long[] prompt, long[] source, TokenListener listener) {
        Objects.requireNonNull(manager, "manager");
        long[] ids = fitPrompt(Objects.requireNonNull(prompt, "prompt"));
        int dropped = prompt.length - ids.length;
        int vocab = model.vocabSize();
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("Prompt token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        long usedSeed = seed != null ? seed : new SecureRandom().nextLong();
        SplittableRandom random = new SplittableRandom(usedSeed);
        BitSet seen = new BitSet(vocab);
        for (long id : ids) {
            seen.set((int) id);
        }
        TextStream stream = new TextStream(listener);
        List<Long> generated = new ArrayList<>();
        FinishReason finish = FinishReason.LENGTH;
        long prefillNanos;
        long decodeNanos = 0;
        int decodeSteps = 0;

        try (CausalLanguageModel.Session session = lm.newSession(manager)) {
            long start = System.nanoTime();
            float[] logits = session.append(ids);
            prefillNanos = System.nanoTime() - start;
            while (true) {
                long stepStart = System.nanoTime();
                int next = next(logits, seen, random);
                if (eosTokenId != null && next == eosTokenId) {
                    finish = FinishReason.EOS;
                    break;
                }
                generated.add((long) next);
                seen.set(next);
                boolean last = generated.size() == maxNewTokens;
                if (stream.accept(generated, next, last)) {
                    finish = FinishReason.STOP_SEQUENCE;
                    break;
                }
                if (last) {
                    break;
                }
                logits = session.append(new long[] {next});
                decodeNanos += System.nanoTime() - stepStart;
                decodeSteps++;
            }
        }
        long[] tokens = generated.stream().mapToLong(Long::longValue).toArray();
        GenerationResult result =
                new GenerationResult(
                        source != null ? source : ids,
                        dropped,
                        tokens,
                        stream.finalText(),
                        finish,
                        stream.stopSequence,
                        usedSeed,
                        prefillNanos,
                        decodeNanos,
                        decodeSteps);
        if (listener != null) {
            listener.onFinish(stream.heldBack(), result);
        }
        return result;
    }

    private long[] fitPrompt(long[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("The prompt is empty");
        }
        int context = model.contextLength();
        if (prompt.length + (long) maxNewTokens <= context) {
            return prompt;
        }
        if (promptPolicy == PromptPolicy.ERROR) {
            throw new PromptTooLongException(prompt.length, maxNewTokens, context);
        }
        int keep = context - maxNewTokens;
        if (keep < 1) {
            throw new IllegalArgumentException(
                    "maxNewTokens " + maxNewTokens + " leaves no room for the prompt in the context window of "
                            + context + " tokens");
        }
        return Arrays.copyOfRange(prompt, prompt.length - keep, prompt.length);
    }

    /** Picks the next token from the model's logits. */
    private int next(float[] logits, BitSet seen, SplittableRandom random) {
        double[] scores = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scores[i] = logits[i];
        }
        if (repetitionPenalty != 1f) {
            for (int i = seen.nextSetBit(0); i >= 0 && i < scores.length; i = seen.nextSetBit(i + 1)) {
                scores[i] = scores[i] > 0 ? scores[i] / repetitionPenalty : scores[i] * repetitionPenalty;
            }
        }
        if (!sampling || temperature == 0f) {
            return Sampling.argmax(scores);
        }
        return Sampling.sample(scores, temperature, topK, topP, random);
    }

    /** Decodes the generated tokens, tracks what was streamed and finds stop sequences. */
    private final class TextStream {
        private final TokenListener listener;
        private String text = "";
        private int emitted;
        private String stopSequence;

        TextStream(TokenListener listener) {
            this.listener = listener;
        }

        /** Returns true when a stop sequence was found. */
        boolean accept(List<Long> generated, long token, boolean last) {
            int index = generated.size() - 1;
            if (codec == null) {
                if (listener != null) {
                    listener.onToken(index, token, "");
                }
                return false;
            }
            text = codec.decode(generated.stream().mapToLong(Long::longValue).toArray());
            int stopAt = -1;
            for (String stop : stopSequences) {
                int at = text.indexOf(stop);
                if (at >= 0 && (stopAt < 0 || at < stopAt)) {
                    stopAt = at;
                    stopSequence = stop;
                }
            }
            int releasable;
            if (stopAt >= 0) {
                text = text.substring(0, stopAt);
                releasable = text.length();
            } else {
                releasable = last ? text.length() : stableLength(text);
            }
            String piece = releasable > emitted ? text.substring(emitted, releasable) : "";
            emitted = Math.max(emitted, releasable);
            if (listener != null) {
                listener.onToken(index, token, piece);
            }
            return stopAt >= 0;
        }

        /** The prefix of the text that can no longer change: no partial character, no partial stop. */
        private int stableLength(String s) {
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '\uFFFD') {
                end--;
            }
            int hold = 0;
            for (String stop : stopSequences) {
                for (int k = Math.min(stop.length() - 1, end); k > hold; k--) {
                    if (s.regionMatches(end - k, stop, 0, k)) {
                        hold = k;
                        break;
                    }
                }
            }
            return end - hold;
        }

        String finalText() {
            return codec == null ? null : text;
        }

        String heldBack() {
            return codec == null || emitted >= text.length() ? "" : text.substring(emitted);
        }
    }

    /**
     * Returns a builder with the defaults: greedy, 50 new tokens, no penalty, no stop sequence, stop
     * at the model's end-of-sequence token, prompts that do not fit are an error.
     *
     * @param model the language model: a causal model, or an encoder-decoder
     * @return a builder
     */
    public static Builder builder(TextGenerationModel model) {
        return new Builder(model);
    }

    /** Builds a {@link Generator}; {@link #build()} checks every setting. */
    public static final class Builder {
        private final TextGenerationModel model;
        private TokenCodec codec;
        private int maxNewTokens = 50;
        private boolean sampling;
        private float temperature = 1f;
        private int topK;
        private float topP = 1f;
        private float repetitionPenalty = 1f;
        private List<String> stopSequences = List.of();
        private Long seed;
        private PromptPolicy promptPolicy = PromptPolicy.ERROR;
        private boolean stopAtEos = true;

        Builder(TextGenerationModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * Sets the codec that encodes text prompts and decodes the output (required for text
         * prompts, streamed text and stop sequences).
         *
         * @param codec the codec
         * @return this builder
         */
        public Builder optCodec(TokenCodec codec) {
            this.codec = codec;
            return this;
        }

        /**
         * Sets the most tokens to generate (default 50).
         *
         * @param maxNewTokens at least 1
         * @return this builder
         */
        public Builder optMaxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        /**
         * Picks the most likely token at every step (the default).
         *
         * @return this builder
         */
        public Builder optGreedy() {
            this.sampling = false;
            return this;
        }

        /**
         * Samples at the given temperature instead of picking the most likely token; temperature 0
         * is greedy.
         *
         * @param temperature at least 0
         * @return this builder
         */
        public Builder optSampling(float temperature) {
            this.sampling = true;
            this.temperature = temperature;
            return this;
        }

        /**
         * Sets the temperature of sampling (default 1; only used when sampling).
         *
         * @param temperature at least 0; 0 is greedy
         * @return this builder
         */
        public Builder optTemperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Restricts sampling to the k most likely tokens (default 0: no restriction).
         *
         * @param topK at least 0
         * @return this builder
         */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /**
         * Restricts sampling to the smallest set of most likely tokens whose probability reaches p
         * (default 1: no restriction).
         *
         * @param topP in (0, 1]
         * @return this builder
         */
        public Builder optTopP(float topP) {
            this.topP = topP;
            return this;
        }

        /**
         * Sets the repetition penalty (default 1: none; values above 1 discourage repeats).
         *
         * @param penalty positive and finite
         * @return this builder
         */
        public Builder optRepetitionPenalty(float penalty) {
            this.repetitionPenalty = penalty;
            return this;
        }

        /**
         * Stops when the generated text contains one of these strings (needs a codec); the result's
         * text ends before it.
         *
         * @param stopSequences non-empty strings
         * @return this builder
         */
        public Builder optStopSequences(List<String> stopSequences) {
            this.stopSequences = List.copyOf(stopSequences);
            return this;
        }

        /**
         * Seeds sampling: the same seed gives the same tokens. Without a seed each call draws one
         * (reported by {@link GenerationResult#seed()}).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets what happens when the prompt plus {@code maxNewTokens} does not fit in the context
         * window (default {@link PromptPolicy#ERROR}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optPromptPolicy(PromptPolicy policy) {
            this.promptPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets whether generation stops at the model's end-of-sequence token (default true).
         *
         * @param stop false to generate past it
         * @return this builder
         */
        public Builder optStopAtEos(boolean stop) {
            this.stopAtEos = stop;
            return this;
        }

        /**
         * Builds the generator.
         *
         * @return the generator
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public Generator build() {
            if (maxNewTokens <= 0) {
                throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
            }
            if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
            }
            if (topK < 0) {
                throw new IllegalArgumentException("topK must be >= 0 (0 disables it), got " + topK);
            }
            if (!(topP > 0f && topP <= 1f)) {
                throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
            }
            if (!(repetitionPenalty > 0f) || Float.isInfinite(repetitionPenalty)) {
                throw new IllegalArgumentException(
                        "repetitionPenalty must be positive and finite (1 = none), got " + repetitionPenalty);
            }
            for (String stop : stopSequences) {
                if (stop.isEmpty()) {
                    throw new IllegalArgumentException("Stop sequences must not be empty strings");
                }
            }
            if (!stopSequences.isEmpty() && codec == null) {
                throw new IllegalArgumentException("Stop sequences work on decoded text: set optCodec(...)");
            }
            if (maxNewTokens >= model.contextLength()) {
                throw new IllegalArgumentException(
                        "maxNewTokens "
                                + maxNewTokens
                                + " leaves no room for a prompt in the context window of "
                                + model.contextLength()
                                + " tokens");
            }
            return new Generator(this);
        }
    }
}
