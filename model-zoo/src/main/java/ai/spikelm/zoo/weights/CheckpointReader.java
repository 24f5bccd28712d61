package ai.spikelm.zoo.weights;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Read access to the named tensors of a checkpoint, whether one file or several shards.
 *
 * <p>Implementations validate the whole checkpoint when opened, so that the accessors below fail
 * only on a wrong name or after {@link #close()}. Tensors returned by {@link #get(String)} may be
 * views of memory-mapped files; they stay readable after the reader is closed.
 */
public interface CheckpointReader extends AutoCloseable {

    /**
     * Returns the tensor names.
     *
     * @return the names, unmodifiable, in the order the checkpoint lists them
     */
    Set<String> names();

    /**
     * Returns whether the checkpoint holds a tensor of that name.
     *
     * @param name the tensor name
     * @return true if {@link #get(String)} would find it
     */
    default boolean contains(String name) {
        return names().contains(name);
    }

    /**
     * Returns what the header says about a tensor, without touching its data.
     *
     * @param name the tensor name
     * @return the dtype, shape and offsets
     * @throws NoSuchElementException if there is no such tensor
     */
    TensorInfo info(String name);

    /**
     * Returns a tensor.
     *
     * @param name the tensor name
     * @return the tensor, a view of the file where possible
     * @throws NoSuchElementException if there is no such tensor
     * @throws IllegalStateException if the reader is closed
     * @throws UnsupportedOperationException if the tensor is too large for a {@link HostTensor}
     */
    HostTensor get(String name);

    /**
     * Returns the checkpoint's free-form string metadata.
     *
     * @return the metadata, unmodifiable, empty if there is none
     */
    Map<String, String> metadata();

    /**
     * Returns every tensor by name, in checkpoint order (views of the file where possible).
     *
     * @return name → tensor
     */
    default Map<String, HostTensor> tensors() {
        Map<String, HostTensor> out = new java.util.LinkedHashMap<>();
        for (String name : names()) {
            out.put(name, get(name));
        }
        return out;
    }

    /** Releases the reader; later calls to {@link #get(String)} fail. */
    @Override
    void close();
}
