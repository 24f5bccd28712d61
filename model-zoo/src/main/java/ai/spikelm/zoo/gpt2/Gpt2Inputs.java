package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The inputs of a forward pass: {@code input_ids [B, L]} and an optional {@code attention_mask
 * [B, P + L]} over the P cached and L new positions.
 */
record Gpt2Inputs(NDArray ids, NDArray mask) {

    static Gpt2Inputs of(NDList inputs, int past) {
        if (inputs == null || inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException(
                    "SpikeLM-GPT-2 takes input_ids [, attention_mask], got "
                            + (inputs == null ? 0 : inputs.size())
                            + " arrays");
        }
        NDArray ids = inputs.get(0);
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || shape.get(0) == 0 || shape.get(1) == 0) {
            throw new IllegalArgumentException("input_ids must be [batch, length] with length >= 1, got " + shape);
        }
        if (ids.getDataType().isFloating()) {
            throw new IllegalArgumentException("input_ids must be integers, got " + ids.getDataType());
        }
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        if (mask != null) {
            Shape want = new Shape(shape.get(0), past + shape.get(1));
            if (!mask.getShape().equals(want)) {
                throw new IllegalArgumentException(
                        "attention_mask must be [batch, cached + new positions] = "
                                + want
                                + ", got "
                                + mask.getShape());
            }
        }
        return new Gpt2Inputs(ids, mask);
    }

    long batch() {
        return ids.getShape().get(0);
    }

    int length() {
        return Math.toIntExact(ids.getShape().get(1));
    }
}
