package ai.spikelm.zoo.generate;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fake language model for generator tests: its logits are a function of the sequence so far, and
 * it records what each session saw. Tokens are bytes of text (id = byte value, 0..127 ASCII, 128..255
 * raw bytes), plus an end-of-sequence token 256.
 */
final class ScriptedModel implements CausalLanguageModel {

    static final int VOCAB = 257;
    static final int EOS = 256;

    /** The logits after a prompt and the tokens fed back since. */
    interface Logits {
        float[] next(List<Long> prompt, List<Long> generated);
    }

    private final int context;
    private final Logits logits;
    final List<List<Long>> sessions = new ArrayList<>();

    ScriptedModel(int context, Logits logits) {
        this.context = context;
        this.logits = logits;
    }

    /** A model that emits {@code script} token by token after any prompt, then EOS. */
    static ScriptedModel scripted(int context, long... script) {
        return new ScriptedModel(
                context,
                (prompt, generated) -> {
                    float[] out = new float[VOCAB];
                    long next = generated.size() < script.length ? script[generated.size()] : EOS;
                    out[(int) next] = 10f;
                    return out;
                });
    }

    static long[] bytes(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xFF;
        }
        return ids;
    }

    /** Byte tokens; decoding is lossy UTF-8 (a cut character becomes U+FFFD), EOS decodes to "". */
    static final TokenCodec CODEC =
            new TokenCodec() {
                @Override
                public long[] encode(String text) {
                    return bytes(text);
                }

                @Override
                public String decode(long[] ids) {
                    byte[] b = new byte[ids.length];
                    int n = 0;
                    for (long id : ids) {
                        if (id != EOS) {
                            b[n++] = (byte) id;
                        }
                    }
                    return new String(Arrays.copyOf(b, n), StandardCharsets.UTF_8);
                }
            };

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public int vocabSize() {
        return VOCAB;
    }

    @Override
    public Integer eosTokenId() {
        return EOS;
    }

    @Override
    public Session newSession(NDManager manager) {
        List<Long> seen = new ArrayList<>();
        sessions.add(seen);
        int[] promptLength = {-1};
        return new Session() {
            @Override
            public float[] append(long[] tokens) {
                for (long t : tokens) {
                    seen.add(t);
                }
                if (promptLength[0] < 0) {
                    promptLength[0] = tokens.length;
                }
                if (seen.size() > context) {
                    throw new IllegalArgumentException("context overflow");
                }
                return logits.next(seen.subList(0, promptLength[0]), seen.subList(promptLength[0], seen.size()));
            }

            @Override
            public int length() {
                return seen.size();
            }

            @Override
            public void close() {}
        };
    }
}
