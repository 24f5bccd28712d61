package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;

/** Each way the Hub says no becomes its own exception, with a message that says why. */
class HubErrorsTest extends HubTestSupport {

    private static final String TOKEN = "hf_TopSecret123";

    @Test
    void unknownRepository() {
        RepositoryNotFoundException e =
                assertThrows(
                        RepositoryNotFoundException.class,
                        () -> client().build().download("acme/missing", "config.json"));
        assertTrue(e.getMessage().contains("Repository 'acme/missing' not found"), e.getMessage());
        assertTrue(e.getMessage().contains("no token was sent"), e.getMessage());
        assertEquals("acme/missing", e.model().repoId());
        assertEquals("config.json", e.file());
        assertFalse(Files.exists(cache.resolve("models--acme--missing/refs")));
    }

    @Test
    void a404WithoutAnErrorCodeIsAMissingRepository() {
        // The fake Hub answers a bare 404 to paths that are not resolve URLs; a repository id
        // of one part makes such a path.
        RepositoryNotFoundException e =
                assertThrows(
                        RepositoryNotFoundException.class,
                        () -> client().build().download("gpt2", "config.json"));
        assertTrue(e.getMessage().contains("'gpt2'"), e.getMessage());
    }

    @Test
    void unknownRevision() {
        RevisionNotFoundException e =
                assertThrows(
                        RevisionNotFoundException.class,
                        () -> client().build().download(REPO + "@v9", "config.json"));
        assertTrue(
                e.getMessage().contains("Revision 'v9' not found in repository '" + REPO + "'"),
                e.getMessage());
    }

    @Test
    void unknownFile() {
        EntryNotFoundException e =
                assertThrows(
                        EntryNotFoundException.class,
                        () -> client().build().download(REPO, "pytorch_model.bin"));
        assertTrue(
                e.getMessage()
                        .contains(
                                "File 'pytorch_model.bin' not found in repository '"
                                        + REPO
                                        + "' at revision 'main'"),
                e.getMessage());
        // Recorded as absent, as huggingface_hub records it.
        assertTrue(
                Files.isRegularFile(
                        repoDir()
                                .resolve(".no_exist")
                                .resolve(COMMIT)
                                .resolve("pytorch_model.bin")));
    }

    @Test
    void unauthorisedWithoutAToken() {
        hub.requiredToken = TOKEN;

        HubAccessDeniedException e =
                assertThrows(
                        HubAccessDeniedException.class,
                        () -> client().build().download(REPO, "config.json"));

        assertEquals(401, e.statusCode());
        assertFalse(e.tokenSent());
        assertTrue(e.getMessage().contains("no token was sent; set HF_TOKEN"), e.getMessage());
    }

    @Test
    void unauthorisedWithAWrongTokenNeverShowsTheToken() throws Exception {
        hub.requiredToken = "hf_the_right_one";
        HubClient client = client().optToken(TOKEN).build();

        HubAccessDeniedException e =
                assertThrows(
                        HubAccessDeniedException.class, () -> client.download(REPO, "config.json"));

        assertTrue(e.tokenSent());
        assertTrue(e.getMessage().contains("a token was sent but was rejected"), e.getMessage());
        // The fake server echoes the credential in X-Error-Message; it must be redacted.
        assertTrue(e.getMessage().contains("Bearer ***"), e.getMessage());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(TOKEN), trace.toString());
        assertFalse(client.toString().contains(TOKEN), client.toString());
        assertTrue(client.toString().contains("token=set"), client.toString());
    }

    @Test
    void theRightTokenGetsThrough() throws Exception {
        hub.requiredToken = TOKEN;

        assertContent(CONFIG, client().optToken(TOKEN).build().download(REPO, "config.json"));
        assertContent(
                WEIGHTS,
                client().optEnvironment(name -> name.equals("HF_TOKEN") ? TOKEN : null)
                        .build()
                        .download(REPO, "model.safetensors"));
    }

    @Test
    void gatedRepository() {
        hub.gated = true;

        HubAccessDeniedException e =
                assertThrows(
                        HubAccessDeniedException.class,
                        () -> client().optToken(TOKEN).build().download(REPO, "config.json"));

        assertEquals(403, e.statusCode());
        assertTrue(e.gated());
        assertTrue(e.getMessage().contains("gated repository"), e.getMessage());
        assertTrue(e.getMessage().contains("accept the repository's conditions"), e.getMessage());
    }

    @Test
    void unsafeFileNamesAreRefusedBeforeAnyRequest() {
        HubClient client = client().build();
        for (String name :
                List.of(
                        "../config.json",
                        "a/../../config.json",
                        "/etc/passwd",
                        "a\\b.json",
                        "..",
                        "a//b",
                        "./config.json",
                        "C:config.json",
                        "bad\nname")) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> client.download(REPO, name),
                            name);
            assertTrue(e.getMessage().startsWith("Unsafe file name"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> client.isCached(REPO, name));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> client.snapshot(REPO, List.of("config.json"), List.of(name)));
        }
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void unsafeNamesFromTheServerAreRefused() throws Exception {
        hub.etagOverride = "\"../../../escape\"";
        HubException etag =
                assertThrows(
                        HubException.class, () -> client().build().download(REPO, "config.json"));
        assertTrue(etag.getMessage().contains("unsafe ETag '../../../escape'"), etag.getMessage());

        hub.etagOverride = null;
        hub.commitOverride = "../../blobs";
        HubException commit =
                assertThrows(
                        HubException.class, () -> client().build().download(REPO, "config.json"));
        assertTrue(
                commit.getMessage().contains("'../../blobs' as the commit"), commit.getMessage());

        try (var files = Files.walk(cache)) {
            assertTrue(files.noneMatch(Files::isRegularFile), "nothing was written");
        }
    }
}
