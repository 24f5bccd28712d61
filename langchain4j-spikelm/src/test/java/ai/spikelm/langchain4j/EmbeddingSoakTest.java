package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.NativeMemory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory comes back after bursts: {@link EmbeddingSoak} in a child JVM, 8 threads embedding with
 * the real all-MiniLM-L6-v2, must end every burst within 5% of its size after the warm-up burst.
 *
 * <p>Small by default (it proves the mechanism, not the numbers). A realistic run, on a quiet
 * machine:
 *
 * <pre>
 * mvn -B -ntp -o -pl langchain4j-spikelm -am test -Dtest=EmbeddingSoakTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsoak.calls=500 -Dsoak.texts=8 -Dsoak.bursts=3 -Dsoak.timeSteps=ann     (then 1, then 4; -Dsoak.trim=false to compare)
 * </pre>
 */
class EmbeddingSoakTest {

    @Test
    void residentSizeReturnsAfterBursts(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(NativeMemory.residentBytes().isPresent(), "needs /proc/self/status");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.pytorch.num_threads=1",
                "-Dspikelm.memory.trim=" + System.getProperty("soak.trim", "true"),
                "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                EmbeddingSoak.class.getName(),
                System.getProperty("soak.threads", "8"),
                System.getProperty("soak.calls", "12"),
                System.getProperty("soak.texts", "4"),
                System.getProperty("soak.bursts", "3"),
                System.getProperty("soak.timeSteps", "ann")));
        Process child = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false)
                .redirectOutput(dir.resolve("soak.json").toFile()).redirectError(dir.resolve("soak.log").toFile()).start();
        assertTrue(child.waitFor(30, TimeUnit.MINUTES), "the soak must end");
        String out = Files.readString(dir.resolve("soak.json"));
        assertEquals(0, child.exitValue(), out + Files.readString(dir.resolve("soak.log")));
        JsonNode result = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        System.out.println("embedding soak: " + result);
        long warm = result.get("rss_after_warmup_mb").asLong();
        assertTrue(warm > 0, result.toString());
        for (JsonNode after : result.get("rss_after_bursts_mb")) {
            assertTrue(after.asLong() < warm * 1.05, "resident size grew more than 5% after warm-up: " + result);
        }
    }
}
