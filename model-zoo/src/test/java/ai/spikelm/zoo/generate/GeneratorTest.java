package ai.spikelm.zoo.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator's own logic, on a scripted model (no engine needed). */
class GeneratorTest {

    /** Records the streamed pieces and checks the streaming contract. */
    private static final class Recorder implements TokenListener {
        final List<String> pieces = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        String tail;
        GenerationResult result;

        @Override
        public void onToken(int index, long tokenId, String text) {
            assertEquals(ids.size(), index);
            ids.add(tokenId);
            pieces.add(text);
        }

        @Override
        public void onFinish(String text, GenerationResult result) {
            this.tail = text;
            this.result = result;
        }

        String streamed() {
            return String.join("", pieces);
        }
    }

    private static Generator.Builder builder(ScriptedModel model) {
        return Generator.builder(model).optCodec(ScriptedModel.CODEC).optMaxNewTokens(40);
    }

    @Test
    void stopsAtEosWhichIsNotPartOfTheResult() {
        ScriptedModel model = ScriptedModel.scripted(64, ScriptedModel.bytes("hello"));
        Recorder recorder = new Recorder();
        GenerationResult r = builder(model).build().generate(manager(), "Say:", recorder);
        assertEquals("hello", r.text());
        assertEquals(FinishReason.EOS, r.finishReason());
        assertArrayEquals(ScriptedModel.bytes("hello"), r.tokens());
        assertEquals(5, recorder.ids.size());
        assertEquals("hello", recorder.streamed() + recorder.tail);
        assertEquals(r, recorder.result);
        assertArrayEquals(ScriptedModel.bytes("Say:"), r.promptTokens());

        GenerationResult past = builder(model).optStopAtEos(false).optMaxNewTokens(7).build().generate(manager(), "Say:");
        assertEquals(FinishReason.LENGTH, past.finishReason());
        assertEquals(7, past.tokens().length);
        assertEquals(ScriptedModel.EOS, past.tokens()[5]);
    }

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDManager manager() {
        return manager; // the scripted model keeps no arrays on it
    }

    @Test
    void maxNewTokensBoundsTheOutput() {
        ScriptedModel model = ScriptedModel.scripted(64, ScriptedModel.bytes("a long answer"));
        GenerationResult r = builder(model).optMaxNewTokens(3).build().generate(manager(), "Q");
        assertEquals("a l", r.text());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        // Three tokens need the prompt pass and two one-token passes: the last token is not fed back.
        assertEquals(List.of(81L, 97L, 32L), model.sessions.get(0));
        assertEquals(2, r.decodeSteps());
    }

    @Test
    void stopSequencesCutTheTextAndAreNeverStreamed() {
        ScriptedModel model = ScriptedModel.scripted(64, ScriptedModel.bytes("the cat sat. the dog"));
        Recorder recorder = new Recorder();
        GenerationResult r =
                builder(model).optStopSequences(List.of("dog", "sat.")).build().generate(manager(), "x", recorder);
        assertEquals("the cat ", r.text());
        assertEquals(FinishReason.STOP_SEQUENCE, r.finishReason());
        assertEquals("sat.", r.stopSequence());
        assertArrayEquals(ScriptedModel.bytes("the cat sat."), r.tokens(), "the tokens include the stop sequence");
        assertEquals("the cat ", recorder.streamed() + recorder.tail);
        // While "s", "sa", "sat" could still become "sat.", they were held back.
        assertEquals("", recorder.pieces.get(8), "'s' is held back");
        assertEquals("", recorder.pieces.get(10), "'sat' is held back");
        // A suffix that turns out not to be a stop sequence is released.
        ScriptedModel sad = ScriptedModel.scripted(64, ScriptedModel.bytes("sad dogs"));
        Recorder r2 = new Recorder();
        GenerationResult s = builder(sad).optStopSequences(List.of("sat.", "dogs!")).build().generate(manager(), "x", r2);
        assertEquals("sad dogs", s.text());
        assertEquals(FinishReason.EOS, s.finishReason());
        assertEquals(List.of("", "", "sa", "d ", "", "", "", ""), r2.pieces,
                "'sa' released once 'sad' cannot be 'sat.', 'd' once 'd ' cannot be 'dogs!'");
        assertEquals("", r2.pieces.get(7), "'dogs' could still become 'dogs!'");
        assertEquals("dogs", r2.tail, "held back until the end");
    }

    @Test
    void aCharacterCutBetweenTokensIsStreamedWhenComplete() {
        long[] script = ScriptedModel.bytes("hé!");
        assertEquals(4, script.length, "é is two bytes");
        Recorder recorder = new Recorder();
        GenerationResult r = builder(ScriptedModel.scripted(64, script)).build().generate(manager(), "x", recorder);
        assertEquals(List.of("h", "", "é", "!"), recorder.pieces);
        assertEquals("hé!", r.text());
    }

    @Test
    void repetitionPenaltyFollowsHuggingFace() {
        // Token 'a' always scores 2.0, 'b' 1.5, 'c' −1.0, everything else −10.
        ScriptedModel model =
                new ScriptedModel(
                        64,
                        (prompt, generated) -> {
                            float[] out = new float[ScriptedModel.VOCAB];
                            java.util.Arrays.fill(out, -10f);
                            out['a'] = 2f;
                            out['b'] = 1.5f;
                            out['c'] = -1f;
                            return out;
                        });
        assertEquals("aaaa", builder(model).optMaxNewTokens(4).build().generate(manager(), "x").text());
        // 2.0/2 = 1.0 < 1.5 once 'a' is seen; then 1.0 > 1.5/2 = 0.75 (a seen token is penalised
        // once, however often it occurred).
        assertEquals("abaa", builder(model).optMaxNewTokens(4).optRepetitionPenalty(2f).build().generate(manager(), "x").text());
        // Prompt tokens count as seen.
        assertEquals("b", builder(model).optMaxNewTokens(1).optRepetitionPenalty(2f).build().generate(manager(), "a").text());
        // A negative logit is multiplied: with 'a' and 'b' seen, 'c' (−1) stays below them.
        assertEquals("a", builder(model).optMaxNewTokens(1).optRepetitionPenalty(100f).build().generate(manager(), "ab").text());
    }

    @Test
    void promptPolicyErrorsOrTruncatesOnTheLeft() {
        ScriptedModel model = ScriptedModel.scripted(16, ScriptedModel.bytes("ok"));
        String prompt = "abcdefghijklmn"; // 14 tokens + 4 new > 16
        PromptTooLongException e =
                assertThrows(
                        PromptTooLongException.class,
                        () -> builder(model).optMaxNewTokens(4).build().generate(manager(), prompt));
        assertEquals(14, e.promptTokens());
        assertEquals(4, e.maxNewTokens());
        assertEquals(16, e.contextLength());
        assertTrue(e.getMessage().contains("LEFT_TRUNCATE"), e.getMessage());

        GenerationResult r =
                builder(model).optMaxNewTokens(4).optPromptPolicy(PromptPolicy.LEFT_TRUNCATE).build().generate(manager(), prompt);
        assertEquals(2, r.droppedPromptTokens());
        assertArrayEquals(ScriptedModel.bytes("cdefghijklmn"), r.promptTokens());
        assertEquals("ok", r.text());
        // A prompt that fits is never touched.
        GenerationResult fits = builder(model).optMaxNewTokens(2).optPromptPolicy(PromptPolicy.LEFT_TRUNCATE).build().generate(manager(), prompt);
        assertEquals(0, fits.droppedPromptTokens());
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        ScriptedModel model = ScriptedModel.scripted(16, ScriptedModel.bytes("ok"));
        assertInvalid("maxNewTokens", b -> b.optMaxNewTokens(0));
        assertInvalid("maxNewTokens", b -> b.optMaxNewTokens(-3));
        assertInvalid("maxNewTokens", b -> b.optMaxNewTokens(16)); // no room for a prompt
        assertInvalid("topP", b -> b.optTopP(0f));
        assertInvalid("topP", b -> b.optTopP(1.01f));
        assertInvalid("topP", b -> b.optTopP(Float.NaN));
        assertInvalid("temperature", b -> b.optSampling(-0.5f));
        assertInvalid("temperature", b -> b.optTemperature(Float.NaN));
        assertInvalid("temperature", b -> b.optTemperature(Float.POSITIVE_INFINITY));
        assertInvalid("topK", b -> b.optTopK(-1));
        assertInvalid("repetitionPenalty", b -> b.optRepetitionPenalty(0f));
        assertInvalid("Stop sequences", b -> b.optStopSequences(List.of("")));
        IllegalArgumentException noCodec =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Generator.builder(model).optStopSequences(List.of("x")).build());
        assertTrue(noCodec.getMessage().contains("optCodec"));

        Generator g = builder(model).optMaxNewTokens(2).build();
        assertThrows(IllegalArgumentException.class, () -> g.generate(manager(), ""), "empty prompt");
        assertThrows(IllegalArgumentException.class, () -> g.generate(manager(), new long[0], null), "empty prompt");
        IllegalArgumentException range =
                assertThrows(IllegalArgumentException.class, () -> g.generate(manager(), new long[] {3, 257}, null));
        assertTrue(range.getMessage().contains("257"), range.getMessage());
        Generator noText = Generator.builder(model).optMaxNewTokens(2).build();
        assertThrows(IllegalStateException.class, () -> noText.generate(manager(), "text"));
        GenerationResult ids = noText.generate(manager(), new long[] {1, 2}, null);
        assertNull(ids.text());
        assertEquals(2, ids.tokens().length);
    }

    private static void assertInvalid(String name, Consumer<Generator.Builder> setting) {
        Generator.Builder b = builder(ScriptedModel.scripted(16, ScriptedModel.bytes("ok")));
        setting.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
