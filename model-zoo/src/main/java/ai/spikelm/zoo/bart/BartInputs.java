package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** Validation of the integer inputs of SpikeLM-BART: ids {@code [B, L]} and their masks. */
final class BartInputs {

    private BartInputs() {}

    /** Checks {@code ids [B, L]}: integers, L ≥ 1; {@code what} names them in errors. */
    static void requireIds(NDArray ids, String what) {
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || shape.get(0) == 0) {
            throw new IllegalArgumentException(what + " must be [batch, length] with batch >= 1, got " + shape);
        }
        if (shape.get(1) == 0) {
            throw new IllegalArgumentException(what + " is empty: it needs at least one token, got " + shape);
        }
        if (ids.getDataType().isFloating()) {
            throw new IllegalArgumentException(what + " must be integers, got " + ids.getDataType());
        }
    }

    /** Checks that a mask is {@code [B, length]}. */
    static void requireMask(NDArray mask, String what, long batch, long length) {
        if (mask == null) {
            return;
        }
        Shape want = new Shape(batch, length);
        if (!mask.getShape().equals(want)) {
            throw new IllegalArgumentException(what + " must be " + want + ", got " + mask.getShape());
        }
    }

    /** Checks that a length fits the learned positions. */
    static void requireFits(long length, int maxPositions, String what) {
        if (length > maxPositions) {
            throw new IllegalArgumentException(
                    what + " of " + length + " tokens exceeds max_position_embeddings = " + maxPositions);
        }
    }

    /**
     * The inputs of a full forward pass: {@code input_ids, decoder_input_ids}, or {@code input_ids,
     * attention_mask, decoder_input_ids [, decoder_attention_mask]}.
     */
    record Full(NDArray ids, NDArray mask, NDArray decoderIds, NDArray decoderMask) {

        static Full of(NDList inputs, int maxPositions) {
            if (inputs == null || inputs.size() < 2 || inputs.size() > 4) {
                throw new IllegalArgumentException(
                        "SpikeLM-BART takes input_ids, decoder_input_ids or input_ids, attention_mask,"
                                + " decoder_input_ids [, decoder_attention_mask]; got "
                                + (inputs == null ? 0 : inputs.size()) + " arrays");
            }
            NDArray ids = inputs.get(0);
            NDArray mask = inputs.size() > 2 ? inputs.get(1) : null;
            NDArray decoderIds = inputs.get(inputs.size() == 2 ? 1 : 2);
            NDArray decoderMask = inputs.size() == 4 ? inputs.get(3) : null;
            requireIds(ids, "input_ids");
            requireIds(decoderIds, "decoder_input_ids");
            Shape s = ids.getShape();
            Shape d = decoderIds.getShape();
            requireMask(mask, "attention_mask", s.get(0), s.get(1));
            if (d.get(0) != s.get(0)) {
                throw new IllegalArgumentException(
                        "decoder_input_ids " + d + " must have the batch size of input_ids " + s);
            }
            requireMask(decoderMask, "decoder_attention_mask", d.get(0), d.get(1));
            requireFits(s.get(1), maxPositions, "Source");
            requireFits(d.get(1), maxPositions, "Decoder input");
            return new Full(ids, mask, decoderIds, decoderMask);
        }
    }
}
