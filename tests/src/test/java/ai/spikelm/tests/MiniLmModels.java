package ai.spikelm.tests;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.convert.ImportedBert;
import ai.spikelm.zoo.convert.OnnxBertImporter;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.util.Arrays;

/** all-MiniLM-L6-v2 imported from its ONNX file into SpikeLM-BERT, as ANN or SpikeLM. */
final class MiniLmModels {

    private static ImportedBert imported;

    private MiniLmModels() {}

    static synchronized ImportedBert imported() throws IOException {
        if (imported == null) {
            imported = OnnxBertImporter.read(MiniLm.onnx());
        }
        return imported;
    }

    static SpikeBertConfig config(SpikingConfig spiking) throws IOException {
        return imported().config().toBuilder().optSpiking(spiking).build();
    }

    /** The encoder with the real weights (the ONNX export has no pooler, so neither has this). */
    static SpikeBertModel model(NDManager manager, SpikingConfig spiking) throws IOException {
        boolean pooler = imported().tensors().containsKey("pooler.dense.weight");
        SpikeBertModel model = new SpikeBertModel(config(spiking), pooler);
        model.initialize(manager);
        model.loadWeights(imported().tensors(), false);
        return model;
    }

    static EncodedBatch sentences() throws IOException {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(MiniLm.tokenizer())) {
            return EncodedBatch.encode(tokenizer, Arrays.asList(MiniLm.SENTENCES));
        }
    }
}
