package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors a user of the command line can reach are one line that names the file or argument. */
class HardeningCliTest {

    @Test
    void aMissingModelFolderFailsAtOnceAsAMissingPath(@TempDir Path dir) {
        String missing = dir.resolve("runs/lm/best").toString();
        long start = System.nanoTime();
        String[] r = run("embed", "--model", missing, "A sentence.");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(missing + ": no such file or directory"), r[2]);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "no network retries");

        String[] g = run("generate", "--model", "runs/nothing/best", "--prompt", "Hi");
        assertEquals("1", g[0]);
        assertTrue(g[2].contains("runs/nothing/best: no such file or directory"), g[2]);
    }

    @Test
    void invalidUtf8InConfigNamesTheFile(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.write(model.resolve("config.json"), "{\"model_type\": \"bert\", \"x\": \"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1));
        tokenizer(model);
        String[] r = run("embed", "--model", model.toString(), "A sentence.");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(model.resolve("config.json") + " is not valid UTF-8"), r[2]);
        assertTrue(!r[2].contains("Input length"), r[2]);
    }

    @Test
    void aFolderWithOnlyPytorchModelBinSaysAllowPickle(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": 30, \"hidden_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"intermediate_size\": 16}");
        Files.write(model.resolve("pytorch_model.bin"), new byte[] {'P', 'K', 3, 4});
        tokenizer(model);
        Path sts = Files.writeString(dir.resolve("sts.tsv"),
                "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n"
                        + "0\tmain-captions\tMSRvid\t2012test\t0\tnone\tnone\tA man plays.\tA man is playing.\t4.5\n"
                        + "1\tmain-captions\tMSRvid\t2012test\t1\tnone\tnone\tA cat sleeps.\tTrains run.\t0.2\n");
        String[] r = run("sts", "--model", model.toString(), "--file", sts.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("pytorch_model.bin") && r[2].contains("--allow-pickle"), r[2]);
    }

    /** The embedded MiniLM's real tokenizer.json, beside a model under test. */
    private static void tokenizer(Path model) throws Exception {
        try (var in = HardeningCliTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, model.resolve("tokenizer.json"));
        }
    }
}
