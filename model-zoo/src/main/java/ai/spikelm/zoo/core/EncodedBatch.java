package ai.spikelm.zoo.core;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A padded batch of tokenised texts: {@code input_ids}, {@code attention_mask} and {@code
 * token_type_ids}, each {@code [batch][length]}.
 *
 * @param inputIds token ids
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds segment ids
 */
public record EncodedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    /**
     * Tokenises texts and pads them to the longest one.
     *
     * @param tokenizer the tokenizer (its truncation setting decides what happens to long texts)
     * @param texts the texts, none empty
     * @return the batch
     * @throws IllegalArgumentException if there are no texts or one is blank
     */
    public static EncodedBatch encode(HuggingFaceTokenizer tokenizer, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("No texts to encode");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new IllegalArgumentException("Text " + i + " is empty");
            }
        }
        return of(tokenizer.batchEncode(texts));
    }

    /**
     * Pads encodings to the longest one (with id 0, mask 0).
     *
     * @param encodings the encodings
     * @return the batch
     */
    public static EncodedBatch of(Encoding[] encodings) {
        int length = 0;
        for (Encoding e : encodings) {
            length = Math.max(length, e.getIds().length);
        }
        long[][] ids = new long[encodings.length][length];
        long[][] mask = new long[encodings.length][length];
        long[][] types = new long[encodings.length][length];
        for (int i = 0; i < encodings.length; i++) {
            long[] m = encodings[i].getAttentionMask();
            System.arraycopy(encodings[i].getIds(), 0, ids[i], 0, m.length);
            System.arraycopy(m, 0, mask[i], 0, m.length);
            System.arraycopy(encodings[i].getTypeIds(), 0, types[i], 0, m.length);
        }
        return new EncodedBatch(ids, mask, types);
    }

    /**
     * Joins two batches row-wise, {@code first}'s rows then {@code second}'s, padding the shorter
     * to the longer length (id 0, mask 0, type 0).
     *
     * @param first the first rows
     * @param second the rows after them
     * @return the joined batch
     */
    public static EncodedBatch concat(EncodedBatch first, EncodedBatch second) {
        int length = Math.max(width(first), width(second));
        int rows = first.inputIds.length + second.inputIds.length;
        long[][] ids = new long[rows][length];
        long[][] mask = new long[rows][length];
        long[][] types = new long[rows][length];
        int r = 0;
        for (EncodedBatch part : List.of(first, second)) {
            for (int i = 0; i < part.inputIds.length; i++, r++) {
                int n = part.inputIds[i].length;
                System.arraycopy(part.inputIds[i], 0, ids[r], 0, n);
                System.arraycopy(part.attentionMask[i], 0, mask[r], 0, n);
                System.arraycopy(part.tokenTypeIds[i], 0, types[r], 0, n);
            }
        }
        return new EncodedBatch(ids, mask, types);
    }

    private static int width(EncodedBatch batch) {
        return batch.inputIds.length == 0 ? 0 : batch.inputIds[0].length;
    }

    /**
     * Returns the number of real (unpadded) tokens.
     *
     * @return the token count
     */
    public long realTokens() {
        long n = 0;
        for (long[] row : attentionMask) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /**
     * Creates the model inputs.
     *
     * @param manager the manager that will own the arrays
     * @return (input_ids, attention_mask, token_type_ids)
     */
    public NDList toNDList(NDManager manager) {
        return new NDList(manager.create(inputIds), manager.create(attentionMask), manager.create(tokenTypeIds));
    }
}
