package ai.spikelm.zoo.weights;

import java.nio.file.Path;

/**
 * Thrown when a pickled checkpoint asks for something a state dict never needs: a global outside
 * the allow-list (such as {@code os.system}), a call or {@code BUILD} on an object that is not a
 * tensor or a dict, or an opcode that creates arbitrary objects.
 *
 * <p>Nothing named in the file is ever looked up, loaded or run; this exception only reports what
 * the file asked for, so that a caller can tell a hostile file from a damaged one.
 */
public class UnsafeCheckpointException extends MalformedCheckpointException {

    private static final long serialVersionUID = 1L;

    /** What the restricted unpickler refused. */
    private final String refused;

    /**
     * Creates an exception for a refused request.
     *
     * @param file the offending file
     * @param refused what was refused, such as {@code "os.system"} or {@code "opcode NEWOBJ"}
     * @param problem what is wrong, in a few words
     */
    public UnsafeCheckpointException(Path file, String refused, String problem) {
        super(file, problem);
        this.refused = refused;
    }

    /**
     * Returns what the file asked for and was refused.
     *
     * @return a dotted global name such as {@code "builtins.eval"}, or {@code "opcode NAME"}
     */
    public String refused() {
        return refused;
    }
}
