package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.core.TrainableModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model in inference mode over batches and returns its outputs as Java arrays, for
 * evaluation. Every array lives in a manager that closes after its batch, the model's parameters
 * included (see {@link ParameterScope}), so nothing accumulates over an evaluation.
 */
public final class Predictions {

    private Predictions() {}

    /**
     * Returns the first output of the model for each example: the logits of a classifier ({@code
     * num_labels} values, one for regression).
     *
     * @param model the model
     * @param batches the batches (labels are ignored)
     * @return one row per example, in batch order
     */
    public static float[][] logits(TrainableModel model, Iterable<TrainingBatch> batches) {
        List<NDArray> arrays = ParameterScope.arrays(model);
        if (arrays.isEmpty()) {
            throw new IllegalStateException("The model is not initialized");
        }
        List<float[]> rows = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager(arrays.get(0).getDevice())) {
            for (TrainingBatch batch : batches) {
                try (NDManager manager = base.newSubManager()) {
                    ParameterScope.lend(arrays, manager);
                    NDList out = model.forward(new ParameterStore(manager, false), model.inputs(batch.inputs(), manager), false);
                    NDArray first = out.get(0).reshape(batch.size(), -1);
                    long width = first.getShape().get(1);
                    float[] flat = first.toFloatArray();
                    for (int i = 0; i < batch.size(); i++) {
                        float[] row = new float[(int) width];
                        System.arraycopy(flat, (int) (i * width), row, 0, (int) width);
                        rows.add(row);
                    }
                }
            }
        }
        return rows.toArray(new float[0][]);
    }
}
