package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * An encoded source, ready for incremental decoding: the encoder's last hidden state {@code [B, S,
 * D]} (Hugging Face's {@code encoder_outputs}), the additive source mask and every decoder layer's
 * cross-attention keys and values {@code [T, B, H, S, d]}, projected and spiked once.
 *
 * <p>Made by {@link SpikeBartModel#encode}; any number of {@link BartCache}s (decoding sessions) may
 * share it. Its arrays live on its own manager, a sub-manager of the manager of the {@code
 * input_ids} it was encoded from: close it to free them (after the caches that use it). Not
 * thread-safe to close while a cache decodes against it.
 */
public final class BartEncoderOutput implements AutoCloseable {

    private final SpikeBartModel owner;
    private final NDManager manager;
    private final NDArray hidden;
    private final NDArray sourceMask;
    private final NDArray[] keys;
    private final NDArray[] values;
    private boolean closed;

    BartEncoderOutput(
            SpikeBartModel owner, NDManager manager, NDArray hidden, NDArray sourceMask, NDArray[] keys, NDArray[] values) {
        this.owner = owner;
        this.manager = manager;
        this.hidden = hidden;
        this.sourceMask = sourceMask;
        this.keys = keys;
        this.values = values;
        hidden.attach(manager);
        sourceMask.attach(manager);
        for (int i = 0; i < keys.length; i++) {
            keys[i].attach(manager);
            values[i].attach(manager);
        }
    }

    /**
     * Returns the encoder's last hidden state, {@code [B, S, D]}. The array belongs to this output:
     * do not close it.
     *
     * @return the hidden state
     */
    public NDArray lastHiddenState() {
        requireOpen();
        return hidden;
    }

    /**
     * Returns the number of encoded sequences B.
     *
     * @return B
     */
    public long batchSize() {
        return hidden.getShape().get(0);
    }

    /**
     * Returns the source length S.
     *
     * @return S
     */
    public int sourceLength() {
        return Math.toIntExact(hidden.getShape().get(1));
    }

    /**
     * Returns a decoder layer's cross-attention keys, {@code [T, B, H, S, d]}. The array belongs to
     * this output: do not close it.
     *
     * @param layer the decoder layer
     * @return the spiked keys
     */
    public NDArray crossKeys(int layer) {
        requireOpen();
        return keys[layer];
    }

    /**
     * Returns a decoder layer's cross-attention values, {@code [T, B, H, S, d]}. The array belongs
     * to this output: do not close it.
     *
     * @param layer the decoder layer
     * @return the spiked values
     */
    public NDArray crossValues(int layer) {
        requireOpen();
        return values[layer];
    }

    /**
     * Returns whether {@link #close} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** Frees the arrays. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    SpikeBartModel owner() {
        return owner;
    }

    NDArray sourceMask() {
        requireOpen();
        return sourceMask;
    }

    NDArray[][] crossKeyValues() {
        requireOpen();
        return new NDArray[][] {keys, values};
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The BartEncoderOutput is closed");
        }
    }
}
