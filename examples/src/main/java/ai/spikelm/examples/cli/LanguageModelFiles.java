package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.hub.HubClient;
import ai.spikelm.zoo.hub.ModelLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the language-model commands share: finding a model folder, and reading text as tokens. */
final class LanguageModelFiles {

    /** Text is encoded in pieces of about this many characters, cut after a newline. */
    private static final int PIECE = 8192;

    private LanguageModelFiles() {}

    /**
     * Resolves a local folder or a Hub id to a model folder.
     *
     * @param model a path or {@code org/name[@revision]}
     * @return the folder
     * @throws IOException if it does not exist or cannot be downloaded
     */
    static Path modelDir(String model) throws IOException {
        return ModelLocator.isLocal(model)
                ? Path.of(model)
                : new ModelLocator(HubClient.builder().optProgressListener(new DownloadProgress()).build()).resolve(model);
    }

    /**
     * Lists the text files given: files as they are, directories as their {@code *.txt} files in
     * name order.
     *
     * @param paths files or directories
     * @return the files
     * @throws IOException if a path is missing or a directory holds no text file
     */
    static List<Path> textFiles(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> texts = s.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted().toList();
                    if (texts.isEmpty()) {
                        throw new NoSuchFileException(p.toString(), null, "no *.txt file in this directory");
                    }
                    files.addAll(texts);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new NoSuchFileException(p.toString());
            }
        }
        return files;
    }

    /**
     * Tokenizes text files into one stream, each document followed by the end-of-text token when
     * there is one. Long documents are encoded piece by piece, cut after a newline, which a
     * byte-level BPE tokenizes the same way as the whole.
     *
     * @param tokenizer the tokenizer (no special tokens added)
     * @param files the documents
     * @param endOfText the id that ends each document, or null
     * @return the token ids
     * @throws IOException if a file cannot be read or is not UTF-8
     */
    static long[] tokenize(HuggingFaceTokenizer tokenizer, List<Path> files, Integer endOfText) throws IOException {
        LongList ids = new LongList();
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int from = 0;
            while (from < text.length()) {
                int to = Math.min(text.length(), from + PIECE);
                int newline = text.lastIndexOf('\n', to - 1);
                if (to < text.length() && newline >= from) {
                    to = newline + 1;
                }
                Encoding encoding = tokenizer.encode(text.substring(from, to), false, false);
                ids.addAll(encoding.getIds());
                from = to;
            }
            if (endOfText != null) {
                ids.add(endOfText);
            }
        }
        return ids.toArray();
    }

    /** A growable array of longs, so that millions of tokens are not boxed. */
    private static final class LongList {
        private long[] values = new long[1 << 16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }

        void addAll(long[] vs) {
            for (long v : vs) {
                add(v);
            }
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
