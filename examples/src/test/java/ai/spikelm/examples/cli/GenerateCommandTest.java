package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm generate} on a small random SpikeLM GPT-2 with a byte-level tokenizer. */
class GenerateCommandTest {

    @TempDir static Path dir;

    @BeforeAll
    static void tinyModel() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), Gpt2TokenizerJson.byteLevel());
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(257).optNPositions(64).optNEmbd(32).optNLayer(2).optNHead(4)
                .optBosTokenId(256).optEosTokenId(256)
                .optSpiking(SpikingConfig.builder().optTimeSteps(2).build())
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            SpikeGpt2Loader.save(model, dir);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndStreamsThePromptFirst() {
        String[] a = run("generate", "--model", dir.toString(), "--prompt", "Once upon", "--max-new-tokens", "8",
                "--temperature", "0.9", "--top-k", "20", "--seed", "7");
        String[] b = run("generate", "--model", dir.toString(), "--prompt", "Once upon", "--max-new-tokens", "8",
                "--temperature", "0.9", "--top-k", "20", "--seed", "7");
        assertEquals("0", a[0], a[2]);
        assertTrue(a[1].startsWith("Once upon"), a[1]);
        assertEquals(a[1], b[1], "same seed, same text");
        assertTrue(a[2].contains("seed 7"), a[2]);
    }

    @Test
    void sigtermEndsGenerationAfterTheCurrentToken(@TempDir Path work) throws Exception {
        // A context long enough that generation outlasts the signal.
        Path model = Files.createDirectories(work.resolve("long"));
        Files.writeString(model.resolve("tokenizer.json"), Gpt2TokenizerJson.byteLevel());
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(257).optNPositions(8192).optNEmbd(32).optNLayer(2).optNHead(4)
                .optBosTokenId(256).optEosTokenId(null) // no end of text: sampling cannot stop early
                .optSpiking(SpikingConfig.builder().optTimeSteps(2).build())
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel lm = new SpikeGpt2LMHeadModel(config);
            lm.initialize(manager);
            SpikeGpt2Loader.save(lm, model);
        }
        String log;
        try (ChildCli child = ChildCli.start(work, List.of("generate", "--model", model.toString(), "--prompt", "Once upon",
                "--max-new-tokens", "8000", "--temperature", "1", "--seed", "3"))) {
            child.awaitWhileRunning("tokens streaming", () -> child.log().length() > 200);
            log = child.terminate();
        }
        assertTrue(log.contains("by a signal]"), log);
        assertFalse(log.contains("tokens/s"), "no end-of-run summary for a stopped run: " + log);
    }

    @Test
    void invalidSettingsAreOneLineErrors() {
        String[] topP = run("generate", "--model", dir.toString(), "--prompt", "x", "--temperature", "1", "--top-p", "1.5");
        assertEquals("1", topP[0]);
        assertTrue(topP[2].contains("spikelm generate: error:"), topP[2]);
        String[] tokens = run("generate", "--model", dir.toString(), "--prompt", "x", "--max-new-tokens", "0");
        assertEquals("1", tokens[0]);
        String[] empty = run("generate", "--model", dir.toString(), "--prompt", "");
        assertEquals("1", empty[0]);
        assertTrue(!empty[2].contains("\tat "), empty[2]);
    }
}
