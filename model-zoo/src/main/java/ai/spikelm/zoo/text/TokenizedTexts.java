package ai.spikelm.zoo.text;

import ai.spikelm.zoo.core.EncodedBatch;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Texts tokenised once ({@link EncoderTokenizer}): the rows the encoder reads (one per text, or one
 * per window of a long text), which text each row belongs to, and how many tokens each text cost.
 * Rows are unpadded; {@link #batch} pads the rows of one forward pass, and {@link #combine} turns
 * one pooled vector per row into one vector per text.
 */
public final class TokenizedTexts {

    private final long[][] ids;
    private final long[][] typeIds;
    private final int[] owners;
    private final int[] tokens;

    TokenizedTexts(long[][] ids, long[][] typeIds, int[] owners, int textCount) {
        this.ids = ids;
        this.typeIds = typeIds;
        this.owners = owners;
        this.tokens = new int[textCount];
        for (int row = 0; row < ids.length; row++) {
            tokens[owners[row]] += ids[row].length;
        }
    }

    /**
     * Joins several tokenised inputs into one, texts and rows in order (the texts of {@code
     * parts.get(1)} follow those of {@code parts.get(0)}), so that they run through the encoder
     * together; a server merges concurrent requests this way.
     *
     * @param parts the inputs, tokenised by the same tokenizer
     * @return their texts, in order
     */
    public static TokenizedTexts concat(List<TokenizedTexts> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int rows = 0;
        int texts = 0;
        for (TokenizedTexts part : parts) {
            rows += part.rowCount();
            texts += part.textCount();
        }
        long[][] ids = new long[rows][];
        long[][] types = new long[rows][];
        int[] owners = new int[rows];
        int row = 0;
        int firstText = 0;
        for (TokenizedTexts part : parts) {
            for (int r = 0; r < part.rowCount(); r++, row++) {
                ids[row] = part.ids[r];
                types[row] = part.typeIds[r];
                owners[row] = firstText + part.owners[r];
            }
            firstText += part.textCount();
        }
        return new TokenizedTexts(ids, types, owners, texts);
    }

    /**
     * Returns the number of texts.
     *
     * @return the count
     */
    public int textCount() {
        return tokens.length;
    }

    /**
     * Returns the number of rows (texts plus extra windows).
     *
     * @return the count
     */
    public int rowCount() {
        return ids.length;
    }

    /**
     * Returns the text a row belongs to.
     *
     * @param row the row
     * @return the text's index
     */
    public int owner(int row) {
        return owners[row];
    }

    /**
     * Returns the tokens the encoder reads for a text: special tokens included, padding not, summed
     * over its windows.
     *
     * @param text the text's index
     * @return the token count
     */
    public int tokens(int text) {
        return tokens[text];
    }

    /**
     * Returns the tokens of all texts.
     *
     * @return the token count
     */
    public long totalTokens() {
        long n = 0;
        for (int t : tokens) {
            n += t;
        }
        return n;
    }

    /**
     * Returns a row's length in tokens (special tokens included).
     *
     * @param row the row
     * @return its tokens
     */
    public int rowLength(int row) {
        return ids[row].length;
    }

    /**
     * Returns the row indices, longest first (ties in row order), so that consecutive rows batch
     * with little padding.
     *
     * @return the rows
     */
    public int[] rowsLongestFirst() {
        return IntStream.range(0, ids.length)
                .boxed()
                .sorted(Comparator.comparingInt((Integer r) -> -ids[r].length))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Pads every row into one batch, in row order.
     *
     * @return the batch
     */
    public EncodedBatch batch() {
        return batch(IntStream.range(0, ids.length).toArray());
    }

    /**
     * Pads some rows into one batch (padding id 0, mask 0).
     *
     * @param rows the rows, in batch order
     * @return the batch
     */
    public EncodedBatch batch(int[] rows) {
        int length = 0;
        for (int r : rows) {
            length = Math.max(length, ids[r].length);
        }
        long[][] batchIds = new long[rows.length][length];
        long[][] mask = new long[rows.length][length];
        long[][] types = new long[rows.length][length];
        for (int i = 0; i < rows.length; i++) {
            int n = ids[rows[i]].length;
            System.arraycopy(ids[rows[i]], 0, batchIds[i], 0, n);
            System.arraycopy(typeIds[rows[i]], 0, types[i], 0, n);
            Arrays.fill(mask[i], 0, n, 1L);
        }
        return new EncodedBatch(batchIds, mask, types);
    }

    /**
     * Turns one pooled vector per row into one vector per text: the mean of its windows' vectors,
     * then, if asked, L2 normalisation (once, at the end).
     *
     * @param rowVectors one vector per row, in row order
     * @param normalize whether to L2-normalise each text's vector
     * @return one vector per text, in text order
     */
    public float[][] combine(float[][] rowVectors, boolean normalize) {
        if (rowVectors.length != ids.length) {
            throw new IllegalArgumentException(rowVectors.length + " vectors for " + ids.length + " rows");
        }
        int dimension = rowVectors.length == 0 ? 0 : rowVectors[0].length;
        double[][] sums = new double[tokens.length][dimension];
        int[] windows = new int[tokens.length];
        for (int row = 0; row < rowVectors.length; row++) {
            double[] sum = sums[owners[row]];
            for (int k = 0; k < dimension; k++) {
                sum[k] += rowVectors[row][k];
            }
            windows[owners[row]]++;
        }
        float[][] out = new float[tokens.length][dimension];
        for (int t = 0; t < out.length; t++) {
            double scale = 1.0 / windows[t];
            if (normalize) {
                double norm = 0;
                for (double v : sums[t]) {
                    norm += v * v;
                }
                // The norm of the mean is the norm of the sum over the window count.
                scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12 * windows[t]);
            }
            for (int k = 0; k < dimension; k++) {
                out[t][k] = (float) (sums[t][k] * scale);
            }
        }
        return out;
    }
}
