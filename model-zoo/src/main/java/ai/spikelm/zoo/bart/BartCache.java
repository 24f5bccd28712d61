package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.KeyValueCache;

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
public final class BartCache extends KeyValueCache {

    private final SpikeBartModel owner;
    private final BartEncoderOutput source;

    BartCache(SpikeBartModel owner, BartEncoderOutput source, NDManager parent) {
        super("BartCache", checkedLayers(owner, source), parent);
        this.owner = owner;
        this.source = source;
    }

    /** The decoder layer count, once the source is known to be this model's (before any allocation). */
    private static int checkedLayers(SpikeBartModel owner, BartEncoderOutput source) {
        if (source.owner() != owner) {
            throw new IllegalArgumentException("The BartEncoderOutput was encoded by another model");
        }
        return owner.getConfig().decoderLayers();
    }

    /**
     * Returns the most positions the cache can hold: {@code max_position_embeddings}.
     *
     * @return the capacity
     */
    @Override
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
        requireRoom(tokens, "Decoder positions exceeded", "max_position_embeddings");
    }

    NDArray[] pastKeys() {
        return allPastKeys();
    }

    NDArray[] pastValues() {
        return allPastValues();
    }

    /** Replaces every layer's keys and values by those of all P + added positions. */
    void update(NDArray[] newKeys, NDArray[] newValues, int added) {
        extend(newKeys, newValues, added);
    }
}
