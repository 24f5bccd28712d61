package ai.spikelm.zoo.hub;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model repository on the Hugging Face Hub and the revision to read from it.
 *
 * <p>The text form is {@code org/name} or {@code org/name@revision}; the revision defaults to
 * {@value #DEFAULT_REVISION}. A name without an organisation ({@code gpt2}) is accepted too, as the
 * Hub still serves such legacy ids. A revision is a branch, a tag, a 40-hex commit hash or a ref
 * such as {@code refs/pr/1}.
 *
 * <p>Names follow the Hub's rules: letters, digits, {@code -}, {@code _} and {@code .}, starting
 * and ending with a letter, digit or {@code _}, at most 96 characters, no {@code --} and no {@code
 * ..}. These rules also keep the id from escaping the cache directory, since it becomes part of a
 * path there. Anything else is refused with an {@link IllegalArgumentException} that says why.
 *
 * <p>Instances are immutable.
 */
public final class ModelId {

    /** The revision read when an id names none, as on the Hub. */
    public static final String DEFAULT_REVISION = "main";

    private static final int MAX_NAME_LENGTH = 96;
    private static final int MAX_REVISION_LENGTH = 255;
    private static final Pattern NAME_CHARS = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern REVISION_PART = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final Pattern COMMIT_HASH = Pattern.compile("[0-9a-f]{40}");

    private final String namespace;
    private final String name;
    private final String revision;

    private ModelId(String namespace, String name, String revision) {
        this.namespace = namespace;
        this.name = name;
        this.revision = revision;
    }

    /**
     * Parses {@code org/name}, {@code org/name@revision}, {@code name} or {@code name@revision}.
     *
     * @param text the id
     * @return the parsed id
     * @throws IllegalArgumentException if the id or the revision is not valid, with the reason
     */
    public static ModelId parse(String text) {
        Objects.requireNonNull(text, "model id");
        int at = text.indexOf('@');
        if (at < 0) {
            return of(text, DEFAULT_REVISION);
        }
        String revision = text.substring(at + 1);
        if (revision.isEmpty()) {
            throw invalid(text, "nothing after '@'; name a revision or drop the '@'");
        }
        return of(text.substring(0, at), revision);
    }

    /**
     * Creates an id from a repository id ({@code org/name}) and a revision.
     *
     * @param repoId the repository id, without a revision
     * @param revision the branch, tag, commit hash or ref
     * @return the id
     * @throws IllegalArgumentException if either part is not valid, with the reason
     */
    public static ModelId of(String repoId, String revision) {
        Objects.requireNonNull(repoId, "repository id");
        Objects.requireNonNull(revision, "revision");
        if (repoId.isEmpty()) {
            throw invalid(repoId, "it is empty");
        }
        // First, so that a path-like id is named for what it is.
        if (repoId.contains("..")) {
            throw invalid(repoId, "'..' is not allowed");
        }
        String[] parts = repoId.split("/", -1);
        if (parts.length > 2) {
            throw invalid(repoId, "more than one '/'; the form is org/name");
        }
        String namespace = parts.length == 2 ? parts[0] : null;
        String name = parts[parts.length - 1];
        if (namespace != null) {
            checkName(repoId, namespace, "organisation");
        }
        checkName(repoId, name, "name");
        checkRevision(repoId, revision);
        return new ModelId(namespace, name, revision);
    }

    /** Applies the Hub's naming rules to one part of a repository id. */
    private static void checkName(String repoId, String part, String what) {
        if (part.isEmpty()) {
            throw invalid(repoId, "the " + what + " is empty");
        }
        if (part.length() > MAX_NAME_LENGTH) {
            throw invalid(
                    repoId, "the " + what + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (!NAME_CHARS.matcher(part).matches()) {
            throw invalid(
                    repoId, "the " + what + " may only contain letters, digits, '-', '_' and '.'");
        }
        if (part.contains("--")) {
            throw invalid(repoId, "'--' is not allowed (it separates parts of cache folder names)");
        }
        if (!isWordChar(part.charAt(0)) || !isWordChar(part.charAt(part.length() - 1))) {
            throw invalid(
                    repoId, "the " + what + " must start and end with a letter, a digit or '_'");
        }
        if (part.endsWith(".git")) {
            throw invalid(repoId, "the " + what + " must not end with '.git'");
        }
    }

    private static boolean isWordChar(char c) {
        return c == '_' || (c < 128 && Character.isLetterOrDigit(c));
    }

    /**
     * Checks a revision; it becomes a URL segment and, for refs, a path under {@code refs/} in the
     * cache, so it must not contain anything that could climb out of that directory.
     */
    private static void checkRevision(String repoId, String revision) {
        if (revision.isEmpty()) {
            throw invalid(repoId, "the revision is empty");
        }
        if (revision.length() > MAX_REVISION_LENGTH) {
            throw invalid(
                    repoId, "the revision is longer than " + MAX_REVISION_LENGTH + " characters");
        }
        for (String part : revision.split("/", -1)) {
            if (part.isEmpty()) {
                throw invalid(repoId, "revision '" + revision + "' has an empty '/' segment");
            }
            if (!REVISION_PART.matcher(part).matches()) {
                throw invalid(
                        repoId,
                        "revision '"
                                + revision
                                + "' may only contain letters, digits, '/', '-', '_', '+' and"
                                + " '.'");
            }
            if (part.startsWith(".") || part.contains("..")) {
                throw invalid(
                        repoId,
                        "revision '"
                                + revision
                                + "' must not contain '..' or a segment starting with '.'");
            }
        }
    }

    private static IllegalArgumentException invalid(String id, String why) {
        return new IllegalArgumentException("Invalid model id '" + id + "': " + why);
    }

    /**
     * Tells whether a revision is a full commit hash (40 lower-case hex digits), which the cache
     * can serve without a ref.
     *
     * @param revision the revision
     * @return whether it is a commit hash
     */
    public static boolean isCommitHash(String revision) {
        return revision != null && COMMIT_HASH.matcher(revision).matches();
    }

    /**
     * Returns the organisation or user that owns the repository, if the id names one.
     *
     * @return the organisation
     */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /**
     * Returns the repository name without its organisation.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the repository id, {@code org/name} (or {@code name}), without the revision.
     *
     * @return the repository id
     */
    public String repoId() {
        return namespace == null ? name : namespace + "/" + name;
    }

    /**
     * Returns the revision to read.
     *
     * @return the branch, tag, commit hash or ref
     */
    public String revision() {
        return revision;
    }

    /**
     * Returns the same repository at another revision.
     *
     * @param otherRevision the revision
     * @return the id
     * @throws IllegalArgumentException if the revision is not valid
     */
    public ModelId withRevision(String otherRevision) {
        return of(repoId(), otherRevision);
    }

    /** The cache folder name, {@code models--org--name}, as huggingface_hub names it. */
    String cacheFolderName() {
        return "models--" + repoId().replace("/", "--");
    }

    /**
     * Two ids are equal when they name the same repository and revision.
     *
     * @param o the other object
     * @return whether they are equal
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ModelId)) {
            return false;
        }
        ModelId other = (ModelId) o;
        return Objects.equals(namespace, other.namespace)
                && name.equals(other.name)
                && revision.equals(other.revision);
    }

    /**
     * Returns a hash consistent with {@link #equals(Object)}.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        return Objects.hash(namespace, name, revision);
    }

    /**
     * Returns the text form, {@code org/name@revision}, which {@link #parse(String)} reads back.
     *
     * @return the text form
     */
    @Override
    public String toString() {
        return repoId() + "@" + revision;
    }
}
