package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What family-agnostic code needs from a model of any family: the inputs its forward pass takes from
 * a tokenized batch (training, calibration, energy measurement), its checkpoint in Hugging Face
 * layout (to write best/last checkpoints and to resume from them), and what it is (architecture,
 * sizes, SpikeLM settings). Every family's pre-trained base class implements it; what the model's
 * forward pass returns is told by the kind interfaces of {@link ai.spikelm.zoo.family}.
 */
public interface TrainableModel extends Block {

    /**
     * Returns the Hugging Face architecture name written to {@code config.json}.
     *
     * @return for example {@code BertModel} or {@code GPT2LMHeadModel}
     */
    String architecture();

    /**
     * Returns the model's sizes.
     *
     * @return the shape
     */
    ModelShape shape();

    /**
     * Returns the SpikeLM settings the model runs with.
     *
     * @return the settings ({@link SpikingConfig#ANN} for a plain transformer)
     */
    SpikingConfig spiking();

    /**
     * Creates the arrays this model's forward pass takes from a tokenized batch.
     *
     * @param batch the batch
     * @param manager the manager that will own the arrays
     * @return the model inputs, in the order its forward pass reads them
     */
    NDList inputs(EncodedBatch batch, NDManager manager);

    /**
     * Loads a checkpoint of this very architecture (as written by {@link #save}), strictly: a
     * missing, unexpected or mis-shaped tensor is an error.
     *
     * @param checkpoint tensors by Hugging Face name
     * @throws WeightsMismatchException if the checkpoint does not fit the model
     */
    void loadWeights(Map<String, HostTensor> checkpoint);

    /**
     * Writes the model in Hugging Face layout ({@code config.json}, {@code model.safetensors}).
     *
     * @param dir the directory, created if needed
     * @throws IOException if it cannot be written
     */
    void save(Path dir) throws IOException;
}
