package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the command line in a child JVM, for what only a separate process shows: a signal, how the
 * JVM exits, a crash log. Output (both streams) goes to {@code child.log} in the working folder.
 */
final class ChildCli implements AutoCloseable {

    private final Path dir;
    private final Process process;

    private ChildCli(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts {@code spikelm args...} with one PyTorch thread, in {@code dir}.
     *
     * @param dir the working folder, which also receives {@code child.log} and any crash log
     * @param args the subcommand and its arguments
     * @return the running child
     * @throws IOException if the JVM cannot be started
     */
    static ChildCli start(Path dir, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"),
                SpikeLmCli.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        return new ChildCli(dir, process);
    }

    /**
     * Waits, at most four minutes, until the condition holds while the child runs; fails with its
     * log if it does not.
     *
     * @param what what is awaited, for the failure message
     * @param condition the condition
     */
    void awaitWhileRunning(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!condition.call() && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(condition.call(), what + ": " + log());
    }

    /**
     * Sends SIGTERM and checks a clean end: the JVM exits within three minutes, without a crash log
     * or a fatal error in its output.
     *
     * @return the child's output
     */
    String terminate() throws Exception {
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the child must exit: " + log());
        String log = log();
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.map(Path::getFileName).map(Path::toString).noneMatch(n -> n.startsWith("hs_err")), log);
        }
        assertFalse(log.contains("SIGSEGV") || log.contains("fatal error"), log);
        return log;
    }

    /**
     * Returns what the child printed so far.
     *
     * @return the output
     */
    String log() throws IOException {
        return Files.readString(dir.resolve("child.log"));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
