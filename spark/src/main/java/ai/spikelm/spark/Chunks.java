package ai.spikelm.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Streams an iterator in chunks, so a partition is never held in memory whole. */
final class Chunks {

    private Chunks() {}

    /**
     * Maps each chunk of at most {@code size} elements to outputs, lazily: a chunk is read and
     * mapped only when the previous chunk's outputs are used up.
     *
     * @param input the elements
     * @param size the chunk size, at least 1
     * @param mapper turns a chunk into its outputs
     * @param <T> the element type
     * @param <R> the output type
     * @return the outputs, chunk after chunk
     */
    static <T, R> Iterator<R> flatMap(Iterator<T> input, int size, Function<List<T>, List<R>> mapper) {
        return new Iterator<>() {
            private Iterator<R> current = List.<R>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && input.hasNext()) {
                    List<T> chunk = new ArrayList<>(size);
                    while (chunk.size() < size && input.hasNext()) {
                        chunk.add(input.next());
                    }
                    current = mapper.apply(chunk).iterator();
                }
                return current.hasNext();
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
