package ai.spikelm.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The optional API key: {@code Authorization: Bearer KEY}. Only the key's SHA-256 digest is kept
 * and compared, with {@link MessageDigest#isEqual} (constant time, and the same length whatever
 * the client sends); the key is never logged or echoed.
 */
final class ApiKey {

    private static final String BEARER = "Bearer ";

    private final byte[] digest;

    ApiKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("The API key is empty");
        }
        this.digest = sha256(key);
    }

    /** Whether an {@code Authorization} header carries the key. */
    boolean accepts(String authorization) {
        String given = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).strip()
                : "";
        return MessageDigest.isEqual(digest, sha256(given));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "ApiKey[****]";
    }
}
