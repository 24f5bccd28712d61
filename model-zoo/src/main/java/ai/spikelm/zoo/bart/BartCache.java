package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The cache of incremental decoding against one encoded source: for every decoder layer, the spiked
 * self-attention keys and values of all positions decoded so far, per time step, {@code [T, B, H, P,
 * d]}. The cross-attention keys and values are the source's ({@link BartEncoderOutput}), computed
 * once when it was encoded and shared by every cache that decodes against it.
 *
 * <p>No neuron state is cached: SpikeLM's neurons integrate over the T time steps of one position,
 * never across positions, so a new token's spikes depend on earlier tokens only through attention.
 *
 * <pre>{@code
 * try (BartEncoderOutput source = model.encode(ps, new NDList(inputIds));
 *         BartCache cache = model.newCache(manager, source)) {
 *     NDArray logits = model.decode(ps, new NDList(startIds), cache).get(0);   // [B, 1, V]
 *     NDArray next = model.decode(ps, new NDList(nextIds), cache).get(0);      // [B, 1, V]
 * }
 * }</pre>
 *
 * <p>The self-attention arrays live on the cache's own manager (a sub-manager of the one it was
 * created with), so closing the cache frees them; closing it does not close the source. A pass
 * extends the cache only when it completes. The cache holds up to {@code max_position_embeddings}
 * positions, serves the source's batch and is not thread-safe.
 */
public final class BartCache implements AutoCloseable {

    private final SpikeBartModel owner;
    private final BartEncoderOutput source;
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;
    private boolean closed;

    BartCache(SpikeBartModel owner, BartEncoderOutput source, NDManager parent) {
        if (source.owner() != owner) {
            throw new IllegalArgumentException("The BartEncoderOutput was encoded by another model");
        }
        this.owner = owner;
        this.source = source;
        this.manager = parent.newSubManager();
        int layers = owner.getConfig().decoderLayers();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /**
     * Returns the number of decoded positions P (the position of the next token).
     *
     * @return P
     */
    public int length() {
        return length;
    }

    /**
     * Returns the most positions the cache can hold: {@code max_position_embeddings}.
     *
     * @return the capacity
     */
    public int capacity() {
        return owner.getConfig().maxPositionEmbeddings();
    }

    /**
     * Returns the encoded source this cache decodes against.
     *
     * @return the source
     */
    public BartEncoderOutput source() {
        return source;
    }

    /**
     * Returns the cached self-attention keys of a decoder layer, {@code [T, B, H, P, d]}, or null
     * while empty. The array belongs to the cache: do not close it.
     *
     * @param layer the layer index
     * @return the keys
     */
    public NDArray keys(int layer) {
        requireOpen();
        return keys[layer];
    }

    /**
     * Returns the cached self-attention values of a decoder layer, {@code [T, B, H, P, d]}, or null
     * while empty. The array belongs to the cache: do not close it.
     *
     * @param layer the layer index
     * @return the values
     */
    public NDArray values(int layer) {
        requireOpen();
        return values[layer];
    }

    /** Empties the cache (to decode another target against the same source), keeping it open. */
    public void clear() {
        requireOpen();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].close();
                values[i].close();
            }
            keys[i] = null;
            values[i] = null;
        }
        length = 0;
    }

    /** Frees the cached self-attention arrays (not the source). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    /** Checks that a pass of {@code tokens} new positions for {@code batch} sequences fits. */
    void check(SpikeBartModel model, long batch, long tokens) {
        requireOpen();
        if (model != owner) {
            throw new IllegalArgumentException("This BartCache was created by another model (use model.newCache)");
        }
        if (source.isClosed()) {
            throw new IllegalStateException("The BartEncoderOutput of this cache is closed");
        }
        if (batch != source.batchSize()) {
            throw new IllegalArgumentException(
                    "The source holds " + source.batchSize() + " sequence(s); got a decoder batch of " + batch);
        }
        if (length + tokens > capacity()) {
            throw new IllegalArgumentException(
                    "Decoder positions exceeded: " + length + " cached + " + tokens
                            + " new positions > max_position_embeddings = " + capacity());
        }
    }

    NDArray[] pastKeys() {
        return length == 0 ? null : keys;
    }

    NDArray[] pastValues() {
        return length == 0 ? null : values;
    }

    /** Replaces every layer's keys and values by those of all P + added positions. */
    void update(NDArray[] newKeys, NDArray[] newValues, int added) {
        requireOpen();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = replace(keys[i], newKeys[i]);
            values[i] = replace(values[i], newValues[i]);
        }
        length += added;
    }

    private NDArray replace(NDArray old, NDArray next) {
        next.attach(manager);
        if (old != null && old != next) {
            old.close();
        }
        return next;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The BartCache is closed");
        }
    }
}
