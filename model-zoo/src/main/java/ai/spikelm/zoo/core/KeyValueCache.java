package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A key/value cache for incremental decoding: for every layer, the spiked keys and values of all
 * positions seen so far, per time step, {@code [T, B, H, P, d]}.
 *
 * <p>This is what every causal self-attention cache shares (GPT-2's {@code Gpt2Cache}, the decoder
 * self-attention of BART's {@code BartCache}); the family caches extend it with what differs (which
 * model owns the cache, how the batch size is known, the capacity's config field) and expose the
 * protected operations to their model. The arrays live on the cache's own sub-manager so that
 * closing the cache frees them and never touches the model's manager. The cache is not thread-safe
 * and serves one sequence batch at a time.
 *
 * <p>Growth: the cached arrays are prefixes (views along the position axis) of buffers with room
 * for more positions, twice what they hold when allocated. A decoding step writes its keys and
 * values after the cached ones, in place, where concatenation would copy all P cached positions
 * of every layer for each new token (at P = 512 and T = 4, tens of MB per token); a full buffer is
 * copied once into one twice as large. Positions before P are never written again, so a pass that
 * fails leaves the cache as it was.
 */
public abstract class KeyValueCache implements AutoCloseable {

    /**
     * Cached arrays that are prefixes of a larger buffer, and that buffer. By identity: an NDArray's
     * {@code equals} compares contents. Entries leave when the cache replaces or frees an array;
     * those of failed passes when the next buffer is allocated.
     */
    private static final Map<NDArray, NDArray> BUFFERS = Collections.synchronizedMap(new IdentityHashMap<>());

    /** The fewest positions a new buffer holds. */
    private static final long MIN_POSITIONS = 16;

    private final String name;
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;
    private boolean closed;

    /**
     * Creates an empty cache.
     *
     * @param name the name of the family cache, for error messages (for example {@code Gpt2Cache})
     * @param layers the number of attention layers
     * @param parent the manager under which the cache makes its own sub-manager
     */
    protected KeyValueCache(String name, int layers, NDManager parent) {
        this.name = name;
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /**
     * Returns the number of cached positions P (the position of the next token).
     *
     * @return P
     */
    public final int length() {
        return length;
    }

    /**
     * Returns the most positions the cache can hold: the model's position limit.
     *
     * @return the capacity
     */
    public abstract int capacity();

    /**
     * Returns whether the cache has been closed.
     *
     * @return true once closed
     */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Returns the cached keys of a layer, {@code [T, B, H, P, d]}, or null while empty. The array
     * belongs to the cache: do not close it.
     *
     * @param layer the layer index
     * @return the keys
     * @throws IllegalStateException if the cache is closed
     */
    public final NDArray keys(int layer) {
        requireOpen();
        return keys[layer];
    }

    /**
     * Returns the cached values of a layer, {@code [T, B, H, P, d]}, or null while empty. The array
     * belongs to the cache: do not close it.
     *
     * @param layer the layer index
     * @return the values
     * @throws IllegalStateException if the cache is closed
     */
    public final NDArray values(int layer) {
        requireOpen();
        return values[layer];
    }

    /**
     * Returns the past (keys, values) of a layer as extra attention inputs, or an empty list while
     * the cache is empty (an attention block then sees no past, as without a cache).
     *
     * @param layer the layer index
     * @return (keys, values) or an empty list
     */
    protected final NDList layerPast(int layer) {
        return length == 0 ? new NDList() : new NDList(keys[layer], values[layer]);
    }

    /**
     * Returns the keys of every layer, or null while the cache is empty. The array is the cache's own:
     * do not modify it.
     *
     * @return the per-layer keys, or null
     */
    protected final NDArray[] allPastKeys() {
        return length == 0 ? null : keys;
    }

    /**
     * Returns the values of every layer, or null while the cache is empty. The array is the cache's
     * own: do not modify it.
     *
     * @return the per-layer values, or null
     */
    protected final NDArray[] allPastValues() {
        return length == 0 ? null : values;
    }

    /**
     * Checks that {@code tokens} new positions fit into {@link #capacity()}.
     *
     * @param tokens the number of positions a pass would add
     * @param problem the start of the error message (for example {@code Context window exceeded})
     * @param field the config field the capacity comes from (for example {@code n_positions})
     * @throws IllegalArgumentException if P + tokens exceeds the capacity
     */
    protected final void requireRoom(long tokens, String problem, String field) {
        if (length + tokens > capacity()) {
            throw new IllegalArgumentException(
                    problem + ": " + length + " cached + " + tokens + " new positions > " + field + " = " + capacity());
        }
    }

    /**
     * Replaces every layer's keys and values by those of all P + added positions (what the attention
     * layers returned for a completed pass) and moves them onto the cache's manager.
     *
     * @param newKeys per layer the keys of all positions
     * @param newValues per layer the values of all positions
     * @param added the number of positions the pass added
     * @throws IllegalStateException if the cache is closed
     */
    protected final void extend(NDArray[] newKeys, NDArray[] newValues, int added) {
        requireOpen();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = replace(keys[i], newKeys[i]);
            values[i] = replace(values[i], newValues[i]);
        }
        length += added;
    }

    /**
     * Empties the cache (for example to start a new sequence), keeping it open.
     *
     * @throws IllegalStateException if the cache is closed
     */
    public void clear() {
        requireOpen();
        for (int i = 0; i < keys.length; i++) {
            closeWithBuffer(keys[i]);
            closeWithBuffer(values[i]);
            keys[i] = null;
            values[i] = null;
        }
        length = 0;
    }

    /** Frees the cached arrays. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    /**
     * Throws if the cache has been closed.
     *
     * @throws IllegalStateException if the cache is closed
     */
    protected final void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The " + name + " is closed");
        }
    }

    /**
     * The attention step of cached decoding: the past and the new positions' keys (or values)
     * along the position axis 3 of {@code [T, B, H, P, d]}, as one array. The new positions are
     * written after the past in its buffer when it has room (see the class comment), else both go
     * into a new buffer twice as large. The result is attached to the caller's manager, not the
     * cache's, so that a pass that fails leaves the cache as it was; {@link #extend} adopts it once
     * the pass completes.
     *
     * @param past the cached keys or values {@code [T, B, H, P, d]}
     * @param current the new positions' keys or values {@code [T, B, H, L, d]}
     * @param manager the manager of the current pass
     * @return {@code [T, B, H, P + L, d]}, a view of a buffer with room for more positions
     */
    public static NDArray withPast(NDArray past, NDArray current, NDManager manager) {
        Shape ps = past.getShape();
        Shape cs = current.getShape();
        if (ps.dimension() != 5 || cs.dimension() != 5 || !ps.slice(0, 3).equals(cs.slice(0, 3)) || ps.get(4) != cs.get(4)) {
            throw new IllegalArgumentException("Cached " + ps + " and new " + cs + " keys or values do not fit together");
        }
        long p = ps.get(3);
        long total = p + cs.get(3);
        NDArray buffer = BUFFERS.get(past);
        if (buffer == null || buffer.isReleased() || buffer.getShape().get(3) < total
                || buffer.getDataType() != current.getDataType()) {
            synchronized (BUFFERS) {
                BUFFERS.entrySet().removeIf(e -> e.getKey().isReleased() || e.getValue().isReleased());
            }
            Shape room = new Shape(ps.get(0), ps.get(1), ps.get(2), Math.max(MIN_POSITIONS, 2 * total), ps.get(4));
            buffer = manager.create(room, current.getDataType());
            buffer.set(new NDIndex(":, :, :, :{}", p), past);
        }
        buffer.set(new NDIndex(":, :, :, {}:{}", p, total), current);
        NDArray all = buffer.get(new NDIndex(":, :, :, :{}", total));
        all.attach(manager);
        BUFFERS.put(all, buffer);
        return all;
    }

    /** Adopts the arrays of a completed pass (and their buffer); frees the old ones (and theirs). */
    private NDArray replace(NDArray old, NDArray next) {
        next.attach(manager);
        NDArray buffer = BUFFERS.get(next);
        if (buffer != null) {
            buffer.attach(manager);
        }
        if (old != null && old != next) {
            NDArray oldBuffer = BUFFERS.remove(old);
            if (oldBuffer != null && oldBuffer != buffer) {
                oldBuffer.close();
            }
            old.close();
        }
        return next;
    }

    /** Closes a cached array and the buffer it is a prefix of. */
    private static void closeWithBuffer(NDArray array) {
        if (array != null) {
            NDArray buffer = BUFFERS.remove(array);
            if (buffer != null) {
                buffer.close();
            }
            array.close();
        }
    }
}
