package ai.spikelm.zoo.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the client's defaults from the environment variables huggingface_hub reads, with the same
 * precedence, so that both share one configuration and one cache.
 */
final class HubEnvironment {

    static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    // huggingface_hub's notion of a true flag.
    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");

    private final Function<String, String> env;

    HubEnvironment(Function<String, String> env) {
        this.env = env;
    }

    private Optional<String> get(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** {@code HF_ENDPOINT}, else the public Hub. */
    URI endpoint() {
        return get("HF_ENDPOINT")
                .map(e -> parseEndpoint(e, "HF_ENDPOINT"))
                .orElse(URI.create(DEFAULT_ENDPOINT));
    }

    /** {@code HF_TOKEN}, else the legacy {@code HUGGING_FACE_HUB_TOKEN}. */
    Optional<String> token() {
        return get("HF_TOKEN").or(() -> get("HUGGING_FACE_HUB_TOKEN"));
    }

    /**
     * {@code HF_HUB_CACHE} (or the legacy {@code HUGGINGFACE_HUB_CACHE}), else {@code HF_HOME/hub},
     * else {@code XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
     */
    Path cacheDir(String userHome) {
        Optional<String> hubCache = get("HF_HUB_CACHE").or(() -> get("HUGGINGFACE_HUB_CACHE"));
        if (hubCache.isPresent()) {
            return expandHome(hubCache.get(), userHome);
        }
        Optional<String> hfHome = get("HF_HOME");
        if (hfHome.isPresent()) {
            return expandHome(hfHome.get(), userHome).resolve("hub");
        }
        Path cacheHome =
                get("XDG_CACHE_HOME")
                        .map(x -> expandHome(x, userHome))
                        .orElse(Paths.get(userHome, ".cache"));
        return cacheHome.resolve("huggingface").resolve("hub");
    }

    /** {@code HF_HUB_OFFLINE}, or the older {@code TRANSFORMERS_OFFLINE}, set to a true value. */
    boolean offline() {
        return get("HF_HUB_OFFLINE")
                .or(() -> get("TRANSFORMERS_OFFLINE"))
                .map(v -> TRUE_VALUES.contains(v.toUpperCase(Locale.ROOT)))
                .orElse(false);
    }

    /** {@code HF_HUB_DOWNLOAD_TIMEOUT}, in seconds, if set. */
    Optional<Duration> timeout() {
        return get("HF_HUB_DOWNLOAD_TIMEOUT").map(HubEnvironment::parseSeconds);
    }

    private static Duration parseSeconds(String value) {
        double seconds;
        try {
            seconds = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "HF_HUB_DOWNLOAD_TIMEOUT is not a number of seconds: " + RepoPaths.quote(value),
                    e);
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(
                    "HF_HUB_DOWNLOAD_TIMEOUT must be a positive number of seconds, not "
                            + RepoPaths.quote(value));
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** Expands a leading {@code ~}, as Python's {@code os.path.expanduser} does. */
    private static Path expandHome(String path, String userHome) {
        if (path.equals("~")) {
            return Paths.get(userHome);
        }
        if (path.startsWith("~/")) {
            return Paths.get(userHome, path.substring(2));
        }
        return Paths.get(path);
    }

    /**
     * Parses and checks an endpoint: http or https, a host, no query and no credentials (they would
     * end up in messages), without a trailing slash.
     *
     * @param source where the value came from, for messages
     */
    static URI parseEndpoint(String value, String source) {
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            // The reason only: the input may hold credentials.
            throw new IllegalArgumentException(
                    source + " is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException(source + " must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            // Not echoed: the URL holds credentials.
            throw new IllegalArgumentException(
                    source + " must not contain credentials; use HF_TOKEN or optToken");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(source + " has no host: " + uri);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    source + " must not have a query or a fragment: " + uri);
        }
        return uri;
    }
}
