package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Small helpers to run a block on a [T, n] input in tests. */
final class NeuronFixture {

    private NeuronFixture() {}

    /** Creates a [T, n] array from per-step rows. */
    static NDArray steps(NDManager manager, float[][] rows) {
        int n = rows[0].length;
        float[] flat = new float[rows.length * n];
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(rows[t], 0, flat, t * n, n);
        }
        return manager.create(flat, new Shape(rows.length, n));
    }

    static void initialize(Block block, NDManager manager, Shape inputShape) {
        block.initialize(manager, DataType.FLOAT32, inputShape);
    }

    static NDArray forward(Block block, NDManager manager, NDArray input, boolean training) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), training)
                .singletonOrThrow();
    }

    /** Row t of a [T, n] result as floats. */
    static float[] row(NDArray result, int t) {
        return result.get(t).toFloatArray();
    }
}
