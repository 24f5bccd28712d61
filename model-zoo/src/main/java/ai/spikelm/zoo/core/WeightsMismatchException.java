package ai.spikelm.zoo.core;

import java.util.List;

/**
 * A checkpoint whose tensors do not fit the model: missing tensors, unexpected tensors and shape
 * mismatches, all listed in one message.
 */
public class WeightsMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Tensors the model needs that the checkpoint lacks. */
    private final List<String> missing;
    /** Checkpoint tensors the model has no place for. */
    private final List<String> unexpected;
    /** Tensors whose shapes differ, with both shapes. */
    private final List<String> mismatched;

    /**
     * Creates the exception.
     *
     * @param missing tensors the model needs that the checkpoint lacks
     * @param unexpected tensors the checkpoint has that the model does not use
     * @param mismatched tensors whose shape differs, each described
     */
    public WeightsMismatchException(List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(describe(missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    private static String describe(List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb = new StringBuilder("Checkpoint does not match the model:");
        if (!missing.isEmpty()) {
            sb.append("\n  missing (").append(missing.size()).append("): ").append(String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected (").append(unexpected.size()).append("): ").append(String.join(", ", unexpected));
        }
        if (!mismatched.isEmpty()) {
            sb.append("\n  shape mismatch (").append(mismatched.size()).append("): ").append(String.join("; ", mismatched));
        }
        return sb.toString();
    }

    /**
     * Returns the missing tensor names.
     *
     * @return the names
     */
    public List<String> missing() {
        return missing;
    }

    /**
     * Returns the unexpected tensor names.
     *
     * @return the names
     */
    public List<String> unexpected() {
        return unexpected;
    }

    /**
     * Returns the shape mismatches.
     *
     * @return one description per tensor
     */
    public List<String> mismatched() {
        return mismatched;
    }
}
