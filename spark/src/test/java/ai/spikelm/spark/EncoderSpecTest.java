package ai.spikelm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.text.EncoderPipeline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoder settings, input formats and model paths, without Spark. */
class EncoderSpecTest {

    @TempDir Path dir;

    @Test
    void spikingSettingsFollowTheSpec() {
        SpikingConfig saved = SpikingConfig.builder().optSpiking(true).optTimeSteps(2).optDecay(0.5f).build();
        assertSame(saved, EncoderSpec.builder().build().spiking(saved), "nothing asked: the model's own");
        assertEquals(SpikingConfig.ANN, EncoderSpec.builder().optAnn(true).build().spiking(saved));
        SpikingConfig retimed = EncoderSpec.builder().optTimeSteps(4).build().spiking(saved);
        assertEquals(saved.toBuilder().optTimeSteps(4).build(), retimed, "a saved SpikeLM keeps its other settings");
        SpikingConfig converted = EncoderSpec.builder().optTimeSteps(4).build().spiking(SpikingConfig.ANN);
        assertTrue(converted.isSpiking());
        assertEquals(4, converted.timeSteps());
    }

    @Test
    void inconsistentSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.builder().optAnn(true).optTimeSteps(4).build());
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.builder().optTimeSteps(0).build());
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.builder().optBatchSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.builder().optMaxLength(1).build());
        assertThrows(IllegalArgumentException.class, () -> EncoderSpec.builder().optMaxBatchTokens(0).build());
    }

    /** The spec travels to the executors by Java serialisation and keys their model cache. */
    @Test
    void specSurvivesSerialisationAsAnEqualKey() throws Exception {
        EncoderSpec spec = EncoderSpec.builder().optModel("org/name").optTimeSteps(4).optBatchSize(16).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            Object copy = in.readObject();
            assertEquals(spec, copy);
            assertEquals(spec.hashCode(), copy.hashCode());
        }
        assertEquals(16 * EncoderPipeline.SORT_BATCHES, spec.groupSize());
        assertEquals("SpikeLM T=4", spec.describeSpiking());
        assertEquals(spec, spec.toBuilder().build());
    }

    @Test
    void formatsAreGuessedFromTheName() {
        assertEquals(InputFormat.TEXT, InputFormat.guess("/data/corpus.txt"));
        assertEquals(InputFormat.JSONL, InputFormat.guess("hdfs:///data/rows.JSONL"));
        assertEquals(InputFormat.PARQUET, InputFormat.guess("s3a://bucket/table.parquet/"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputFormat.guess("/data/table"));
        assertTrue(e.getMessage().contains("/data/table"), e.getMessage());
        assertEquals(InputFormat.JSONL, InputFormat.of("json"));
        assertThrows(IllegalArgumentException.class, () -> InputFormat.of("csv"));
    }

    @Test
    void aDirectoryWithoutConfigIsNotAModel() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        IOException e = assertThrows(IOException.class,
                () -> LoadedEncoder.load(EncoderSpec.builder().optModel(dir.toString()).build()));
        assertTrue(e.getMessage().contains(dir + " is not a Hugging Face-layout model directory"), e.getMessage());

        IOException missing = assertThrows(IOException.class,
                () -> LoadedEncoder.load(EncoderSpec.builder().optModel(dir.resolve("no/such/model").toString()).build()));
        assertTrue(missing.getMessage().contains("no/such/model"), missing.getMessage());
    }
}
