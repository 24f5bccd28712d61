package ai.spikelm.ops.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.BlockPaths;
import ai.spikelm.ops.kernel.NativeKernels;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.neuron.SpikingNeuron;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeCounts;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.util.Objects;

/**
 * A neuron followed by a full-precision linear map: y_t = W·spikes(x)_t + b at every time step,
 * optionally passed through an {@link Activation}.
 *
 * <p>The weight is {@code [out, in]} as in Hugging Face's {@code nn.Linear} (parameter {@value
 * #WEIGHT}), or {@code [in, out]} as in GPT-2's {@code Conv1D} with {@link WeightLayout#IN_OUT},
 * and the bias {@code [out]} ({@value #BIAS}), added at every step. The neuron is a child
 * block named {@value #NEURON}: an {@link ai.spikelm.ops.neuron.ElasticBiSpikingNeuron} for
 * SpikeLM, a {@link ai.spikelm.ops.neuron.LifNeuron} for the LIF baseline, or {@link
 * Blocks#identityBlock()} to run the same layer as a plain ANN linear.
 *
 * <p>At inference ({@code training = false}) the product runs in {@link NativeKernels#linear}
 * where that is available, else as the engine's {@code linear}; a native product leaves the
 * autograd graph, as the neurons' one-pass spikes do.
 *
 * <p>When monitored it records, for a spiking neuron, the MACs of the equivalent ANN layer and the
 * accumulates its non-zero spikes trigger (each triggers one per output unit); for a non-spiking
 * neuron, real-valued MACs.
 */
public class SpikingLinear extends AbstractBlock implements MonitoredBlock {

    /** How the weight is stored. */
    public enum WeightLayout {
        /** {@code [out, in]}, as {@code nn.Linear} (BERT, BART); y = x·Wᵀ + b. */
        OUT_IN,
        /** {@code [in, out]}, as GPT-2's {@code Conv1D}; y = x·W + b. */
        IN_OUT
    }

    /** What the layer's outputs pass through. */
    public enum Activation {
        /** Nothing: y = W·s + b. */
        NONE,
        /**
         * GELU with the exact Gaussian CDF (erf): y = GELU(W·s + b). At inference the native product
         * applies it to each output as it is finished, instead of in another pass over memory.
         */
        GELU
    }

    /**
     * How a spiking layer multiplies its spikes by its weight at inference. Training always takes
     * the dense, exact product.
     */
    public enum SpikeProduct {
        /** Dense float32 products ({@link NativeKernels#linear} or the engine's): the reference. */
        DENSE,
        /**
         * Only the weight rows of nonzero spikes are added ({@link NativeKernels#spikeEvents}):
         * exact up to the order of the additions; AVX2.
         */
        EVENTS,
        /**
         * {@link #EVENTS}, and a token's step t &gt; 0 starts from its step t − 1 and adds the
         * weight rows of the spikes that changed, when fewer changed than are nonzero.
         */
        EVENT_DELTAS,
        /** Ternary spikes times int8 weights: <b>lossy</b>, labelled ({@link NativeKernels.Int8Weights}); AVX-512 VNNI. */
        INT8
    }

    /** Name of the weight parameter. */
    public static final String WEIGHT = "weight";
    /** Name of the bias parameter. */
    public static final String BIAS = "bias";
    /** Name of the neuron child block. */
    public static final String NEURON = "neuron";

    private static final byte VERSION = 1;

    private final long units;
    private final WeightLayout layout;
    private final Activation activation;
    private final Block neuron;
    private final Parameter weight;
    private final Parameter bias;
    private volatile SpikeMonitor.Site monitor;
    /** The product other than {@link SpikeProduct#DENSE} and its weight snapshot, or null. */
    private volatile ProductWeights product;

    private record ProductWeights(SpikeProduct kind, NativeKernels.Int8Weights int8, NativeKernels.EventWeights events) {}

    /**
     * Creates the layer from its builder's settings.
     *
     * @param builder the settings
     */
    @SuppressWarnings("this-escape")
    protected SpikingLinear(Builder builder) {
        super(VERSION);
        this.units = builder.units;
        this.layout = builder.layout;
        this.activation = builder.activation;
        this.neuron = addChildBlock(NEURON, builder.neuron);
        this.weight =
                addParameter(
                        Parameter.builder().setName(WEIGHT).setType(Parameter.Type.WEIGHT).build());
        this.bias =
                builder.bias
                        ? addParameter(
                                Parameter.builder()
                                        .setName(BIAS)
                                        .setType(Parameter.Type.BIAS)
                                        .build())
                        : null;
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
     * Returns the number of output units.
     *
     * @return out
     */
    public long getUnits() {
        return units;
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /**
     * Returns whether a monitor records this layer's products (a caller that would compute them
     * another way must then let the layer run).
     *
     * @return true while a monitor is attached
     */
    public boolean isMonitored() {
        return monitor != null;
    }

    /**
     * Returns the weight parameter ({@code [units, in]} or, for {@code IN_OUT}, {@code [in, units]}).
     *
     * @return the weight
     */
    public Parameter getWeight() {
        return weight;
    }

    /**
     * Returns the bias parameter.
     *
     * @return the bias, or null for a layer without one
     */
    public Parameter getBias() {
        return bias;
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
        int inAxis = layout == WeightLayout.OUT_IN ? 1 : 0;
        if (weight.isInitialized() && weight.getArray().getShape().get(inAxis) != inFeatures) {
            throw new IllegalArgumentException(
                    "SpikingLinear expects "
                            + weight.getArray().getShape().get(inAxis)
                            + " input features, got shape "
                            + input.getShape());
        }
        NDArray spikes = neuron.forward(parameterStore, inputs, training, params).singletonOrThrow();
        return new NDList(project(parameterStore, spikes, training));
    }

    /**
     * Applies only the linear map to spikes already emitted by an equal neuron (see {@link
     * ai.spikelm.ops.neuron.AbstractElasticSpikingBlock#sameSpikesAs}), so that layers sharing an
     * input need to spike it once.
     *
     * @param parameterStore the parameter store
     * @param spikes the spikes {@code [T, ..., in]}
     * @param training whether this is a training pass
     * @return W·spikes + b, through the layer's activation
     */
    public NDArray project(ParameterStore parameterStore, NDArray spikes, boolean training) {
        NDArray w = parameterStore.getValue(weight, spikes.getDevice(), training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, spikes.getDevice(), training);
        ProductWeights special = product;
        if (training) {
            product = null; // the weights are about to change: the snapshot would go stale
        }
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            record(site, spikes);
        }
        if (!training && special != null && spikes.getShape().dimension() >= 2) {
            NDArray y = specialProduct(special, spikes, b);
            if (y != null) {
                return y;
            }
        }
        if (!training && NativeKernels.supportsDense(spikes, w, b)) {
            // Inference: the native product, outside autograd (see NativeKernels#linear).
            return NativeKernels.linear(spikes, w, b, layout == WeightLayout.OUT_IN, activation == Activation.GELU);
        }
        NDArray y;
        if (layout == WeightLayout.IN_OUT) {
            // The spikes come first: results live on the input's manager, never the parameters'.
            y = spikes.matMul(w);
            y = b == null ? y : y.add(b);
        } else {
            y = Linear.linear(spikes, w, b).singletonOrThrow();
        }
        return activation == Activation.GELU ? ai.djl.nn.Activation.gelu(y) : y;
    }

    /** The product of a snapshot, or null where it does not apply (then the dense product runs). */
    private NDArray specialProduct(ProductWeights special, NDArray spikes, NDArray b) {
        boolean gelu = activation == Activation.GELU;
        if (special.int8() != null && NativeKernels.supportsDense(spikes, b)) {
            float[] alpha = ((AbstractElasticSpikingBlock) neuron).getAmplitudes();
            return NativeKernels.ternaryInt8(spikes, alpha, special.int8(), b, gelu);
        }
        if (special.events() != null && NativeKernels.supportsEvents(spikes, b)) {
            // Null for rows that are not spikes (another neuron's output in a custom model).
            return NativeKernels.spikeEvents(spikes, special.events(), b, gelu, special.kind() == SpikeProduct.EVENT_DELTAS);
        }
        return null;
    }

    /**
     * Chooses how this layer's spiking inference multiplies spikes by the weight. Every product but
     * {@link SpikeProduct#DENSE} works from a snapshot of the weight taken now, which a training
     * pass drops (training always uses the exact weights) and which does not follow later changes;
     * call again after changing the weight. Only spiking layers (an elastic spiking neuron,
     * calibrated for {@link SpikeProduct#INT8}) switch, and only where the product runs here.
     *
     * @param kind the product
     * @return whether the layer now uses it ({@link SpikeProduct#DENSE} always succeeds)
     */
    public boolean useSpikeProduct(SpikeProduct kind) {
        product = null;
        if (kind == SpikeProduct.DENSE || !(neuron instanceof AbstractElasticSpikingBlock)) {
            return kind == SpikeProduct.DENSE;
        }
        boolean outIn = layout == WeightLayout.OUT_IN;
        if (kind == SpikeProduct.INT8) {
            if (!NativeKernels.isInt8Available() || !((AbstractElasticSpikingBlock) neuron).isCalibrated()) {
                return false;
            }
            product = new ProductWeights(kind, NativeKernels.Int8Weights.quantize(weight.getArray(), outIn), null);
            return true;
        }
        NativeKernels.EventWeights events =
                NativeKernels.isEventsAvailable() ? NativeKernels.EventWeights.of(weight.getArray(), outIn) : null;
        if (events == null) {
            return false;
        }
        product = new ProductWeights(kind, null, events);
        return true;
    }

    /**
     * Returns the product this layer's spiking inference uses now.
     *
     * @return {@link SpikeProduct#DENSE} unless {@link #useSpikeProduct} switched it and no training
     *     pass ran since
     */
    public SpikeProduct getSpikeProduct() {
        ProductWeights current = product;
        return current == null ? SpikeProduct.DENSE : current.kind();
    }

    /**
     * Chooses the product of every spiking layer under a block ({@link #useSpikeProduct}).
     *
     * @param model the model
     * @param kind the product
     * @return the number of spiking layers that now use it
     */
    public static int useSpikeProduct(Block model, SpikeProduct kind) {
        int[] count = {0};
        BlockPaths.walk(model, (path, block) -> {
            if (block instanceof SpikingLinear
                    && ((SpikingLinear) block).getNeuron() instanceof AbstractElasticSpikingBlock
                    && ((SpikingLinear) block).useSpikeProduct(kind)) {
                count[0]++;
            }
        });
        return count[0];
    }

    private void record(SpikeMonitor.Site site, NDArray spikes) {
        long fanOut = units;
        if (neuron instanceof SpikingNeuron) {
            long timeSteps = ((SpikingNeuron) neuron).getTimeSteps();
            long annMacs = spikes.size() / timeSteps * fanOut;
            long nonZero = SpikeCounts.nonZero(spikes);
            site.recordSynapticOps(annMacs, nonZero * fanOut);
            if (timeSteps > 1) {
                site.recordStepChanges(spikes.size() / timeSteps * (timeSteps - 1), SpikeCounts.changedBetweenSteps(spikes));
            }
        } else {
            long macs = spikes.size() * fanOut;
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
        long inFeatures = in.get(in.dimension() - 1);
        weight.setShape(layout == WeightLayout.OUT_IN ? new Shape(units, inFeatures) : new Shape(inFeatures, units));
        if (bias != null) {
            bias.setShape(new Shape(units));
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikingLinear}. */
    public static final class Builder {
        private long units;
        private Block neuron;
        private boolean bias = true;
        private WeightLayout layout = WeightLayout.OUT_IN;
        private Activation activation = Activation.NONE;

        Builder() {}

        /**
         * Sets the number of output units (required).
         *
         * @param units out
         * @return this builder
         */
        public Builder setUnits(long units) {
            if (units < 1) {
                throw new IllegalArgumentException("units must be positive, got " + units);
            }
            this.units = units;
            return this;
        }

        /**
         * Sets the neuron that spikes the input (required; {@link Blocks#identityBlock()} for an
         * ANN layer).
         *
         * @param neuron the neuron
         * @return this builder
         */
        public Builder setNeuron(Block neuron) {
            this.neuron = Objects.requireNonNull(neuron, "neuron");
            return this;
        }

        /**
         * Sets how the weight is stored (default {@link WeightLayout#OUT_IN}, as {@code nn.Linear};
         * {@link WeightLayout#IN_OUT} loads GPT-2's {@code Conv1D} tensors as they are).
         *
         * @param layout the layout
         * @return this builder
         */
        public Builder optWeightLayout(WeightLayout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        /**
         * Sets what the outputs pass through (default {@link Activation#NONE}).
         *
         * @param activation the activation
         * @return this builder
         */
        public Builder optActivation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /**
         * Sets whether the layer has a bias (default true).
         *
         * @param bias true for a bias
         * @return this builder
         */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         * @throws IllegalArgumentException if units or neuron is missing
         */
        public SpikingLinear build() {
            if (units < 1) {
                throw new IllegalArgumentException("SpikingLinear needs setUnits(...)");
            }
            if (neuron == null) {
                throw new IllegalArgumentException("SpikingLinear needs setNeuron(...)");
            }
            return new SpikingLinear(this);
        }
    }
}
