package ai.spikelm.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import ai.spikelm.zoo.generate.FinishReason;
import ai.spikelm.zoo.generate.GenerationResult;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.TokenCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation with a real (tiny) SpikeLM-GPT-2. */
class Gpt2GenerationTest {

    private static final SpikingConfig T4 = SpikingConfig.builder().optTimeSteps(4).build();
    private static final long[] PROMPT = {3, 17, 5};

    private static long[] concat(long[] a, long[] b, int bLength) {
        long[] out = Arrays.copyOf(a, a.length + bLength);
        System.arraycopy(b, 0, out, a.length, bLength);
        return out;
    }

    private static int argmaxOfLastPosition(NDArray logits) {
        long length = logits.getShape().get(1);
        return (int) logits.get("0, " + (length - 1) + ", :").argMax().getLong();
    }

    @Test
    void greedyIsTheArgmaxOfAFullRecomputeAtEveryStep() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 21);
                TinyGpt2.logits(model, manager, TinyGpt2.IDS); // calibrate
                GenerationResult r =
                        Generator.builder(model).optMaxNewTokens(8).optStopAtEos(false).build()
                                .generate(manager, PROMPT, null);
                long[] tokens = r.tokens();
                assertEquals(8, tokens.length);
                for (int i = 0; i < tokens.length; i++) {
                    long[] sequence = concat(PROMPT, tokens, i);
                    NDArray full = TinyGpt2.logits(model, manager, new long[][] {sequence});
                    assertEquals(argmaxOfLastPosition(full), tokens[i], spiking + ": step " + i);
                }
                assertEquals(7, r.decodeSteps());
            }
        }
    }

    @Test
    void sessionLogitsEqualAFullForwardPass() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 22);
                TinyGpt2.logits(model, manager, TinyGpt2.IDS); // calibrate
                try (CausalLanguageModel.Session session = model.newSession(manager)) {
                    float[] first = session.append(PROMPT);
                    float[] second = session.append(new long[] {44});
                    assertEquals(4, session.length());
                    NDArray full = TinyGpt2.logits(model, manager, new long[][] {{3, 17, 5, 44}});
                    assertArrayEquals(full.get("0, 2, :").toFloatArray(), first, 1e-4f);
                    assertArrayEquals(full.get("0, 3, :").toFloatArray(), second, 1e-4f);
                    assertThrows(IllegalArgumentException.class, () -> session.append(new long[0]));
                    assertThrows(IllegalArgumentException.class, () -> session.append(new long[29]), "context 32");
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 23);
                TinyGpt2.logits(model, manager, TinyGpt2.IDS); // calibrate
                Generator.Builder b =
                        Generator.builder(model).optMaxNewTokens(12).optStopAtEos(false)
                                .optSampling(1.5f).optTopK(30).optTopP(0.95f).optRepetitionPenalty(1.1f);
                long[] first = b.optSeed(42).build().generate(manager, PROMPT, null).tokens();
                long[] again = b.optSeed(42).build().generate(manager, PROMPT, null).tokens();
                assertArrayEquals(first, again, spiking.toString());
                Set<List<Long>> samples = new HashSet<>();
                samples.add(Arrays.stream(first).boxed().toList());
                for (long seed = 1; seed <= 2; seed++) {
                    long[] t = b.optSeed(seed).build().generate(manager, PROMPT, null).tokens();
                    samples.add(Arrays.stream(t).boxed().toList());
                }
                assertTrue(samples.size() > 1, "different seeds sample different tokens");
            }
        }
    }

    @Test
    void theReportedSeedReplaysAnUnseededCallAndTopOneIsGreedy() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, SpikingConfig.ANN, 27);
            Generator.Builder b = Generator.builder(model).optMaxNewTokens(10).optStopAtEos(false).optSampling(1.5f);
            GenerationResult unseeded = b.build().generate(manager, PROMPT, null);
            long[] replay = b.optSeed(unseeded.seed()).build().generate(manager, PROMPT, null).tokens();
            assertArrayEquals(unseeded.tokens(), replay);
            long[] greedy = Generator.builder(model).optMaxNewTokens(10).optStopAtEos(false).build()
                    .generate(manager, PROMPT, null).tokens();
            long[] top1 = b.optTopK(1).optSeed(5).build().generate(manager, PROMPT, null).tokens();
            long[] tinyP = b.optTopK(0).optTopP(1e-6f).optSeed(6).build().generate(manager, PROMPT, null).tokens();
            assertArrayEquals(greedy, top1, "top-k 1 is greedy");
            assertArrayEquals(greedy, tinyP, "a tiny top-p keeps only the most likely token");
        }
    }

    @Test
    void stopsAtTheModelsEosToken() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, SpikingConfig.ANN, 24);
            // Make EOS the most likely token everywhere: raise its embedding along the final hidden state.
            long[] greedy = Generator.builder(model).optMaxNewTokens(5).optStopAtEos(false).build()
                    .generate(manager, PROMPT, null).tokens();
            int eosAt = 2;
            List<Long> seen = new ArrayList<>();
            for (long t : greedy) {
                seen.add(t);
            }
            SpikeGpt2LMHeadModel withEos =
                    new SpikeGpt2LMHeadModel(
                            model.getConfig().toBuilder().optEosTokenId((int) greedy[eosAt]).build());
            withEos.initialize(manager);
            TinyGpt2.randomize(withEos, 24);
            GenerationResult r = Generator.builder(withEos).optMaxNewTokens(5).build().generate(manager, PROMPT, null);
            int first = seen.indexOf(greedy[eosAt]);
            assertEquals(FinishReason.EOS, r.finishReason());
            assertArrayEquals(Arrays.copyOf(greedy, first), r.tokens());
        }
    }

    /** Text in, streamed text out, through a real Hugging Face tokenizer. */
    @Test
    void generatesTextThroughAHuggingFaceTokenizer(@TempDir Path dir) throws IOException {
        java.util.Map<String, Integer> vocab = Gpt2TokenizerJsonTest.tinyVocab();
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, Gpt2TokenizerJson.convert(vocab, Gpt2TokenizerJsonTest.TINY_MERGES,
                List.of(Gpt2TokenizerJson.END_OF_TEXT)));
        int eos = vocab.get(Gpt2TokenizerJson.END_OF_TEXT);
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Gpt2TokenizerJson.load(file)) {
            SpikeGpt2Config config =
                    TinyGpt2.config(T4).toBuilder().optVocabSize(vocab.size()).optBosTokenId(eos).optEosTokenId(eos)
                            .optNPositions(64).build();
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            TinyGpt2.randomize(model, 25);
            StringBuilder streamed = new StringBuilder();
            int[] calls = {0};
            Generator generator =
                    Generator.builder(model).optCodec(TokenCodec.of(tokenizer)).optMaxNewTokens(30)
                            .optSampling(1f).optSeed(7).build();
            GenerationResult r =
                    generator.generate(
                            manager,
                            "hello world",
                            new ai.spikelm.zoo.generate.TokenListener() {
                                @Override
                                public void onToken(int index, long tokenId, String text) {
                                    calls[0]++;
                                    streamed.append(text);
                                }

                                @Override
                                public void onFinish(String text, GenerationResult result) {
                                    streamed.append(text);
                                }
                            });
            assertArrayEquals(new long[] {vocab.get("hello"), vocab.get("Ġworld")}, r.promptTokens());
            assertEquals(r.tokens().length, calls[0], "one callback per token");
            assertEquals(r.text(), streamed.toString());
            assertEquals(tokenizer.decode(r.tokens(), false), r.text());

            // A stop sequence taken from the sampled text cuts it there.
            String text = r.text();
            assertTrue(text.length() > 4, text);
            String stop = text.substring(2, 4);
            GenerationResult cut =
                    Generator.builder(model).optCodec(TokenCodec.of(tokenizer)).optMaxNewTokens(30).optSampling(1f)
                            .optSeed(7).optStopSequences(List.of(stop)).build().generate(manager, "hello world");
            assertEquals(FinishReason.STOP_SEQUENCE, cut.finishReason());
            assertEquals(text.substring(0, text.indexOf(stop)), cut.text());
        }
        // DJL's default tokenizer loading truncates at 512 tokens; the codec refuses to hide that.
        try (HuggingFaceTokenizer truncating = HuggingFaceTokenizer.newInstance(file)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> TokenCodec.of(truncating).encode("ab ".repeat(400)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void repeatedGenerationLeavesNothingOnTheModelManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T4, 26);
            Generator generator =
                    Generator.builder(model).optMaxNewTokens(5).optStopAtEos(false).optSampling(1f).optSeed(3).build();
            int before = -1;
            for (int i = 0; i < 6; i++) {
                generator.generate(manager, PROMPT, (index, id, text) -> { });
                int now = ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
                if (i == 1) {
                    before = now; // after calibration
                } else if (i > 1) {
                    assertEquals(before, now, "arrays left on the model's manager after generation " + i);
                }
            }
            assertFalse(before < 0);
        }
    }
}
