package ai.spikelm.ops.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native build script never fails the build: a compiler that cannot compile the AVX-512 code
 * (an old gcc, clang installed as gcc) gives a "[spikelm] native kernels not built: reason" line,
 * exit status 0 and no library, not even one left by an earlier build.
 */
class BuildScriptTest {

    private static final Path SCRIPT = Path.of("src/main/c/build.sh");

    private static final String SKIPPED = "[spikelm] native kernels not built: ";

    /** Exit status and output of the script. */
    private record Run(int status, String output) {}

    private static Run run(Path out, Path jdk, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", SCRIPT.toString(), out.toString(), jdk.toString()));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "build.sh did not finish");
        return new Run(process.exitValue(), output);
    }

    /** A JDK with the JNI headers: the script's checks pass up to the compiler. */
    private static Path jdk(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("include/linux"));
        Files.writeString(dir.resolve("include/jni.h"), "");
        return dir;
    }

    private static boolean isUnix() {
        return Files.isExecutable(Path.of("/bin/sh")) && Files.isRegularFile(SCRIPT);
    }

    @Test
    void aCompilerThatCannotBuildTheKernelsSkipsThemAndRemovesAnOldLibrary(@TempDir Path dir) throws Exception {
        assumeTrue(isUnix(), "needs sh");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path gcc = bin.resolve("gcc");
        Files.writeString(gcc, String.join("\n",
                "#!/bin/sh",
                "if [ \"$1\" = \"--version\" ]; then echo 'gcc (Old) 4.8.5'; exit 0; fi",
                "echo \"cc1: error: unrecognized command line option '-mavx512vnni'\" >&2",
                "exit 1",
                ""));
        Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path stale = Files.writeString(out.resolve("libspikelm_kernels.so"), "from an earlier build");
        Run run = run(out, jdk(dir.resolve("jdk")), Map.of("PATH", bin + ":" + System.getenv("PATH")));
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains(SKIPPED + "gcc (Old) 4.8.5 could not compile them: cc1: error:"), run.output());
        assertFalse(Files.exists(stale), "a library of an earlier build outlived a failed one");
    }

    @Test
    void aBadCompilerFlagSkipsTheKernels(@TempDir Path dir) throws Exception {
        assumeTrue(isUnix(), "needs sh");
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v gcc").start().waitFor() == 0, "needs gcc");
        Path out = dir.resolve("out");
        Run run = run(out, jdk(dir.resolve("jdk")), Map.of("SPIKELM_CFLAGS", "-mno-such-option-spikelm"));
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains(SKIPPED) && run.output().contains("no-such-option-spikelm"), run.output());
        assertFalse(Files.exists(out.resolve("libspikelm_kernels.so")));
    }

    @Test
    void withoutGccTheScriptSaysSo(@TempDir Path dir) throws Exception {
        assumeTrue(isUnix(), "needs sh");
        // Only the tools the script needs besides the compiler.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : new String[] {"dirname", "rm", "mkdir", "mktemp", "grep", "head"}) {
            Path real = Path.of("/usr/bin", tool);
            Path found = Files.isExecutable(real) ? real : Path.of("/bin", tool);
            assumeTrue(Files.isExecutable(found), "no " + tool);
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        Run run = run(dir.resolve("out"), jdk(dir.resolve("jdk")), Map.of("PATH", bin.toString()));
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains(SKIPPED + "gcc not found"), run.output());
    }
}
