package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Downloads model files from the Hugging Face Hub into a cache shared with huggingface_hub.
 *
 * <pre>{@code
 * HubClient hub = HubClient.builder().build();          // configured like huggingface_hub
 * Path config = hub.download("org/name", "config.json");
 * Path dir = hub.snapshot("org/name@v1.0",
 *         List.of("config.json", "model.safetensors"), List.of("tokenizer.json"));
 * }</pre>
 *
 * <p><b>Configuration.</b> Each setting comes from the builder if set there, else from the
 * environment variable huggingface_hub reads: {@code HF_ENDPOINT} (default {@code
 * https://huggingface.co}), {@code HF_TOKEN} (sent as {@code Authorization: Bearer} to the endpoint
 * only), {@code HF_HUB_CACHE} (else {@code HF_HOME/hub}, else {@code
 * $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}), {@code
 * HF_HUB_OFFLINE=1} (no network at all) and {@code HF_HUB_DOWNLOAD_TIMEOUT}. The token appears in
 * no message, log or {@code toString}.
 *
 * <p><b>Cache.</b> Files are read from and written to the layout huggingface_hub uses ({@code
 * models--org--name/blobs}, {@code snapshots/<commit>}, {@code refs/<revision>}), so a cache filled
 * by either is used by the other. A file is a cache hit when the revision's ref (or the revision
 * itself, if it is a commit hash) leads to a snapshot that has it; a hit makes no request at all.
 * Unlike huggingface_hub, which asks the server on every call, a branch therefore stays at the
 * commit it was first downloaded at until a file missing from that snapshot is requested.
 *
 * <p><b>Downloads.</b> A file's commit and blob name come from a HEAD request ({@code
 * X-Repo-Commit}, and {@code X-Linked-Etag} or {@code ETag}); its content is then fetched into
 * {@code blobs/<etag>.incomplete}, resumed with a Range request after an interruption, checked
 * against the size the server announced (a longer body is cut there and refused) and, when the
 * ETag is a content hash, against it (SHA-256 for LFS files, the git blob SHA-1 for the others),
 * and renamed into place; a commit that is not 40 hex digits is refused. Transient failures
 * (HTTP 5xx and 429, timeouts, dropped connections) are retried with exponential backoff, a bounded
 * number of times in a row. Threads and processes fetching the same blob wait for one another
 * through a lock file, and only one downloads it.
 *
 * <p><b>Errors.</b> Every failure is a {@link HubException}; its subclasses tell the reasons apart
 * ({@link RepositoryNotFoundException}, {@link RevisionNotFoundException}, {@link
 * EntryNotFoundException}, {@link HubAccessDeniedException}, {@link HubOfflineException}, {@link
 * ChecksumMismatchException}, {@link RetriesExhaustedException}). Invalid model ids and file names
 * that could escape the cache are refused with an {@link IllegalArgumentException}.
 *
 * <p>Instances are immutable and safe for use by several threads.
 */
public final class HubClient {

    /** Retries after a first failure, as in huggingface_hub. */
    static final int DEFAULT_MAX_RETRIES = 5;

    /** The connect, header and stall timeout, as huggingface_hub's download timeout. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The first wait before a retry; later ones double. */
    static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);

    private final URI endpoint;
    private final boolean hasToken;
    private final Path cacheDir;
    private final boolean offline;
    private final Duration timeout;
    private final int maxRetries;
    // Null when offline: an offline client has no way to reach the network.
    private final HubHttp http;
    private final BlobFetcher blobs;

    private HubClient(Builder b, HubEnvironment env) {
        this.endpoint =
                b.endpoint != null
                        ? HubEnvironment.parseEndpoint(b.endpoint, "The endpoint")
                        : env.endpoint();
        String token = b.tokenSet ? b.token : env.token().orElse(null);
        this.hasToken = token != null;
        this.cacheDir =
                (b.cacheDir != null ? b.cacheDir : env.cacheDir(System.getProperty("user.home")))
                        .toAbsolutePath()
                        .normalize();
        this.offline = b.offline != null ? b.offline : env.offline();
        this.timeout = b.timeout != null ? b.timeout : env.timeout().orElse(DEFAULT_TIMEOUT);
        this.maxRetries = b.maxRetries != null ? b.maxRetries : DEFAULT_MAX_RETRIES;
        if (offline) {
            this.http = null;
            this.blobs = null;
        } else {
            Backoff backoff = new Backoff(maxRetries, b.retryBackoff);
            this.http = new HubHttp(HubHttp.newClient(timeout), endpoint, token, timeout, backoff);
            this.blobs = new BlobFetcher(http, backoff, b.progress);
        }
    }

    /**
     * Returns a builder whose unset options come from the environment.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the path of a file of a model, downloading it unless it is cached.
     *
     * @param modelId the model, {@code org/name} or {@code org/name@revision}
     * @param file the file's path in the repository, such as {@code config.json}
     * @return the file in its snapshot directory, {@code .../snapshots/<commit>/<file>}
     * @throws IllegalArgumentException if the model id or the file name is not valid
     * @throws HubException (a subclass, see {@link HubClient}) if the file cannot be had
     * @throws IOException if the cache cannot be written
     */
    public Path download(String modelId, String file) throws IOException {
        ModelId model = ModelId.parse(modelId);
        RepoPaths.checkFile(file);
        RepoCache cache = RepoCache.of(cacheDir, model);
        Optional<String> commit = cache.commitFor(model.revision());
        if (commit.isPresent() && cache.hasFile(commit.get(), file)) {
            return cache.snapshotFile(commit.get(), file);
        }
        if (offline) {
            if (commit.isPresent() && cache.isKnownMissing(commit.get(), file)) {
                throw new EntryNotFoundException(
                        model, file, commit.get(), " (recorded as absent in the cache; offline)");
            }
            throw new HubOfflineException(model, file, cacheDir);
        }
        return cache.snapshotFile(fetch(cache, model, model.revision(), file), file);
    }

    /**
     * Returns a model's snapshot directory holding the given files, downloading those that are not
     * cached. All files come from one commit: the first answer from the server fixes it.
     *
     * @param modelId the model, {@code org/name} or {@code org/name@revision}
     * @param files the files' paths in the repository, all required
     * @return the snapshot directory, {@code .../snapshots/<commit>}
     * @throws IllegalArgumentException if the model id or a file name is not valid, or no file is
     *     named
     * @throws HubException (a subclass, see {@link HubClient}) if a file cannot be had
     * @throws IOException if the cache cannot be written
     */
    public Path snapshot(String modelId, List<String> files) throws IOException {
        return snapshot(modelId, files, List.of());
    }

    /**
     * Returns a model's snapshot directory holding the given files, downloading those that are not
     * cached; optional files that the repository lacks are skipped, and their absence is recorded
     * so that they are not asked for again. All files come from one commit.
     *
     * @param modelId the model, {@code org/name} or {@code org/name@revision}
     * @param files the files' paths in the repository that must exist
     * @param optionalFiles the files to get if the repository has them, such as {@code
     *     tokenizer.json}
     * @return the snapshot directory, {@code .../snapshots/<commit>}
     * @throws IllegalArgumentException if the model id or a file name is not valid, or no file is
     *     named
     * @throws HubException (a subclass, see {@link HubClient}) if a required file cannot be had
     * @throws IOException if the cache cannot be written
     */
    public Path snapshot(String modelId, List<String> files, List<String> optionalFiles)
            throws IOException {
        ModelId model = ModelId.parse(modelId);
        Set<String> required = checkedFiles(files);
        Set<String> optional = checkedFiles(optionalFiles);
        optional.removeAll(required);
        if (required.isEmpty() && optional.isEmpty()) {
            throw new IllegalArgumentException("No files named for " + model);
        }
        RepoCache cache = RepoCache.of(cacheDir, model);
        Optional<String> cached = cache.commitFor(model.revision());
        if (cached.isPresent() && isComplete(cache, cached.get(), required, optional)) {
            return cache.snapshotDir(cached.get());
        }
        if (offline) {
            throw offlineMiss(cache, cached, model, required, optional);
        }
        String commit = fetchAll(cache, model, required, optional);
        return cache.snapshotDir(commit);
    }

    /**
     * Downloads what a snapshot lacks, pinning the commit after the first answer so that a branch
     * moving meanwhile cannot split the files across two snapshots.
     *
     * @return the commit
     */
    private String fetchAll(
            RepoCache cache, ModelId model, Set<String> required, Set<String> optional)
            throws IOException {
        String pinned = ModelId.isCommitHash(model.revision()) ? model.revision() : null;
        EntryNotFoundException lastMissing = null;
        List<String> all = new ArrayList<>(required);
        all.addAll(optional);
        for (String file : all) {
            boolean isOptional = optional.contains(file);
            if (pinned != null
                    && (cache.hasFile(pinned, file)
                            || (isOptional && cache.isKnownMissing(pinned, file)))) {
                continue;
            }
            String revision = pinned != null ? pinned : model.revision();
            try {
                pinned = fetch(cache, model, revision, file);
            } catch (EntryNotFoundException e) {
                if (!isOptional) {
                    throw e;
                }
                lastMissing = e;
                if (pinned == null) {
                    pinned = e.commit();
                }
            }
        }
        if (pinned == null) {
            // Only optional files, all absent, and a server that named no commit.
            throw lastMissing;
        }
        return pinned;
    }

    /**
     * Tells whether a file of a model is in the cache, so that {@link #download} would return it
     * without a request. Never touches the network.
     *
     * @param modelId the model, {@code org/name} or {@code org/name@revision}
     * @param file the file's path in the repository
     * @return whether the file is cached
     * @throws IllegalArgumentException if the model id or the file name is not valid
     * @throws IOException if the cache cannot be read
     */
    public boolean isCached(String modelId, String file) throws IOException {
        ModelId model = ModelId.parse(modelId);
        RepoPaths.checkFile(file);
        RepoCache cache = RepoCache.of(cacheDir, model);
        Optional<String> commit = cache.commitFor(model.revision());
        return commit.isPresent() && cache.hasFile(commit.get(), file);
    }

    /**
     * Gets one file from the server: its metadata, then its blob unless the cache has it, then the
     * snapshot entry and the ref.
     *
     * @return the commit the file was found at
     */
    private String fetch(RepoCache cache, ModelId model, String revision, String file)
            throws IOException {
        FileMetadata meta;
        try {
            meta = http.metadata(model, revision, file);
        } catch (EntryNotFoundException e) {
            // Recorded as huggingface_hub does, so that the file is not asked for again (offline
            // too). A server that names no commit was asked at a commit hash when the snapshot is
            // pinned, so the absence belongs to that commit.
            String commit = e.commit() != null ? e.commit() : ModelId.isCommitHash(revision) ? revision : null;
            if (commit != null) {
                cache.markMissing(commit, file);
                cache.writeRef(revision, commit);
            }
            throw e.commit() != null || commit == null ? e : e.atCommit(commit);
        }
        if (!cache.hasFile(meta.commit(), file)) {
            blobs.fetch(cache, meta, model, file);
            cache.link(meta.commit(), file, meta.etag());
        }
        cache.writeRef(revision, meta.commit());
        return meta.commit();
    }

    private static boolean isComplete(
            RepoCache cache, String commit, Set<String> required, Set<String> optional) {
        return required.stream().allMatch(f -> cache.hasFile(commit, f))
                && optional.stream()
                        .allMatch(f -> cache.hasFile(commit, f) || cache.isKnownMissing(commit, f));
    }

    /**
     * The error for an offline snapshot: the first file that is neither cached nor known absent.
     */
    private HubException offlineMiss(
            RepoCache cache,
            Optional<String> commit,
            ModelId model,
            Set<String> required,
            Set<String> optional) {
        List<String> all = new ArrayList<>(required);
        all.addAll(optional);
        for (String file : all) {
            boolean present =
                    commit.isPresent()
                            && (cache.hasFile(commit.get(), file)
                                    || (optional.contains(file)
                                            && cache.isKnownMissing(commit.get(), file)));
            if (!present) {
                return new HubOfflineException(model, file, cacheDir);
            }
        }
        return new HubOfflineException(model, null, cacheDir);
    }

    private static Set<String> checkedFiles(List<String> files) {
        Objects.requireNonNull(files, "files");
        Set<String> checked = new LinkedHashSet<>();
        for (String f : files) {
            checked.add(RepoPaths.checkFile(f));
        }
        return checked;
    }

    /**
     * Returns the Hub's address.
     *
     * @return the endpoint, without a trailing slash
     */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Returns the cache directory (the one holding {@code models--*} folders).
     *
     * @return the absolute cache directory
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * Tells whether the client is offline and serves only what is cached.
     *
     * @return whether the client is offline
     */
    public boolean isOffline() {
        return offline;
    }

    /**
     * Tells whether requests to the endpoint carry a token (never the token itself).
     *
     * @return whether a token is configured
     */
    public boolean hasToken() {
        return hasToken;
    }

    /**
     * Describes the configuration; whether a token is set, but not the token.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "HubClient[endpoint="
                + endpoint
                + ", cacheDir="
                + cacheDir
                + ", offline="
                + offline
                + ", token="
                + (hasToken ? "set" : "none")
                + ", timeout="
                + timeout
                + ", maxRetries="
                + maxRetries
                + "]";
    }

    /**
     * Builds a {@link HubClient}. Options left unset come from the environment (see {@link
     * HubClient}), read through {@link #optEnvironment(Function)} so that tests can replace it.
     */
    public static final class Builder {

        // A JVM system property of the same name overrides the environment variable, so that an
        // application (or a test) can point the client elsewhere without touching its environment.
        private Function<String, String> environment = key -> System.getProperty(key, System.getenv(key));
        private String endpoint;
        private boolean tokenSet;
        private String token;
        private Path cacheDir;
        private Boolean offline;
        private Duration timeout;
        private Integer maxRetries;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private ProgressListener progress = ProgressListener.none();

        private Builder() {}

        /**
         * Sets where unset options are read from, instead of a system property of the variable's
         * name or else the environment variable.
         *
         * @param environment returns a variable's value, or {@code null} if it is not set
         * @return this builder
         */
        public Builder optEnvironment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Sets the Hub's address, instead of {@code HF_ENDPOINT}.
         *
         * @param endpoint an http or https URL, such as {@code https://huggingface.co}
         * @return this builder
         */
        public Builder optEndpoint(String endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Sets the access token, instead of {@code HF_TOKEN}.
         *
         * @param token the token, or {@code null} (or blank) to send none even if {@code HF_TOKEN}
         *     is set
         * @return this builder
         */
        public Builder optToken(String token) {
            this.tokenSet = true;
            this.token = token == null || token.isBlank() ? null : token.strip();
            return this;
        }

        /**
         * Sets the cache directory, instead of {@code HF_HUB_CACHE} or {@code HF_HOME/hub}.
         *
         * @param cacheDir the directory holding {@code models--*} folders
         * @return this builder
         */
        public Builder optCacheDir(Path cacheDir) {
            this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
            return this;
        }

        /**
         * Sets whether the client is offline, instead of {@code HF_HUB_OFFLINE}; an offline client
         * makes no request and serves only what is cached.
         *
         * @param offline whether to stay offline
         * @return this builder
         */
        public Builder optOffline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /**
         * Sets the timeout for connecting, for response headers and for any pause in a body,
         * instead of {@code HF_HUB_DOWNLOAD_TIMEOUT} (default 10 s). It does not bound a whole
         * download, which may take long while data flows.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder optTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("The timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets how many times in a row a transient failure is retried (default 5); an attempt that
         * brings part of a file resets the count.
         *
         * @param maxRetries zero or more
         * @return this builder
         */
        public Builder optMaxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * Sets the wait before the first retry (default 1 s); each further retry waits twice as
         * long, up to 8 times this, or longer if the server asks with {@code Retry-After} (up to a
         * minute).
         *
         * @param retryBackoff zero or a positive duration
         * @return this builder
         */
        public Builder optRetryBackoff(Duration retryBackoff) {
            Objects.requireNonNull(retryBackoff, "retryBackoff");
            if (retryBackoff.isNegative()) {
                throw new IllegalArgumentException("The backoff must not be negative");
            }
            this.retryBackoff = retryBackoff;
            return this;
        }

        /**
         * Sets the listener told of download progress (none by default).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder optProgressListener(ProgressListener listener) {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the client, reading the environment for unset options.
         *
         * @return the client
         * @throws IllegalArgumentException if the endpoint or an environment value is not valid
         */
        public HubClient build() {
            return new HubClient(this, new HubEnvironment(environment));
        }
    }
}
