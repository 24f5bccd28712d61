package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code NAME=SOURCE[,T=N]} and the API key check. */
class ModelSpecTest {

    @Test
    void parsesNameSourceAndTimeSteps() {
        assertEquals(new ModelSpec("minilm", "/models/minilm", null), ModelSpec.parse("minilm=/models/minilm"));
        assertEquals(new ModelSpec("m-t4", "/models/a=b", 4), ModelSpec.parse("m-t4=/models/a=b,T=4"));
        assertEquals(new ModelSpec("gpt2", "org/name@main", null), ModelSpec.parse(" gpt2 = org/name@main "));
        assertEquals(new ModelSpec("x", "dir,T=x", null), ModelSpec.parse("x=dir,T=x"));
    }

    @Test
    void refusesWhatIsNotASpec() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("/models/minilm"))
                .getMessage().contains("NAME=SOURCE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("bad name=/m"))
                .getMessage().contains("'bad name'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("m=/m,T=0"))
                .getMessage().contains("at least 1"));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("m= "));
    }

    @Test
    void aMissingFolderIsNamedWithItsModel(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-model");
        IOException e = assertThrows(IOException.class, () -> new ModelSpec("x", missing.toString(), null).directory());
        assertTrue(e.getMessage().startsWith("Model 'x': " + missing), e.getMessage());
        assertEquals(dir, new ModelSpec("here", dir.toString(), 2).directory());
        assertEquals(new ModelSpec(EmbeddedMiniLm.NAME, ModelSpec.EMBEDDED, null), ModelSpec.parse(ModelSpec.DEFAULT));
    }

    @Test
    void twoModelsOfOneNameAreRefusedBeforeAnythingLoads(@TempDir Path dir) {
        String missing = dir.resolve("not-there").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpikeLmServer.builder()
                .addModel(new ModelSpec("m", missing, null)).addModel(new ModelSpec("m", missing, 4)).build());
        assertEquals("Two models are named 'm'", e.getMessage());
    }

    @Test
    void apiKeyMatchesOnlyTheBearerKeyAndNeverPrintsIt() {
        ApiKey key = new ApiKey("s3cret");
        assertTrue(key.accepts("Bearer s3cret"));
        assertTrue(key.accepts("bearer s3cret"));
        assertFalse(key.accepts("Bearer s3cret2"));
        assertFalse(key.accepts("s3cret"));
        assertFalse(key.accepts(null));
        assertFalse(key.accepts("Bearer "));
        assertFalse(key.toString().contains("s3cret"));
        assertThrows(IllegalArgumentException.class, () -> new ApiKey(" "));
    }
}
