package ai.spikelm.zoo.bart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import ai.spikelm.zoo.generate.FinishReason;
import ai.spikelm.zoo.generate.GenerationResult;
import ai.spikelm.zoo.generate.Generator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generation with a real (tiny) SpikeLM-BART through the shared {@link Generator}. */
class BartGenerationTest {

    private static final SpikingConfig T4 = SpikingConfig.builder().optTimeSteps(4).build();
    private static final long[] SOURCE = {0, 17, 5, 33, 8, 41, 2};

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
                SpikeBartForConditionalGeneration model = TinyBart.model(manager, spiking, 21);
                TinyBart.logits(model, manager, TinyBart.SOURCE, TinyBart.TARGET); // calibrate
                try (BartConditionedModel conditioned = model.conditionedOn(manager, SOURCE)) {
                    long[] prompt = conditioned.startPrompt();
                    assertArrayEquals(new long[] {2}, prompt, "decoder_start_token_id");
                    GenerationResult r = Generator.builder(conditioned).optMaxNewTokens(8).optStopAtEos(false).build()
                            .generate(manager, prompt, null);
                    long[] tokens = r.tokens();
                    assertEquals(8, tokens.length);
                    for (int i = 0; i < tokens.length; i++) {
                        long[] decoder = concat(prompt, tokens, i);
                        NDArray full = TinyBart.logits(model, manager, new long[][] {SOURCE}, new long[][] {decoder});
                        assertEquals(argmaxOfLastPosition(full), tokens[i], spiking + ": step " + i);
                    }
                    assertEquals(FinishReason.LENGTH, r.finishReason());
                }
            }
        }
    }

    @Test
    void sessionLogitsEqualAFullForwardPassAndSessionsShareTheSource() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBartForConditionalGeneration model = TinyBart.model(manager, spiking, 22);
                TinyBart.logits(model, manager, TinyBart.SOURCE, TinyBart.TARGET); // calibrate
                NDArray full = TinyBart.logits(model, manager, new long[][] {SOURCE}, new long[][] {{2, 0, 44}});
                try (BartConditionedModel conditioned = model.conditionedOn(manager, SOURCE)) {
                    assertEquals(TinyBart.POSITIONS, conditioned.contextLength());
                    assertEquals(TinyBart.VOCAB, conditioned.vocabSize());
                    assertEquals(2, conditioned.eosTokenId());
                    for (int round = 0; round < 2; round++) {
                        try (CausalLanguageModel.Session session = conditioned.newSession(manager)) {
                            float[] first = session.append(new long[] {2, 0});
                            float[] second = session.append(new long[] {44});
                            assertEquals(3, session.length());
                            assertArrayEquals(full.get("0, 1, :").toFloatArray(), first, 1e-4f);
                            assertArrayEquals(full.get("0, 2, :").toFloatArray(), second, 1e-4f);
                            assertThrows(IllegalArgumentException.class, () -> session.append(new long[0]));
                        }
                    }
                }
            }
        }
    }

    @Test
    void badSourcesAreClearErrors() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = TinyBart.model(manager, SpikingConfig.ANN, 23);
            IllegalArgumentException empty =
                    assertThrows(IllegalArgumentException.class, () -> model.conditionedOn(manager, new long[0]));
            assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
            IllegalArgumentException tooLong =
                    assertThrows(IllegalArgumentException.class, () -> model.conditionedOn(manager, new long[33]));
            assertTrue(tooLong.getMessage().contains("max_position_embeddings = 32"), tooLong.getMessage());
            IllegalArgumentException outside =
                    assertThrows(IllegalArgumentException.class, () -> model.conditionedOn(manager, new long[] {0, 60}));
            assertTrue(outside.getMessage().contains("60"), outside.getMessage());
        }
    }
}
