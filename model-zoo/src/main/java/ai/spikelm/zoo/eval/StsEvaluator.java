package ai.spikelm.zoo.eval;

import ai.spikelm.zoo.text.EncoderPipeline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Zero-shot semantic textual similarity: the cosine similarity of two sentences' embeddings
 * against the gold score, summarised by Spearman and Pearson correlation over all pairs, as the
 * sentence-transformers STS evaluation does.
 *
 * <pre>{@code
 * List<StsPair> pairs = StsEvaluator.readGlueStsb(Path.of("glue_data/STS-B/dev.tsv"));
 * StsResult result = new StsEvaluator(embedder).evaluate(pairs);
 * System.out.printf("Spearman %.1f%n", result.spearmanPercent());
 * }</pre>
 *
 * <p>Each distinct sentence is embedded once, however many pairs it is in.
 */
public final class StsEvaluator {

    /** Column count of the GLUE STS-B train/dev layout. */
    static final int COLUMNS = 10;
    /** 0-based columns of the two sentences and the score in that layout. */
    static final int SENTENCE1 = 7;
    static final int SENTENCE2 = 8;
    static final int SCORE = 9;
    private static final String LAYOUT =
            "expected the GLUE STS-B layout: a header line, then 10 tab-separated columns with sentence1,"
                    + " sentence2 and score in columns 8, 9 and 10";

    /** A plain decimal such as {@code 3.800} or {@code -1e-2}: no hex, NaN, Infinity or surrounding spaces. */
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private final EncoderPipeline embedder;

    /**
     * Creates an evaluator.
     *
     * @param embedder what turns sentences into vectors
     */
    public StsEvaluator(EncoderPipeline embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    /**
     * Embeds the sentences and correlates the cosine similarities with the gold scores.
     *
     * @param pairs the pairs, at least one
     * @return the correlations (NaN where undefined, for example with one pair or equal scores)
     * @throws IllegalArgumentException if there are no pairs
     */
    public StsResult evaluate(List<StsPair> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("No STS pairs to evaluate");
        }
        long started = System.nanoTime();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (StsPair pair : pairs) {
            index.putIfAbsent(pair.sentence1(), index.size());
            index.putIfAbsent(pair.sentence2(), index.size());
        }
        float[][] vectors = embedder.vectors(new ArrayList<>(index.keySet()));
        double[] predicted = new double[pairs.size()];
        double[] gold = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            StsPair pair = pairs.get(i);
            predicted[i] = cosine(vectors[index.get(pair.sentence1())], vectors[index.get(pair.sentence2())]);
            gold[i] = pair.score();
        }
        double spearman = Correlations.spearman(predicted, gold);
        double pearson = Correlations.pearson(predicted, gold);
        return new StsResult(spearman, pearson, pairs.size(), index.size(), (System.nanoTime() - started) / 1e9);
    }

    /**
     * Returns the cosine similarity of two vectors, in {@code double}; 0 if either is zero.
     *
     * @param a one vector
     * @param b the other, of the same length
     * @return the cosine
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            normA += (double) a[k] * a[k];
            normB += (double) b[k] * b[k];
        }
        // The same floor as Pooling's normalisation (and PyTorch's cosine_similarity): no 0/0.
        return dot / Math.max(Math.sqrt(normA) * Math.sqrt(normB), 1e-12);
    }

    /**
     * Reads an STS file in the GLUE STS-B train/dev layout: UTF-8 (a leading byte-order mark is
     * dropped), a header line naming {@code sentence1}, {@code sentence2} and {@code score} in
     * columns 8, 9 and 10 of 10, then one pair per line. Fields are split on tabs only (quotes are
     * ordinary characters); texts are kept as written.
     *
     * @param tsv the file, for example {@code glue_data/STS-B/dev.tsv}
     * @return the pairs, in file order
     * @throws IOException if the file is missing or unreadable, or, with its name and 1-based line
     *     number in the message, if it is not valid UTF-8, its header or a row has the wrong number
     *     of columns or names, a sentence is blank, a score is not a decimal number, or it has no
     *     pairs
     */
    public static List<StsPair> readGlueStsb(Path tsv) throws IOException {
        if (!Files.isRegularFile(tsv)) {
            throw new IOException(tsv + ": no such file (an STS-B-layout .tsv is expected)");
        }
        List<String> lines = utf8Lines(tsv, Files.readAllBytes(tsv));
        if (lines.isEmpty()) {
            throw new IOException(tsv + ": file is empty; " + LAYOUT);
        }
        checkHeader(tsv, lines.get(0));
        List<StsPair> pairs = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            pairs.add(parseRow(tsv, i + 1, lines.get(i)));
        }
        if (pairs.isEmpty()) {
            throw new IOException(tsv + ": no sentence pairs after the header");
        }
        return pairs;
    }

    private static void checkHeader(Path tsv, String header) throws IOException {
        String[] names = header.split("\t", -1);
        if (names.length != COLUMNS) {
            throw new IOException(tsv + ":1: header has " + names.length + " columns; " + LAYOUT);
        }
        String[] expected = {"sentence1", "sentence2", "score"};
        int[] columns = {SENTENCE1, SENTENCE2, SCORE};
        for (int c = 0; c < columns.length; c++) {
            if (!names[columns[c]].equals(expected[c])) {
                throw new IOException(tsv + ":1: header column " + (columns[c] + 1) + " is '" + names[columns[c]]
                        + "', expected '" + expected[c] + "' (is the header line missing?)");
            }
        }
    }

    private static StsPair parseRow(Path tsv, int lineNumber, String line) throws IOException {
        String[] fields = line.split("\t", -1);
        String where = tsv + ":" + lineNumber + ": ";
        if (fields.length != COLUMNS) {
            String found = line.isEmpty() ? "a blank line" : fields.length + " columns";
            throw new IOException(where + "found " + found + "; " + LAYOUT);
        }
        for (int column : new int[] {SENTENCE1, SENTENCE2}) {
            if (fields[column].isBlank()) {
                throw new IOException(where + "empty sentence in column " + (column + 1));
            }
        }
        String score = fields[SCORE];
        if (!DECIMAL.matcher(score).matches()) {
            throw new IOException(where + "score '" + score + "' in column 10 is not a decimal number");
        }
        return new StsPair(fields[SENTENCE1], fields[SENTENCE2], Double.parseDouble(score));
    }

    /**
     * Splits bytes into lines at {@code \n}, {@code \r\n} or {@code \r} (as {@code
     * BufferedReader.readLine}) and decodes each strictly, so an invalid byte is reported on its
     * own line. Splitting raw bytes is safe: CR and LF never occur inside a multi-byte UTF-8
     * sequence.
     */
    private static List<String> utf8Lines(Path tsv, byte[] bytes) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        List<String> lines = new ArrayList<>();
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        int i = start;
        while (start < bytes.length) {
            while (i < bytes.length && bytes[i] != '\n' && bytes[i] != '\r') {
                i++;
            }
            try {
                lines.add(decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start)).toString());
            } catch (CharacterCodingException e) {
                throw new IOException(tsv + ":" + (lines.size() + 1) + ": not valid UTF-8", e);
            }
            if (i + 1 < bytes.length && bytes[i] == '\r' && bytes[i + 1] == '\n') {
                i++;
            }
            start = ++i;
        }
        return lines;
    }
}
