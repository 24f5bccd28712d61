package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.neuron.SpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeCounts;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.util.Objects;

/**
 * A neuron followed by a full-precision affine map in the layout of GPT-2's {@code Conv1D}: y_t =
 * spikes(x)_t · W + b, with the weight stored {@code [in, out]} (parameter {@value #WEIGHT}), the
 * transpose of {@code nn.Linear}, and the bias {@code [out]} ({@value #BIAS}) added at every step.
 *
 * <p>This is {@link SpikingLinear} with the other weight layout, so that Hugging Face GPT-2 tensors
 * load and save as they are (no transposition at load or save time, and {@link
 * ai.spikelm.zoo.core.HfWeights} needs no special case). The neuron is the child {@value #NEURON}
 * ({@link ai.djl.nn.Blocks#identityBlock()} for a plain ANN layer); monitoring records the same
 * MACs and accumulates as {@link SpikingLinear}.
 */
public class SpikingConv1D extends AbstractBlock implements MonitoredBlock {

    /** Name of the weight parameter, {@code [in, out]}. */
    public static final String WEIGHT = SpikingLinear.WEIGHT;
    /** Name of the bias parameter, {@code [out]}. */
    public static final String BIAS = SpikingLinear.BIAS;
    /** Name of the neuron child block. */
    public static final String NEURON = SpikingLinear.NEURON;

    private static final byte VERSION = 1;

    private final long units;
    private final Block neuron;
    private final Parameter weight;
    private final Parameter bias;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the layer.
     *
     * @param units the number of output features
     * @param neuron the neuron that spikes the input
     */
    @SuppressWarnings("this-escape")
    public SpikingConv1D(long units, Block neuron) {
        super(VERSION);
        if (units < 1) {
            throw new IllegalArgumentException("units must be positive, got " + units);
        }
        this.units = units;
        this.neuron = addChildBlock(NEURON, Objects.requireNonNull(neuron, "neuron"));
        this.weight = addParameter(Parameter.builder().setName(WEIGHT).setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName(BIAS).setType(Parameter.Type.BIAS).build());
    }

    /**
     * Returns the neuron that spikes this layer's input.
     *
     * @return the neuron block
     */
    public Block getNeuron() {
        return neuron;
    }

    /**
     * Returns the number of output features.
     *
     * @return out
     */
    public long getUnits() {
        return units;
    }

    /**
     * Returns the weight {@code [in, out]}.
     *
     * @return the weight parameter
     */
    public Parameter getWeight() {
        return weight;
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        long inFeatures = input.getShape().get(input.getShape().dimension() - 1);
        if (weight.isInitialized() && weight.getArray().getShape().get(0) != inFeatures) {
            throw new IllegalArgumentException(
                    "SpikingConv1D expects "
                            + weight.getArray().getShape().get(0)
                            + " input features, got shape "
                            + input.getShape());
        }
        NDArray spikes = neuron.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray w = parameterStore.getValue(weight, input.getDevice(), training);
        NDArray b = parameterStore.getValue(bias, input.getDevice(), training);
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            record(site, spikes);
        }
        // The spikes come first: results live on the input's manager, never on the parameters'.
        return new NDList(spikes.matMul(w).add(b));
    }

    private void record(SpikeMonitor.Site site, NDArray spikes) {
        if (neuron instanceof SpikingNeuron) {
            long timeSteps = ((SpikingNeuron) neuron).getTimeSteps();
            long annMacs = spikes.size() / timeSteps * units;
            site.recordSynapticOps(annMacs, SpikeCounts.nonZero(spikes) * units);
        } else {
            long macs = spikes.size() * units;
            site.recordRealValuedMacs(macs, macs);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(units)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        neuron.initialize(manager, dataType, inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        weight.setShape(new Shape(in.get(in.dimension() - 1), units));
        bias.setShape(new Shape(units));
    }
}
