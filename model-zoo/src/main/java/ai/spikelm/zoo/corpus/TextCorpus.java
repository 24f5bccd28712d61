package ai.spikelm.zoo.corpus;

import ai.spikelm.zoo.training.Seeds;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Text from files, folders and in-memory lists, streamed as an endless, shuffled sequence of
 * passages of at most a few hundred characters, for distillation at scale: the corpus is never
 * loaded or scanned up front, and memory stays bounded however large the files or their lines.
 *
 * <p>Files ending in {@code .jsonl} or {@code .ndjson} hold one JSON object per line with the text
 * in a field ({@link Builder#optJsonField}); every other file is plain UTF-8 text. Each text
 * (a plain file, a JSON record, an in-memory string) is cut into paragraphs at blank lines (a
 * very long run without one is cut at a space), paragraphs into English sentences, and
 * consecutive sentences of a paragraph are grouped into passages of at most {@code maxChars};
 * whitespace is collapsed. Sentences and passages equal, after {@link #normalize}, to an excluded
 * text are dropped, and so are passages shorter than {@code minChars}.
 *
 * <pre>{@code
 * TextCorpus corpus = TextCorpus.builder()
 *         .addPath(Path.of("corpora/text"))              // folders are read recursively
 *         .addTexts("SST-2 train", trainSentences)
 *         .optExclude(devSentences)                      // keep evaluation text out
 *         .build();
 * Iterator<String> passages = corpus.passages(42);      // endless; the same for the same seed
 * }</pre>
 */
public final class TextCorpus {

    /** Seed stream of the order of the sources in each pass. */
    private static final long SOURCE_ORDER = 101;
    /** Seed stream of the shuffle buffer. */
    private static final long SHUFFLE = 102;

    private final List<Source> sources;
    private final List<String> names;
    private final Set<String> excluded;
    private final int minChars;
    private final int maxChars;
    private final int shuffleBuffer;

    private TextCorpus(Builder b, List<Source> sources) {
        this.sources = List.copyOf(sources);
        this.names = List.copyOf(b.names);
        this.excluded = Set.copyOf(b.excluded);
        this.minChars = b.minChars;
        this.maxChars = b.maxChars;
        this.shuffleBuffer = b.shuffleBuffer;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The normalisation under which texts are compared with the excluded ones: lower case (root
     * locale), runs of whitespace as one space, trimmed.
     *
     * @param text a text
     * @return its normalised form
     */
    public static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!PassageSplitter.isSpace(c)) {
                out.append(c);
            } else if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                out.append(' ');
            }
        }
        return out.toString().trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns an endless, deterministic stream of passages. Pass p reads every source once, in an
     * order shuffled by (seed, p); a shuffle buffer of {@link Builder#optShuffleBuffer} passages
     * between reading and output interleaves passages of different sources. The same seed gives the
     * same sequence. Errors in the data ({@link CorpusException}) surface when the stream reaches
     * them. The iterator is not thread-safe; it keeps at most one file open.
     *
     * @param seed the seed
     * @return the passages; {@code hasNext()} is always true
     * @throws CorpusException from {@code next()} on unreadable data, or when a whole pass yields no
     *     passage
     */
    public Iterator<String> passages(long seed) {
        PassageReader reader = new PassageReader(seed);
        Random random = new Random(Seeds.mix(seed, SHUFFLE, 0));
        List<String> buffer = new ArrayList<>();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                while (buffer.size() < shuffleBuffer) {
                    buffer.add(reader.next());
                }
                int i = random.nextInt(shuffleBuffer);
                String passage = buffer.get(i);
                buffer.set(i, reader.next());
                return passage;
            }
        };
    }

    /** Reads the sources pass after pass, in shuffled order, as passages. */
    private final class PassageReader {
        private final long seed;
        private final PassageSplitter splitter = new PassageSplitter(minChars, maxChars, excluded);
        private final ArrayDeque<String> pending = new ArrayDeque<>();
        private List<Source> order = List.of();
        private int nextSource;
        private long pass = -1;
        private long passagesInPass;
        private Source source;
        private Source.Documents documents;
        private Paragraphs paragraphs;

        PassageReader(long seed) {
            this.seed = seed;
        }

        String next() {
            try {
                while (pending.isEmpty()) {
                    String paragraph = paragraphs == null ? null : paragraphs.next();
                    if (paragraph != null) {
                        splitter.split(paragraph, pending);
                        continue;
                    }
                    Reader document = documents == null ? null : documents.next();
                    if (document != null) {
                        paragraphs = new Paragraphs(document);
                        continue;
                    }
                    closeDocuments();
                    if (nextSource == order.size()) {
                        startPass();
                    }
                    source = order.get(nextSource++);
                    documents = source.open();
                }
            } catch (IOException e) {
                closeQuietly();
                throw new CorpusException(source.name() + ": " + e, e);
            } catch (RuntimeException e) {
                closeQuietly();
                throw e;
            }
            passagesInPass++;
            return pending.poll();
        }

        private void startPass() {
            if (pass >= 0 && passagesInPass == 0) {
                throw new CorpusException(
                        "The corpus has no passage of at least " + minChars + " characters"
                                + (excluded.isEmpty() ? "" : " that is not excluded") + " in " + names);
            }
            pass++;
            passagesInPass = 0;
            nextSource = 0;
            List<Source> shuffled = new ArrayList<>(sources);
            Collections.shuffle(shuffled, new Random(Seeds.mix(seed, SOURCE_ORDER, pass)));
            order = shuffled;
        }

        private void closeDocuments() throws IOException {
            paragraphs = null;
            if (documents != null) {
                Source.Documents d = documents;
                documents = null;
                d.close();
            }
        }

        private void closeQuietly() {
            try {
                closeDocuments();
            } catch (IOException | RuntimeException ignored) {
                // The error being thrown is the one that matters.
            }
        }
    }

    /** Builds a {@link TextCorpus}. */
    public static final class Builder {
        private final List<Path> paths = new ArrayList<>();
        private final List<Source> textSources = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final Set<String> excluded = new HashSet<>();
        private String jsonField = "text";
        private int minChars = 16;
        private int maxChars = 600;
        private int shuffleBuffer = 10_000;

        Builder() {}

        /**
         * Adds a file, or a folder whose files are read recursively in sorted path order (files and
         * folders whose names start with a dot are skipped). Checked at {@link #build()}.
         *
         * @param path a file or folder
         * @return this builder
         */
        public Builder addPath(Path path) {
            paths.add(Objects.requireNonNull(path, "path"));
            names.add(path.toString());
            return this;
        }

        /**
         * Adds in-memory texts (for example a task's training sentences); each is split like a
         * plain-text file. The iterable is iterated once per pass, so it must be repeatable.
         *
         * @param name the name used in errors
         * @param texts the texts
         * @return this builder
         */
        public Builder addTexts(String name, Iterable<String> texts) {
            Objects.requireNonNull(name, "name");
            textSources.add(Source.texts(name, Objects.requireNonNull(texts, "texts")));
            names.add(name);
            return this;
        }

        /**
         * Sets the JSON field holding the text in {@code .jsonl} and {@code .ndjson} files (default
         * {@code "text"}).
         *
         * @param field the field name
         * @return this builder
         */
        public Builder optJsonField(String field) {
            if (field == null || field.isEmpty()) {
                throw new IllegalArgumentException("JSON field must be a non-empty name");
            }
            this.jsonField = field;
            return this;
        }

        /**
         * Adds texts to keep out: a sentence or passage equal to one after {@link #normalize} is
         * dropped (used to keep evaluation sentences out of training text).
         *
         * @param texts the texts
         * @return this builder
         */
        public Builder optExclude(Collection<String> texts) {
            for (String t : texts) {
                excluded.add(normalize(t));
            }
            return this;
        }

        /**
         * Sets the shortest passage kept (default 16 characters).
         *
         * @param chars at least 1
         * @return this builder
         */
        public Builder optMinChars(int chars) {
            if (chars < 1) {
                throw new IllegalArgumentException("minChars must be positive, got " + chars);
            }
            this.minChars = chars;
            return this;
        }

        /**
         * Sets the longest passage (default 600 characters).
         *
         * @param chars at least 16
         * @return this builder
         */
        public Builder optMaxChars(int chars) {
            if (chars < 16) {
                throw new IllegalArgumentException("maxChars must be at least 16, got " + chars);
            }
            this.maxChars = chars;
            return this;
        }

        /**
         * Sets how many passages the shuffle buffer holds (default 10 000; 1 keeps reading order).
         *
         * @param passages at least 1
         * @return this builder
         */
        public Builder optShuffleBuffer(int passages) {
            if (passages < 1) {
                throw new IllegalArgumentException("shuffle buffer must be positive, got " + passages);
            }
            this.shuffleBuffer = passages;
            return this;
        }

        /**
         * Builds the corpus, listing the files of the folders (their contents are read only by the
         * passage streams).
         *
         * @return the corpus
         * @throws IllegalArgumentException if there is no source, a path does not exist or cannot be
         *     read, a folder has no file, or minChars exceeds maxChars
         */
        public TextCorpus build() {
            if (paths.isEmpty() && textSources.isEmpty()) {
                throw new IllegalArgumentException("TextCorpus needs addPath(...) or addTexts(...)");
            }
            if (minChars > maxChars) {
                throw new IllegalArgumentException("minChars " + minChars + " exceeds maxChars " + maxChars);
            }
            List<Source> sources = new ArrayList<>();
            for (Path path : paths) {
                for (Path file : files(path)) {
                    sources.add(Source.file(file, jsonField));
                }
            }
            sources.addAll(textSources);
            return new TextCorpus(this, sources);
        }

        private static List<Path> files(Path path) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("Corpus path does not exist: " + path);
            }
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException("Corpus path is not readable: " + path);
            }
            if (!Files.isDirectory(path)) {
                return List.of(path);
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(path)) {
                files = walk.filter(f -> Files.isRegularFile(f) && !hidden(path.relativize(f))).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("Cannot list corpus folder " + path + ": " + e.getMessage(), e);
            }
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    throw new IllegalArgumentException("Corpus file is not readable: " + f);
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("Corpus folder has no file: " + path);
            }
            return files;
        }

        private static boolean hidden(Path relative) {
            for (Path part : relative) {
                if (part.toString().startsWith(".")) {
                    return true;
                }
            }
            return false;
        }
    }
}
