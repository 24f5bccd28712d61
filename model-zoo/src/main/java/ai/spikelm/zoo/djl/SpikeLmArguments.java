package ai.spikelm.zoo.djl;

import java.util.Map;

/**
 * The {@code Criteria} arguments SpikeLM understands ({@code optArgument(name, value)}; values may
 * be strings, as in {@code serving.properties}).
 */
public final class SpikeLmArguments {

    /** Time steps T: converts an ANN to SpikeLM or changes a SpikeLM's T. */
    public static final String TIME_STEPS = "timeSteps";
    /** {@code false} runs the model as a plain ANN. */
    public static final String SPIKING = "spiking";
    /** The Hugging Face architecture to build ({@code BertModel}, {@code BertForMaskedLM}, ...). */
    public static final String ARCHITECTURE = "architecture";
    /**
     * The kind of model to build, whatever the family ({@link ai.spikelm.zoo.family.ModelKind}):
     * {@code encoder} (text embedding), {@code causal_lm} or {@code seq2seq} (text generation);
     * default the saved architecture. Not together with {@link #ARCHITECTURE}.
     */
    public static final String MODEL_KIND = "modelKind";
    /**
     * The path of a UTF-8 text file (relative paths against the working directory), one text per
     * line, on which a model with uncalibrated spike sites (an ANN converted by {@link
     * #TIME_STEPS}) is calibrated when it loads, over real tokens only; default: the embedded
     * sample text ({@link ai.spikelm.zoo.core.CalibrationSet#sample()}).
     */
    public static final String CALIBRATION_TEXT = "calibrationText";
    /** {@code true} lets a missing {@code model.safetensors} fall back to {@code pytorch_model.bin}. */
    public static final String ALLOW_PICKLE = "allowPickle";
    /** Maximum tokens per text (default 512, capped at the model's positions). */
    public static final String MAX_LENGTH = "maxLength";
    /** {@code true} (default) truncates long texts; {@code false} rejects them. */
    public static final String TRUNCATION = "truncation";
    /**
     * What happens to a text longer than {@code maxLength} tokens ({@link
     * ai.spikelm.zoo.text.LongInputPolicy}): {@code truncate} (default), {@code reject} (as {@code
     * truncation=false}) or, for text embedding only, {@code average_windows} (the mean of the
     * vectors of consecutive windows).
     */
    public static final String LONG_INPUT_POLICY = "longInputPolicy";
    /** Embedding pooling: {@code mean} (default), {@code cls}, {@code max}, {@code mean_sqrt_len}. */
    public static final String POOLING = "pooling";
    /** {@code true} (default) L2-normalises embeddings. */
    public static final String NORMALIZE = "normalize";
    /**
     * Number of results of fill-mask and classification (default 5); for text generation, sample
     * among the k most likely tokens.
     */
    public static final String TOP_K = "topK";
    /** Text generation: tokens to generate at most (default 50). */
    public static final String MAX_NEW_TOKENS = "maxNewTokens";
    /** Text generation: sample at this temperature (default: greedy decoding). */
    public static final String TEMPERATURE = "temperature";
    /** Text generation: sample within this probability mass, in (0, 1]. */
    public static final String TOP_P = "topP";
    /** Text generation: penalty (&gt; 1) on tokens already present. */
    public static final String REPETITION_PENALTY = "repetitionPenalty";
    /** Text generation: seed of the sampling (same seed, same text). */
    public static final String SEED = "seed";
    /** Text generation: stop sequences, separated by {@code |}. */
    public static final String STOP = "stop";
    /** Text generation: {@code true} drops the oldest prompt tokens instead of failing on a prompt longer than the context. */
    public static final String LEFT_TRUNCATE = "leftTruncate";
    /**
     * PyTorch's intra-op threads, set for the whole process when the model loads (see {@link
     * InferenceThreads}); default: PyTorch's own, one per core.
     */
    public static final String INTRA_OP_THREADS = "intraOpThreads";

    private SpikeLmArguments() {}

    static String string(Map<String, ?> arguments, String key, String fallback) {
        Object v = arguments.get(key);
        return v == null ? fallback : v.toString();
    }

    static int integer(Map<String, ?> arguments, String key, int fallback) {
        Object v = arguments.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Argument " + key + " must be an integer, got '" + v + "'", e);
        }
    }

    static Float decimal(Map<String, ?> arguments, String key) {
        Object v = arguments.get(key);
        if (v == null) {
            return null;
        }
        try {
            return v instanceof Number ? ((Number) v).floatValue() : Float.parseFloat(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Argument " + key + " must be a number, got '" + v + "'", e);
        }
    }

    static boolean bool(Map<String, ?> arguments, String key, boolean fallback) {
        Object v = arguments.get(key);
        if (v == null) {
            return fallback;
        }
        String s = v.toString().trim();
        if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException("Argument " + key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(s);
    }
}
