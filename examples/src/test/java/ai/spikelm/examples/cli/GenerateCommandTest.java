package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.family.GenerativeModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.TokenCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spikelm generate} on small random spiking models with a byte-level tokenizer, made through
 * the family registry: a GPT-2 (continues the prompt) and a BART (replies to it); an encoder is
 * refused with the families that generate.
 */
class GenerateCommandTest {

    @TempDir static Path dir;
    static Path gpt2;
    static Path bart;

    @BeforeAll
    static void tinyModels() throws Exception {
        gpt2 = save("gpt2", ModelKind.CAUSAL_LM);
        bart = save("bart", ModelKind.SEQ2SEQ);
    }

    private static Path save(String type, ModelKind kind) throws Exception {
        Path target = dir.resolve(type);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            ModelFamilies.forModelType(type)
                    .create(kind, new ModelShape(257, 64, 32, 2, 4), SpikingConfig.builder().optTimeSteps(2).build(), manager)
                    .save(target);
        }
        Files.writeString(target.resolve("tokenizer.json"), ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow());
        return target;
    }

    @Test
    void seededSamplingIsReproducibleAndStreamsThePromptFirst() {
        String[] a = run("generate", "--model", gpt2.toString(), "--prompt", "Once upon", "--max-new-tokens", "8",
                "--temperature", "0.9", "--top-k", "20", "--seed", "7");
        String[] b = run("generate", "--model", gpt2.toString(), "--prompt", "Once upon", "--max-new-tokens", "8",
                "--temperature", "0.9", "--top-k", "20", "--seed", "7");
        assertEquals("0", a[0], a[2]);
        assertTrue(a[1].startsWith("Once upon"), a[1]);
        assertEquals(a[1], b[1], "same seed, same text");
        assertTrue(a[2].contains("seed 7"), a[2]);
    }

    @Test
    void sigtermEndsGenerationAfterTheCurrentToken(@TempDir Path work) throws Exception {
        // A context long enough that generation outlasts the signal, and no end-of-text token to stop it early.
        Path model = work.resolve("long");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelFamilies.forModelType("gpt2")
                    .create(ModelKind.CAUSAL_LM, new ModelShape(257, 8192, 32, 2, 4), SpikingConfig.builder().optTimeSteps(2).build(), manager)
                    .save(model);
        }
        Files.writeString(model.resolve("tokenizer.json"), ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow());
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(model.resolve("config.json").toFile());
        config.putNull("eos_token_id");
        new ObjectMapper().writeValue(model.resolve("config.json").toFile(), config);
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
    void anEncoderDecoderRepliesToThePromptAsTheGeneratorDoes() throws Exception {
        // Repeats penalised: a random BART's tied head otherwise echoes its start token, which is its end token.
        String[] r = run("generate", "--model", bart.toString(), "--prompt", "Once upon", "--max-new-tokens", "6",
                "--repetition-penalty", "5");
        assertEquals("0", r[0], r[2]);
        String expected;
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Tokenizers.untruncated(bart.resolve("tokenizer.json"))) {
            GenerativeModel model = ModelFamilies.loadGenerator(LoadRequest.builder().setModelDir(bart).build(), manager);
            expected = Generator.builder(model).optCodec(TokenCodec.of(tokenizer)).optMaxNewTokens(6).optRepetitionPenalty(5f).build()
                    .generate(manager, "Once upon").text();
        }
        assertFalse(expected.isEmpty());
        assertEquals(expected + System.lineSeparator(), r[1], "the reply alone, without the prompt");
        assertTrue(r[2].contains("SpikeLM T=2") || r[2].contains("T=2"), r[2]);
    }

    @Test
    void anEncoderIsRefusedWithTheFamiliesThatGenerate() throws Exception {
        Path bert = dir.resolve("bert");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelFamilies.forModelType("bert")
                    .create(ModelKind.ENCODER, new ModelShape(257, 64, 32, 2, 4), SpikingConfig.ANN, manager)
                    .save(bert);
        }
        String[] r = run("generate", "--model", bert.toString(), "--prompt", "x");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("generates no text") && r[2].contains("gpt2 (SpikeLM-GPT-2)") && r[2].contains("bart (SpikeLM-BART)"),
                r[2]);
        assertFalse(r[2].contains("\tat "), r[2]);
    }

    @Test
    void invalidSettingsAreOneLineErrors() {
        String[] topP = run("generate", "--model", gpt2.toString(), "--prompt", "x", "--temperature", "1", "--top-p", "1.5");
        assertEquals("1", topP[0]);
        assertTrue(topP[2].contains("spikelm generate: error:"), topP[2]);
        String[] tokens = run("generate", "--model", gpt2.toString(), "--prompt", "x", "--max-new-tokens", "0");
        assertEquals("1", tokens[0]);
        String[] empty = run("generate", "--model", gpt2.toString(), "--prompt", "");
        assertEquals("1", empty[0]);
        assertTrue(!empty[2].contains("\tat "), empty[2]);
    }
}
