package ai.spikelm.zoo.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.hub.HubClient;
import ai.spikelm.zoo.hub.ModelLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors a user can reach name the file or argument and say what to do. */
class ErrorMessagesTest {

    @Test
    void invalidUtf8InConfigNamesTheFileAndTheByte(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.json");
        byte[] json = "{\"model_type\": \"bert\", \"x\": \"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(config, json);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SpikeBertConfig.load(config));
        assertTrue(e.getMessage().startsWith(config + " is not valid UTF-8: bad byte 0xe9 at offset 29"), e.getMessage());
    }

    @Test
    void aMalformedTokenizerNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\"");
        IOException e = assertThrows(IOException.class, () -> TokenizerFiles.load(file));
        assertTrue(e.getMessage().startsWith(file + " is not a valid tokenizer file: "), e.getMessage());
        NoSuchFileException missing =
                assertThrows(NoSuchFileException.class, () -> TokenizerFiles.load(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());
    }

    @Test
    void aMissingLocalPathFailsAtOnceWithoutTheNetwork(@TempDir Path dir) throws Exception {
        // An endpoint nobody listens on: a request would be retried for many seconds.
        ModelLocator locator = new ModelLocator(HubClient.builder()
                .optEnvironment(name -> null)
                .optEndpoint("http://127.0.0.1:9")
                .optCacheDir(dir.resolve("cache"))
                .optRetryBackoff(Duration.ofSeconds(5))
                .build());
        for (String missing : new String[] {
            "runs/lm-t4/best", "./my-model", dir.resolve("absent").toString(), "my-model", "~/models/x",
            "model.onnx", "org/name.safetensors"
        }) {
            long start = System.nanoTime();
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> locator.resolve(missing), missing);
            assertTrue(e.getMessage().startsWith(missing + ": no such file or directory"), e.getMessage());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, missing + " took the network path");
        }
        assertTrue(ModelLocator.looksLikeHubId("sentence-transformers/all-MiniLM-L6-v2"));
        assertTrue(ModelLocator.looksLikeHubId("org/name@refs/pr/1"));
    }
}
