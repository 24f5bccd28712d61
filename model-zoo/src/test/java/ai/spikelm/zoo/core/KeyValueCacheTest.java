package ai.spikelm.zoo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Growing the cache in buffers with room gives exactly what concatenation gives, step after step,
 * across buffer reallocations, and a pass that is not adopted (as when it fails) changes nothing.
 */
class KeyValueCacheTest {

    /** The smallest concrete cache: one layer. */
    private static final class OneLayer extends KeyValueCache {
        OneLayer(NDManager parent) {
            super("OneLayer", 1, parent);
        }

        @Override
        public int capacity() {
            return 1000;
        }

        NDArray pastKeys() {
            return keys(0);
        }

        void adopt(NDArray k, NDArray v, int added) {
            extend(new NDArray[] {k}, new NDArray[] {v}, added);
        }
    }

    private static NDArray positions(NDManager manager, int from, int count) {
        // [T=2, B=1, H=2, count, d=3], every value names its position
        return manager.arange(from, from + count).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .reshape(1, 1, 1, count, 1).repeat(0, 2).repeat(2, 2).repeat(4, 3);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5}) // a prompt of one position (the first buffer's growth from length 1) or five
    void growsAsConcatenationWouldAndIgnoresPassesItDidNotAdopt(int prompt) {
        try (NDManager manager = NDManager.newBaseManager();
                OneLayer cache = new OneLayer(manager)) {
            NDArray expected = positions(manager, 0, prompt);
            cache.adopt(positions(manager, 0, prompt), positions(manager, 0, prompt), prompt); // plain arrays
            int length = prompt;
            for (int step = 0; step < 40; step++) { // across several buffers
                int added = step % 7 == 3 ? 3 : 1;
                if (step % 5 == 2) {
                    try (NDManager failed = manager.newSubManager()) { // written, never adopted
                        KeyValueCache.withPast(cache.pastKeys(), positions(failed, 9000, added).neg(), failed);
                    }
                }
                try (NDManager pass = manager.newSubManager()) {
                    NDArray k = KeyValueCache.withPast(cache.pastKeys(), positions(pass, length, added), pass);
                    NDArray v = KeyValueCache.withPast(cache.values(0), positions(pass, length, added), pass);
                    cache.adopt(k, v, added);
                }
                expected = NDArrays.concat(new ai.djl.ndarray.NDList(expected, positions(manager, length, added)), 3);
                length += added;
                assertEquals(length, cache.length());
                assertEquals(new Shape(2, 1, 2, length, 3), cache.pastKeys().getShape());
                assertArrayEquals(expected.toFloatArray(), cache.pastKeys().toFloatArray(), 0f, "step " + step);
                assertArrayEquals(expected.toFloatArray(), cache.values(0).toFloatArray(), 0f, "step " + step);
            }
            cache.clear();
            assertEquals(0, cache.length());
        }
    }

    @Test
    void refusesKeysOfAnotherShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray past = positions(manager, 0, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KeyValueCache.withPast(past, manager.zeros(new Shape(2, 1, 3, 1, 3)), manager));
            assertEquals(true, e.getMessage().contains("(2, 1, 2, 4, 3)"), e.getMessage());
        }
    }
}
