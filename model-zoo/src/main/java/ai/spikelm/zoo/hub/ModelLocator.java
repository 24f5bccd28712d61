package ai.spikelm.zoo.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns what a user names as a model — a local path or a Hub model id such as {@code
 * sentence-transformers/all-MiniLM-L6-v2@main} — into a local model directory, downloading through
 * the {@link HubClient} cache when needed.
 *
 * <p>A model directory holds {@code config.json}, the weights ({@code model.safetensors}, a sharded
 * index with its shards, or {@code pytorch_model.bin}) and, when the repository has one, {@code
 * tokenizer.json}. An existing local path always wins over a Hub id of the same spelling.
 */
public final class ModelLocator {

    /** The files a model directory may have beside its config. */
    static final List<String> MODEL_FILES =
            List.of("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "tokenizer.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubClient hub;

    /**
     * Creates a locator.
     *
     * @param hub the client used for Hub ids
     */
    public ModelLocator(HubClient hub) {
        this.hub = hub;
    }

    /**
     * Creates a locator with a client configured from the environment ({@code HF_ENDPOINT}, {@code
     * HF_TOKEN}, {@code HF_HOME}, {@code HF_HUB_OFFLINE}, ...).
     *
     * @return the locator
     */
    public static ModelLocator fromEnvironment() {
        return new ModelLocator(HubClient.builder().build());
    }

    /**
     * Returns whether the text names an existing local path.
     *
     * @param modelOrPath what the user gave
     * @return true for a local file or directory
     */
    public static boolean isLocal(String modelOrPath) {
        return Files.exists(Path.of(modelOrPath));
    }

    /**
     * Resolves a local path or a Hub model id to a local path.
     *
     * <p>Text that does not exist locally goes to the Hub only if it has the form of a Hub id,
     * {@code org/name} or {@code org/name@revision}; anything else (a path with several segments,
     * one starting with {@code /}, {@code .} or {@code ~}, a single name, a file name) fails at
     * once as a missing local path, without a request. When a Hub id is not found on the Hub, or
     * the Hub cannot be reached, the message says that no local path of that name exists either.
     *
     * @param modelOrPath a path, or {@code org/name[@revision]}
     * @return the path itself, or the snapshot directory in the Hub cache
     * @throws java.nio.file.NoSuchFileException if the text is a missing local path, or a Hub id
     *     that neither exists locally nor could be had from the Hub (the cause says why)
     * @throws IOException if the download fails (see the {@link HubException} subclasses)
     * @throws IllegalArgumentException if the text has a Hub id's form but is not a valid one
     */
    public Path resolve(String modelOrPath) throws IOException {
        if (isLocal(modelOrPath)) {
            return Path.of(modelOrPath);
        }
        if (!looksLikeHubId(modelOrPath)) {
            throw new NoSuchFileException(
                    modelOrPath,
                    null,
                    "no such file or directory (a Hub model id has the form org/name[@revision])");
        }
        ModelId.parse(modelOrPath); // a clear error for an id that breaks the Hub's naming rules
        Path dir;
        try {
            dir = hub.snapshot(modelOrPath, List.of("config.json"), MODEL_FILES);
        } catch (RetriesExhaustedException e) {
            if (e.lastStatus() >= 0) {
                throw e; // the Hub answered (5xx, 429): its own message says it all
            }
            throw unreachable(modelOrPath, e);
        } catch (RepositoryNotFoundException | HubOfflineException e) {
            NoSuchFileException missing =
                    new NoSuchFileException(
                            modelOrPath,
                            null,
                            "no such local file or directory, and not available from the Hub: "
                                    + e.getMessage());
            missing.initCause(e);
            throw missing;
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            hub.snapshot(modelOrPath, shards(index), List.of());
        }
        return dir;
    }

    /**
     * The error for a Hub that could not be reached at all: it names the host and the way to work
     * without network, which a bare connection error does not.
     */
    private HubException unreachable(String modelOrPath, RetriesExhaustedException e) {
        return new HubException(
                "Cannot reach the Hugging Face Hub at "
                        + hub.endpoint().getHost()
                        + " for "
                        + modelOrPath
                        + " ("
                        + (e.attempts() == 1 ? "could not connect" : e.attempts() + " attempts; last")
                        + ": "
                        + e.getCause()
                        + "). Without network, set HF_HUB_OFFLINE=1 to use only the local Hugging Face cache ("
                        + hub.cacheDir()
                        + "), or load a local folder; HF_ENDPOINT names another Hub.",
                e.model(),
                e.file(),
                e);
    }

    /**
     * Tells whether text has the form of a Hub model id, {@code org/name[@revision]}: one {@code /}
     * before any {@code @}, and nothing that only a file path has.
     *
     * @param text what the user gave
     * @return true if it may be sent to the Hub
     */
    public static boolean looksLikeHubId(String text) {
        int at = text.indexOf('@');
        String repo = at < 0 ? text : text.substring(0, at);
        return repo.chars().filter(c -> c == '/').count() == 1
                && !repo.startsWith("/")
                && !repo.startsWith(".")
                && !repo.startsWith("~")
                && !repo.endsWith("/")
                && !text.contains("\\")
                && !repo.matches(".*\\.(onnx|jar|bin|safetensors|json|index|txt)$");
    }

    /** The shard files a safetensors index names (validated as plain names by the client). */
    private static List<String> shards(Path index) throws IOException {
        JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
        Set<String> files = new LinkedHashSet<>();
        map.forEach(node -> files.add(node.asText()));
        if (files.isEmpty()) {
            throw new IOException(index + " has no weight_map");
        }
        return new ArrayList<>(files);
    }
}
