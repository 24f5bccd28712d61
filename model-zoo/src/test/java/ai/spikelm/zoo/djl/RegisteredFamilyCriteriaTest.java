package ai.spikelm.zoo.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.family.ToyFamily;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.TinyWordPieceEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A family that exists only in the tests ({@link ToyFamily}), added through the registry alone (its
 * {@code META-INF/services} line), loads through DJL {@code Criteria} like a built-in one: converted
 * on load, calibrated before its first request, and embedding text exactly as the encoder pipeline
 * does.
 */
class RegisteredFamilyCriteriaTest {

    @Test
    void aFamilyAddedThroughTheRegistryLoadsThroughCriteria(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("toy");
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            ModelFamilies.forModelType(ToyFamily.MODEL_TYPE)
                    .create(ModelKind.ENCODER, new ModelShape(30522, 64, 8, 1, 1), SpikingConfig.ANN, manager)
                    .save(model);
        }
        TinyWordPieceEncoder.tokenizer(model.resolve("tokenizer.json"));
        List<String> texts = List.of("A man is playing a guitar.", "The stock market fell sharply on Monday.");

        Criteria<String, float[]> criteria =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optModelUrls("hf://" + model.toAbsolutePath())
                        .optTranslatorFactory(new SpikeLmTranslatorFactory())
                        .optArgument("timeSteps", 2)
                        .build();
        List<float[]> served;
        try (ZooModel<String, float[]> zoo = criteria.loadModel();
                Predictor<String, float[]> predictor = zoo.newPredictor()) {
            assertEquals("ToyEncoder", ((EncoderModel) zoo.getBlock()).architecture());
            assertFalse(Calibration.needed(zoo.getBlock()), "calibrated on load, before any request");
            assertEquals(2, ((EncoderModel) zoo.getBlock()).spiking().timeSteps());
            served = predictor.batchPredict(texts);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            EncoderModel direct =
                    ModelFamilies.loadEncoder(LoadRequest.builder().setModelDir(model).optTimeSteps(2).build(), manager);
            try (EncoderPipeline pipeline =
                    EncoderPipeline.builder().setModel(direct).setTokenizer(model.resolve("tokenizer.json")).build()) {
                float[][] expected = pipeline.vectors(texts);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(expected[i], served.get(i), 1e-6f, texts.get(i));
                }
            }
        }
        double norm = 0;
        for (float v : served.get(0)) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-5);
        assertTrue(served.get(0).length == 8);
    }
}
