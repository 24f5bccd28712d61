package ai.spikelm.zoo.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * Supplies the training batches of each epoch.
 *
 * <p>The trainer passes a {@link Random} seeded from the run's seed and the epoch number; a source
 * that draws its order only from it gives the same batches whenever the epoch is replayed, which
 * is what makes runs repeatable and resumable.
 */
@FunctionalInterface
public interface BatchSource {

    /**
     * Returns the batches of one epoch.
     *
     * @param epoch the epoch, from 0
     * @param random the epoch's random source, for shuffling
     * @return the batches, in training order
     */
    Iterable<TrainingBatch> epoch(int epoch, Random random);

    /**
     * Returns the number of batches per epoch, if known.
     *
     * @return the count, or -1 when unknown
     */
    default int batchesPerEpoch() {
        return -1;
    }

    /**
     * Returns a source that reshuffles a list of examples every epoch and groups them into batches
     * (the last one smaller if the size does not divide).
     *
     * @param examples the examples
     * @param batchSize the examples per batch, positive
     * @param collate turns a group of examples into a batch (for example by tokenising)
     * @param <E> the example type
     * @return the source
     */
    static <E> BatchSource shuffled(List<E> examples, int batchSize, Function<List<E>, TrainingBatch> collate) {
        Objects.requireNonNull(collate, "collate");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples");
        }
        List<E> copy = List.copyOf(examples);
        int batches = (copy.size() + batchSize - 1) / batchSize;
        return new BatchSource() {
            @Override
            public Iterable<TrainingBatch> epoch(int epoch, Random random) {
                List<E> order = new ArrayList<>(copy);
                Collections.shuffle(order, random);
                // Collated lazily, so a large epoch is never tokenised all at once.
                return () ->
                        new java.util.Iterator<>() {
                            private int next;

                            @Override
                            public boolean hasNext() {
                                return next < batches;
                            }

                            @Override
                            public TrainingBatch next() {
                                if (!hasNext()) {
                                    throw new java.util.NoSuchElementException();
                                }
                                int from = next++ * batchSize;
                                return collate.apply(order.subList(from, Math.min(from + batchSize, order.size())));
                            }
                        };
            }

            @Override
            public int batchesPerEpoch() {
                return batches;
            }
        };
    }
}
