package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Names that become cache paths or URL segments. */
class RepoPathsTest {

    @Test
    void acceptsOrdinaryRepositoryFiles() {
        for (String f :
                new String[] {
                    "config.json", "onnx/model.onnx", "1_Pooling/config.json", ".gitattributes"
                }) {
            assertEquals(f, RepoPaths.checkFile(f));
        }
    }

    @Test
    void serverNamesMustBeSingleSafeSegments() {
        assertTrue(RepoPaths.isSafeName("4b1c8f2e9d3a7c6b5e0f1a2b3c4d5e6f70819203"));
        assertTrue(RepoPaths.isSafeName("d41d8cd98f00b204e9800998ecf8427e-12"));
        for (String bad : new String[] {"", ".", "..", "a/b", "a\\b", "../x", "a b", null}) {
            assertFalse(RepoPaths.isSafeName(bad), String.valueOf(bad));
        }
    }

    @Test
    void resolveInsideIsTheLastGuard() {
        Path base = Paths.get("/cache/snapshots/abc");
        assertEquals(base.resolve("a/b.json"), RepoPaths.resolveInside(base, "a/b.json"));
        assertThrows(IllegalArgumentException.class, () -> RepoPaths.resolveInside(base, "../x"));
        assertThrows(IllegalArgumentException.class, () -> RepoPaths.resolveInside(base, "/etc"));
        assertThrows(IllegalArgumentException.class, () -> RepoPaths.resolveInside(base, "."));
    }

    @Test
    void quotingEscapesControlCharactersAndBoundsLength() {
        assertEquals("'a\\u000ab'", RepoPaths.quote("a\nb"));
        assertEquals(100 + 5, RepoPaths.quote("x".repeat(500)).length());
    }

    @Test
    void urlPathsArePercentEncoded() {
        assertEquals("refs%2Fpr%2F1", UrlPaths.encodeSegment("refs/pr/1"));
        assertEquals("a%20b/c%2Bd/%C3%A9.json", UrlPaths.encodePath("a b/c+d/é.json"));
        assertEquals(
                "model-00001-of-00002.safetensors",
                UrlPaths.encodePath("model-00001-of-00002.safetensors"));
    }
}
