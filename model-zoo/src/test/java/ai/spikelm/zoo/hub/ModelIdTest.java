package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

/** Model ids as the Hub accepts them, and clear refusals of the rest. */
class ModelIdTest {

    @Test
    void parsesIdsWithAndWithoutRevision() {
        ModelId plain = ModelId.parse("sentence-transformers/all-MiniLM-L6-v2");
        assertEquals(Optional.of("sentence-transformers"), plain.namespace());
        assertEquals("all-MiniLM-L6-v2", plain.name());
        assertEquals("main", plain.revision());
        assertEquals("sentence-transformers/all-MiniLM-L6-v2@main", plain.toString());
        assertEquals("models--sentence-transformers--all-MiniLM-L6-v2", plain.cacheFolderName());

        ModelId pr = ModelId.parse("org/model_v1.5@refs/pr/12");
        assertEquals("refs/pr/12", pr.revision());
        assertEquals(pr, ModelId.parse(pr.toString()));

        ModelId legacy = ModelId.parse("gpt2@v1.0");
        assertEquals(Optional.empty(), legacy.namespace());
        assertEquals("gpt2", legacy.repoId());
        assertEquals("models--gpt2", legacy.cacheFolderName());
    }

    @Test
    void recognisesCommitHashes() {
        assertTrue(ModelId.isCommitHash("4b1c8f2e9d3a7c6b5e0f1a2b3c4d5e6f70819203"));
        assertFalse(ModelId.isCommitHash("4B1C8F2E9D3A7C6B5E0F1A2B3C4D5E6F70819203"));
        assertFalse(ModelId.isCommitHash("4b1c8f2"));
        assertFalse(ModelId.isCommitHash("main"));
    }

    @Test
    void refusesInvalidIdsWithTheReason() {
        Map<String, String> cases =
                Map.ofEntries(
                        Map.entry("", "it is empty"),
                        Map.entry("a/b/c", "more than one '/'"),
                        Map.entry("/name", "the organisation is empty"),
                        Map.entry("org/", "the name is empty"),
                        Map.entry("org/../etc", "'..' is not allowed"),
                        Map.entry("../etc", "'..' is not allowed"),
                        Map.entry("org/a..b", "'..' is not allowed"),
                        Map.entry("org/a--b", "'--' is not allowed"),
                        Map.entry("org/-name", "must start and end with a letter"),
                        Map.entry("org/name.", "must start and end with a letter"),
                        Map.entry("org/na me", "may only contain letters"),
                        Map.entry("org\\name", "may only contain letters"),
                        Map.entry("org/nämé", "may only contain letters"),
                        Map.entry("org/repo.git", "must not end with '.git'"),
                        Map.entry("org/" + "x".repeat(97), "longer than 96"),
                        Map.entry("org/name@", "nothing after '@'"),
                        Map.entry("org/name@../main", "must not contain '..'"),
                        Map.entry("org/name@refs//pr", "empty '/' segment"),
                        Map.entry("org/name@/abs", "empty '/' segment"),
                        Map.entry("org/name@a\\b", "may only contain letters"),
                        Map.entry("org/name@.hidden", "segment starting with '.'"));
        cases.forEach(
                (id, why) -> {
                    IllegalArgumentException e =
                            assertThrows(
                                    IllegalArgumentException.class, () -> ModelId.parse(id), id);
                    assertTrue(e.getMessage().startsWith("Invalid model id '"), e.getMessage());
                    assertTrue(e.getMessage().contains(why), id + " -> " + e.getMessage());
                });
    }
}
