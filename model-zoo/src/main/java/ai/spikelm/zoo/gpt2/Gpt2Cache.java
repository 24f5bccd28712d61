package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.KeyValueCache;

/**
 * The key/value cache of incremental decoding: for every layer, the spiked keys and values of all
 * positions seen so far, per time step, {@code [T, B, H, P, d]}.
 *
 * <p>No neuron state is cached: SpikeLM's neurons integrate over the T time steps of one position,
 * never across positions, so a new token's spikes depend on earlier tokens only through attention,
 * that is through these keys and values.
 *
 * <pre>{@code
 * try (Gpt2Cache cache = model.newCache(manager)) {
 *     NDArray logits = model.forward(ps, new NDList(promptIds), cache).get(0);  // [B, L, V]
 *     NDArray next = model.forward(ps, new NDList(nextId), cache).get(0);       // [B, 1, V]
 * }
 * }</pre>
 *
 * <p>The arrays live on the cache's own manager (a sub-manager of the one it was created with), so
 * closing the cache frees them; the model's manager is never used. A forward pass appends to the
 * cache only when it completes. The cache grows up to the model's context window {@code
 * n_positions}, in buffers with room for more positions (see {@link KeyValueCache}). A cache serves one
 * sequence batch at a time and is not thread-safe.
 */
public final class Gpt2Cache extends KeyValueCache {

    private final SpikeGpt2Model owner;
    private long batchSize = -1;

    Gpt2Cache(SpikeGpt2Model owner, NDManager parent) {
        super("Gpt2Cache", owner.getConfig().nLayer(), parent);
        this.owner = owner;
    }

    /**
     * Returns the most positions the cache can hold: the model's context window {@code n_positions}.
     *
     * @return the capacity
     */
    @Override
    public int capacity() {
        return owner.getConfig().nPositions();
    }

    /**
     * Returns the batch size of the cached sequences, or −1 while the cache is empty.
     *
     * @return B or −1
     */
    public long batchSize() {
        return batchSize;
    }

    /** Empties the cache (for example to start a new sequence), keeping it open. */
    @Override
    public void clear() {
        super.clear();
        batchSize = -1;
    }

    /** Checks that a forward pass of {@code tokens} new positions for {@code batch} sequences fits. */
    void check(SpikeGpt2Model model, long batch, long tokens) {
        requireOpen();
        if (model != owner) {
            throw new IllegalArgumentException("This Gpt2Cache was created by another model (use model.newCache)");
        }
        if (batchSize >= 0 && batch != batchSize) {
            throw new IllegalArgumentException(
                    "The cache holds " + batchSize + " sequence(s); got a batch of " + batch);
        }
        requireRoom(tokens, "Context window exceeded", "n_positions");
    }

    /** Returns (keys, values) of a layer, or an empty list while the cache is empty. */
    NDList past(int layer) {
        return layerPast(layer);
    }

    /** Replaces every layer's keys and values by those of all P + added positions. */
    void update(NDArray[] newKeys, NDArray[] newValues, long batch, int added) {
        extend(newKeys, newValues, added);
        batchSize = batch;
    }
}
