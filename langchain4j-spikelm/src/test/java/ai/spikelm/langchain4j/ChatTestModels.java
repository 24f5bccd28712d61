package ai.spikelm.langchain4j;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.Losses;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small byte-level SpikeLM GPT-2 models for the chat tests: every byte is a token (GPT-2's
 * byte-to-symbol map, no merges), plus {@code <|endoftext|>}, so any text, including multi-byte
 * UTF-8, is encodable and one character may take several tokens.
 */
final class ChatTestModels {

    static final int VOCAB = 257;
    static final int EOS = 256;

    /** The conversations the trained model learns by heart, with their replies. */
    static final List<Map.Entry<List<ChatMessage>, String>> LESSONS = List.of(
            lesson("Berlin.", UserMessage.from("What is the capital of Germany?")),
            lesson("Ich liebe dich.",
                    SystemMessage.from("Translate messages from user into German"), UserMessage.from("Translate: 'I love you'")),
            lesson("Green.", UserMessage.from("Hi, my favorite color is green"), AiMessage.from("Hi, nice to meet you"),
                    UserMessage.from("What is my favorite color?")),
            lesson("Hello World", UserMessage.from("Say 'Hello World'")),
            lesson("Berlin. 4.", UserMessage.from("What is the capital of Germany? How much is 2 + 2?")),
            lesson("Once upon a time a fox, a bear and an owl lived by a river.",
                    UserMessage.from("Tell me a long story about animals")),
            lesson("Hello! How can I help?", UserMessage.from("hello")),
            lesson("Paris, the city of light.", UserMessage.from("What is the capital of France?")),
            lesson("Grüße aus Köln, Søren!", UserMessage.from("Greet Søren from Köln")));

    /** Bump when the training recipe changes, so a stale model in target/ is not reused. */
    private static final int VERSION = 1;

    private static Path trained;

    private ChatTestModels() {}

    private static Map.Entry<List<ChatMessage>, String> lesson(String reply, ChatMessage... messages) {
        return Map.entry(List.of(messages), reply);
    }

    /** Writes the byte-level tokenizer.json into a model folder. */
    static void writeTokenizer(Path dir) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(Gpt2TokenizerJson.byteSymbol(b)), b);
        }
        vocab.put(Gpt2TokenizerJson.END_OF_TEXT, EOS);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"),
                Gpt2TokenizerJson.convert(vocab, List.of(), List.of(Gpt2TokenizerJson.END_OF_TEXT)));
    }

    static SpikeGpt2Config config(SpikingConfig spiking, int context) {
        return SpikeGpt2Config.builder()
                .optVocabSize(VOCAB).optNPositions(context).optNEmbd(64).optNLayer(2).optNHead(4)
                .optBosTokenId(EOS).optEosTokenId(EOS).optDropout(0f)
                .optSpiking(spiking)
                .build();
    }

    /** An untrained model with random weights and uncalibrated spike sites (an ANN when T is null). */
    static Path random(Path dir, Integer timeSteps, long seed) throws IOException {
        SpikingConfig spiking = timeSteps == null ? SpikingConfig.ANN : SpikingConfig.builder().optTimeSteps(timeSteps).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config(spiking, 128));
            model.initialize(manager);
            // DJL's initial weights make every step pick the same token; larger random weights
            // (LayerNorm gains around 1) give varied, prompt-dependent text.
            java.util.Random random = new java.util.Random(seed);
            for (Map.Entry<String, Parameter> e : HfWeights.parameters(model).entrySet()) {
                if (e.getKey().endsWith(".alpha") || e.getKey().endsWith(".calibrated")) {
                    continue;
                }
                boolean gain = e.getKey().matches(".*ln_(1|2|f)\\.weight");
                float[] values = new float[Math.toIntExact(e.getValue().getArray().size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * (gain ? 0.1 : 0.4)) + (gain ? 1f : 0f);
                }
                e.getValue().getArray().set(values);
            }
            SpikeGpt2Loader.save(model, dir);
        }
        writeTokenizer(dir);
        return dir;
    }

    /**
     * A SpikeLM (T = 4) model trained, once per JVM, until it answers every lesson greedily; the
     * folder holds its calibrated amplitudes.
     */
    static synchronized Path trained() {
        if (trained == null) {
            try {
                // Kept in target/ between runs of the same lessons: training takes a while on 2 cores.
                Path dir = Path.of("target", "spikelm-chat-trained-" + Integer.toHexString(LESSONS.hashCode() * 31 + VERSION));
                if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                    Path scratch = Files.createTempDirectory(Path.of("target"), "training");
                    train(scratch);
                    try {
                        Files.move(scratch, dir);
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        // another JVM trained it meanwhile: use theirs
                    }
                }
                trained = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return trained;
    }

    private static void train(Path dir) throws IOException {
        ChatTemplate template = ChatTemplate.plain();
        String stop = template.stopSequences().get(0);
        List<long[]> inputs = new ArrayList<>();
        List<long[]> labels = new ArrayList<>();
        int length = 0;
        for (Map.Entry<List<ChatMessage>, String> lesson : LESSONS) {
            byte[] prompt = template.render(lesson.getKey()).getBytes(StandardCharsets.UTF_8);
            byte[] reply = (" " + lesson.getValue() + stop).getBytes(StandardCharsets.UTF_8);
            long[] ids = new long[prompt.length + reply.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i < prompt.length ? prompt[i] : reply[i - prompt.length]) & 0xFF;
            }
            long[] next = new long[ids.length];
            Arrays.fill(next, Losses.IGNORE_INDEX);
            for (int i = prompt.length - 1; i < ids.length - 1; i++) {
                next[i] = ids[i + 1]; // only the reply (and the stop after it) is learnt
            }
            inputs.add(ids);
            labels.add(next);
            length = Math.max(length, ids.length);
        }
        long[][] x = new long[inputs.size()][length];
        long[][] y = new long[inputs.size()][length];
        for (int i = 0; i < inputs.size(); i++) {
            Arrays.fill(x[i], EOS); // right padding: causal attention never looks at it
            Arrays.fill(y[i], Losses.IGNORE_INDEX);
            System.arraycopy(inputs.get(i), 0, x[i], 0, inputs.get(i).length);
            System.arraycopy(labels.get(i), 0, y[i], 0, labels.get(i).length);
        }
        // Learning by heart is fast as an ANN; the SpikeLM model then starts from the ANN's weights,
        // calibrates α on the lessons and is fine-tuned briefly at T = 4 (surrogate gradients).
        Path ann = dir.resolve("ann");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config(SpikingConfig.ANN, 256));
            model.initialize(manager);
            fit(model, manager, x, y, 3e-3f, 400, 0.003f, "ANN");
            SpikeGpt2Loader.save(model, ann);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = SpikeGpt2Loader.builder().setModelDir(ann)
                    .optSpiking(SpikingConfig.builder().optTimeSteps(4).build()).build().loadLanguageModel(manager);
            fit(model, manager, x, y, 1e-3f, 200, 0.05f, "SpikeLM T=4");
            SpikeGpt2Loader.save(model, dir);
        }
        writeTokenizer(dir);
    }

    /**
     * Trains until every learnt position is predicted right (so greedy decoding reproduces every
     * reply) and the loss is below {@code targetLoss} (a margin), or {@code maxSteps}.
     */
    private static void fit(SpikeGpt2LMHeadModel model, NDManager manager, long[][] x, long[][] y, float lr, int maxSteps,
            float targetLoss, String what) {
        List<NDArray> parameters = distinctArrays(model);
        try (AdamW adamW = AdamW.builder().setModel(model).setLearningRate(WarmupLinearSchedule.constant(lr))
                .optWeightDecay(0f).build()) {
            float loss = Float.NaN;
            int step = 0;
            long start = System.nanoTime();
            boolean done = false;
            for (; step < maxSteps && !done; step++) {
                try (NDManager scope = manager.newSubManager()) {
                    // Results of operations on a parameter belong to its manager: lend it this one.
                    parameters.forEach(p -> p.tempAttach(scope));
                    try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
                        NDArray logits = model.forward(new ParameterStore(scope, false),
                                new NDList(scope.create(x)), true).singletonOrThrow();
                        NDArray labels = scope.create(y);
                        NDArray l = Losses.softmaxCrossEntropy(logits, labels);
                        loss = l.getFloat();
                        NDArray counted = labels.neq(Losses.IGNORE_INDEX);
                        long wrong = logits.argMax(2).neq(labels).logicalAnd(counted).sum().getLong();
                        done = wrong == 0 && loss < targetLoss;
                        if (!done) {
                            collector.backward(l);
                        }
                    }
                    if (!done) {
                        adamW.step();
                    }
                }
            }
            System.out.printf("trained chat model (%s): %d steps, loss %.4f, %.1f s%n", what, step, loss,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static List<NDArray> distinctArrays(SpikeGpt2LMHeadModel model) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : HfWeights.parameters(model).values()) {
            if (seen.add(p) && p.isInitialized()) {
                out.add(p.getArray());
            }
        }
        return out;
    }
}
