package ai.spikelm.ops.neuron;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeCounts;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Common ground of the blocks that emit elastic ternary spikes α_t·s_t over T time steps: the
 * per-step amplitude α (a {@link Parameter} named {@value #AMPLITUDE}, shape [T]), its calibration
 * on the first batch, the explicit calibrated state, input checks and spike statistics.
 *
 * <p>Subclasses define only how the membrane u_t is formed ({@link #membrane}).
 *
 * <p>Calibration: while uncalibrated, a forward pass computes α_t from u_t with the configured
 * {@link AmplitudeCalibration}, floored at {@link AmplitudeCalibration#MIN_AMPLITUDE}, uses it at
 * once, stores it and marks the block calibrated. By default the rule sees every element of that
 * first batch, padding included; under a {@link SpikeCalibrator} it sees only the real positions
 * the calibrator names. The calibrated state is saved with the
 * parameters ({@link #saveMetadata}) and can be set with {@link #setAmplitudes(float[])}. By
 * default α is frozen afterwards; with {@code optLearnableAmplitude(true)} it receives the LSQ
 * gradient (see {@link ElasticSpike}). Note that {@code freezeParameters(false)} on a whole model
 * unfreezes α as well.
 *
 * <p>A calibrated block in training takes a leaner path than the generic one, with the same values
 * and gradients (for a learnable α, up to the order in which its gradient is summed): one scope
 * per call rather than one per step, every step spiked at once where the membrane is the input
 * (the quantiser, or T = 1), and otherwise one split of the input into steps instead of a
 * selection per step.
 */
public abstract class AbstractElasticSpikingBlock extends AbstractBlock
        implements SpikingNeuron, MonitoredBlock {

    /** The name of the amplitude parameter. */
    public static final String AMPLITUDE = "alpha";

    private static final byte VERSION = 1;

    private final int timeSteps;
    private final AmplitudeCalibration calibration;
    private final boolean learnableAmplitude;
    private final boolean validateInput;
    private Parameter amplitude;
    private final Object calibrationLock = new Object();
    private volatile boolean calibrated;
    private volatile SpikeMonitor.Site monitor;
    private volatile SpikeCalibrator.Request calibrationRequest;
    private volatile TrainingSpikes trainingSpikes;

    /**
     * Creates the block from its builder's settings.
     *
     * @param builder the settings
     */
    @SuppressWarnings("this-escape")
    protected AbstractElasticSpikingBlock(BaseBuilder<?> builder) {
        super(VERSION);
        this.timeSteps = NeuronSupport.requireTimeSteps(builder.timeSteps);
        this.calibration = builder.calibration;
        this.learnableAmplitude = builder.learnableAmplitude;
        this.validateInput = builder.validateInput;
        this.amplitude =
                addParameter(
                        Parameter.builder()
                                .setName(AMPLITUDE)
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape(timeSteps))
                                .optInitializer(new ConstantInitializer(1f))
                                .optRequiresGrad(learnableAmplitude)
                                .build());
    }

    /**
     * Forms the membrane potential u_t of step {@code t}.
     *
     * @param t the time step
     * @param input x_t
     * @param previous the state of step t − 1, or {@code null} at t = 0
     * @return u_t
     */
    protected abstract NDArray membrane(int t, NDArray input, Step previous);

    /**
     * Runs calibrated inference with {@link InferenceSpikes}: the same spikes as the generic path,
     * with far fewer allocations and passes over memory. Only the neurons of this package know
     * their dynamics well enough to do this; the default (and any subclass that redefines {@link
     * #membrane}) takes the generic path.
     *
     * @param input {@code [T, ...]} float32
     * @param alpha α_0 … α_{T−1}
     * @param owned whether the caller gave up the input ({@link SpikingNeuron#INPUT_OWNED}), so
     *     that it may be overwritten; otherwise it is not modified
     * @return the spikes, or {@code null} to take the generic path (dynamics this method does not
     *     know)
     */
    NDArray infer(NDArray input, float[] alpha, boolean owned) {
        return null;
    }

    /**
     * Returns whether u_t = x_t at every step, so that all steps can be spiked at once: true for
     * the single-step quantiser at any T and for the elastic neuron at T = 1, false for a subclass
     * that may redefine {@link #membrane}.
     *
     * @return true if the membrane is the input
     */
    boolean membraneIsInput() {
        return false;
    }

    /** {@inheritDoc} */
    @Override
    public int getTimeSteps() {
        return timeSteps;
    }

    /**
     * Returns whether α has been calibrated (or set).
     *
     * @return the calibrated state
     */
    public boolean isCalibrated() {
        return calibrated;
    }

    /**
     * Returns whether α learns with the LSQ gradient.
     *
     * @return true if α is learnable
     */
    public boolean isLearnableAmplitude() {
        return learnableAmplitude;
    }

    /**
     * Returns whether this block emits exactly the spikes {@code other} emits on the same input:
     * same kind, same dynamics, both calibrated with equal amplitudes, and no monitor attached (each
     * site keeps its own statistics). Three projections of one input (SpikeLM's Q, K and V,
     * calibrated by k·mean|x| on the same x) then need one neuron, not three.
     *
     * <p>For training, both must also have frozen α: the straight-through gradient of equal spikes
     * is then the same window on the same membrane, so one neuron whose spikes feed all three
     * projections passes back the sum of what the three would pass back (up to the order of the
     * additions). A learnable α is a parameter of its own site, with a gradient of its own.
     *
     * @param other another block
     * @param training whether the spikes are for a training pass
     * @return true if the spikes are interchangeable
     */
    public boolean sameSpikesAs(AbstractElasticSpikingBlock other, boolean training) {
        return other.getClass() == getClass()
                && sameDynamics(other)
                && calibrated
                && other.calibrated
                && monitor == null
                && other.monitor == null
                && (!training || (!learnableAmplitude && !other.learnableAmplitude) || sharesAmplitudeWith(other))
                && Arrays.equals(getAmplitudes(), other.getAmplitudes());
    }

    /**
     * Makes this block use {@code leader}'s amplitude parameter instead of its own, so that both
     * always have the same α: one parameter, one gradient, one optimizer state. Sites that see the
     * same input (SpikeLM's Q, K and V) then keep emitting the same spikes while α learns, and a
     * training pass spikes once for all of them ({@link #sameSpikesAs}). Each block keeps its own
     * calibrated flag, and a checkpoint still holds one α per site (equal values).
     *
     * <p>Both blocks should calibrate by the same rule on the same input: each calibrating pass
     * writes the one α.
     *
     * @param leader a block of the same class, dynamics and learnability
     * @throws IllegalArgumentException if the blocks differ in any of these
     */
    public void shareAmplitudeOf(AbstractElasticSpikingBlock leader) {
        if (leader == this) {
            return;
        }
        if (leader.getClass() != getClass() || !sameDynamics(leader) || leader.learnableAmplitude != learnableAmplitude) {
            throw new IllegalArgumentException(
                    "Only blocks of the same kind, dynamics and learnability can share α: " + this + " and " + leader);
        }
        amplitude = leader.amplitude;
        parameters.put(AMPLITUDE, amplitude);
    }

    /**
     * Returns whether this block and {@code other} use one amplitude parameter ({@link
     * #shareAmplitudeOf}).
     *
     * @param other another block
     * @return true if α is the same parameter
     */
    public boolean sharesAmplitudeWith(AbstractElasticSpikingBlock other) {
        return amplitude == other.amplitude;
    }

    /**
     * Returns whether the membrane dynamics equal another block's of the same class.
     *
     * @param other a block of this class
     * @return true if the dynamics are equal
     */
    protected boolean sameDynamics(AbstractElasticSpikingBlock other) {
        return timeSteps == other.timeSteps;
    }

    /**
     * Starts or stops counting the spikes of training passes, for {@link #takeTrainingSpikes}. Off
     * by default: counting costs a pass over the spikes.
     *
     * @param on whether to count
     */
    public void setTrainingSpikeCounting(boolean on) {
        trainingSpikes = on ? new TrainingSpikes(timeSteps) : null;
    }

    /**
     * Returns the spikes counted over the training passes since the last call (or since counting
     * started), and starts counting afresh.
     *
     * @return the counts, or {@code null} if no training pass was counted
     * @throws IllegalStateException if counting is off
     */
    public SpikeTally takeTrainingSpikes() {
        TrainingSpikes counts = trainingSpikes;
        if (counts == null) {
            throw new IllegalStateException("Training spikes are not counted: call setTrainingSpikeCounting(true) first");
        }
        return counts.take();
    }

    /**
     * Spikes counted over some passes.
     *
     * @param nonZeroPerStep non-zero spikes at each time step
     * @param elementsPerStep elements spiked at each time step
     */
    public record SpikeTally(long[] nonZeroPerStep, long elementsPerStep) {

        /**
         * Returns the non-zero spikes of all time steps.
         *
         * @return the sum over steps
         */
        public long nonZero() {
            return Arrays.stream(nonZeroPerStep).sum();
        }

        /**
         * Returns the elements spiked at all time steps.
         *
         * @return elements per step times T
         */
        public long elements() {
            return elementsPerStep * nonZeroPerStep.length;
        }
    }

    /** Forgets the calibration: the next forward pass calibrates α again. */
    public void resetCalibration() {
        calibrated = false;
    }

    /**
     * Forgets the calibration and has the next calibrating pass weigh u by the request's positions
     * (or, with {@code null}, return to weighing every element).
     */
    void requestCalibration(SpikeCalibrator.Request request) {
        synchronized (calibrationLock) {
            calibrationRequest = request;
            if (request != null) {
                calibrated = false;
            }
        }
    }

    /**
     * Returns the amplitudes α_0 … α_{T−1}.
     *
     * @return a copy of α
     * @throws IllegalStateException if the block is not initialized
     */
    public float[] getAmplitudes() {
        requireInitialized();
        return amplitude.getArray().toFloatArray();
    }

    /**
     * Sets the amplitudes and marks the block calibrated.
     *
     * @param values α_0 … α_{T−1}, each positive and finite
     * @throws IllegalArgumentException if there are not T values or one is not positive and finite
     * @throws IllegalStateException if the block is not initialized
     */
    public void setAmplitudes(float[] values) {
        requireValidAmplitudes(values);
        requireInitialized();
        synchronized (calibrationLock) {
            amplitude.getArray().set(values);
            calibrated = true;
        }
    }

    private void requireValidAmplitudes(float[] values) {
        if (values.length != timeSteps) {
            throw new IllegalArgumentException(
                    "Expected " + timeSteps + " amplitudes (one per time step), got " + values.length);
        }
        for (int t = 0; t < values.length; t++) {
            if (!(values[t] > 0f) || Float.isInfinite(values[t])) {
                throw new IllegalArgumentException(
                        "Amplitude α_" + t + " must be positive and finite, got " + values[t]);
            }
        }
    }

    private void requireInitialized() {
        if (!amplitude.isInitialized()) {
            throw new IllegalStateException(
                    getClass().getSimpleName() + " is not initialized: call initialize() first");
        }
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /**
     * Returns whether a monitor records this site's spikes (a caller that would compute them
     * another way must then let the block run).
     *
     * @return true while a monitor is attached
     */
    public boolean isMonitored() {
        return monitor != null;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NeuronSupport.checkInput(getClass().getSimpleName(), input, timeSteps, validateInput);
        NDArray alpha = parameterStore.getValue(amplitude, input.getDevice(), training);
        if (calibrated && !training && monitor == null && InferenceSpikes.supports(input)) {
            // Nothing to learn, calibrate or record: the one-pass path. It works on a detached
            // view, so the spikes leave autograd's graph as they would leave it with grad mode off.
            NDArray detached = input.stopGradient();
            NDArray spikes = infer(detached, alpha.toFloatArray(), SpikingNeuron.inputOwned(params));
            detached.close(); // the view's handle only; its memory lives on in the input
            if (spikes != null) {
                return new NDList(spikes);
            }
        }
        if (calibrated && training) {
            return new NDList(train(input, alpha));
        }
        if (calibrated) {
            return run(input, alpha, false, null, training);
        }
        // Two threads may see the first batch; only one calibrates.
        synchronized (calibrationLock) {
            if (calibrated) {
                return run(input, alpha, false, null, training);
            }
            SpikeCalibrator.Request request = calibrationRequest;
            if (request != null) {
                request.check(input); // before any work: a mismatch names the site
            }
            return run(input, alpha, true, request, training);
        }
    }

    /**
     * The training pass of a calibrated block: the same values and gradients as the generic path
     * ({@link #run}), with less work. Steps whose membrane is the input are spiked all at once, α
     * broadcast over them; otherwise the steps are views of one split of the input (whose gradient
     * is one concatenation, where a selection per step would cost a zero-filled copy of the whole
     * input per step) and the spikes are stacked once. One scope holds every temporary. A
     * learnable α enters as views of the parameter, so its LSQ gradient reaches it; a frozen one as
     * constants.
     */
    private NDArray train(NDArray input, NDArray alpha) {
        NDManager parent = input.getManager();
        try (NDManager scope = parent.newSubManager()) {
            // Results belong to the manager of the array an operation is called on: lent to the
            // scope, the input makes every temporary close with it, and goes back afterwards.
            input.tempAttach(scope);
            float[] frozen = learnableAmplitude ? null : alpha.toFloatArray();
            NDArray output;
            NDList spikes;
            if (membraneIsInput()) {
                NDArray amplitudes = learnableAmplitude
                        ? inScope(scope, alpha.reshape(broadcastShape(input.getShape())))
                        : amplitudes(scope, frozen, input.getShape());
                ElasticSpike.Result fired = ElasticSpike.fire(input, amplitudes, learnableAmplitude);
                output = fired.output();
                spikes = monitor == null && trainingSpikes == null ? null : fired.spike().split(timeSteps);
            } else {
                NDList steps = input.split(timeSteps);
                NDList outputs = new NDList(timeSteps);
                spikes = new NDList(timeSteps);
                Step previous = null;
                for (int t = 0; t < timeSteps; t++) {
                    NDArray u = membrane(t, steps.get(t).squeeze(0), previous);
                    NDArray alphaT = learnableAmplitude ? inScope(scope, alpha.get(t)) : scope.create(frozen[t]);
                    ElasticSpike.Result fired = ElasticSpike.fire(u, alphaT, learnableAmplitude);
                    previous = new Step(u, fired.spike(), alphaT.stopGradient(), fired.output().stopGradient());
                    outputs.add(fired.output());
                    spikes.add(fired.spike());
                }
                output = NDArrays.stack(outputs);
            }
            SpikeMonitor.Site site = monitor;
            if (site != null) {
                NeuronSupport.recordSpikes(site, spikes);
            }
            TrainingSpikes counts = trainingSpikes;
            if (counts != null) {
                counts.add(spikes);
            }
            output.attach(parent);
            return output;
        }
    }

    /** A view of the α parameter made on the parameter's manager, moved to the pass's scope. */
    private static NDArray inScope(NDManager scope, NDArray view) {
        view.attach(scope);
        return view;
    }

    /** {@code [T, 1, …, 1]} for an input of {@code shape}: one α per step, broadcast over the rest. */
    private static Shape broadcastShape(Shape shape) {
        long[] dims = new long[shape.dimension()];
        Arrays.fill(dims, 1L);
        dims[0] = shape.get(0);
        return new Shape(dims);
    }

    /** α as a scalar for one step, else {@code [T, 1, …, 1]}, which broadcasts step by step. */
    private static NDArray amplitudes(NDManager manager, float[] alpha, Shape shape) {
        return alpha.length == 1 ? manager.create(alpha[0]) : manager.create(alpha, broadcastShape(shape));
    }

    /**
     * Runs the T steps.
     *
     * @param calibrate whether to calibrate α on this input
     * @param request when calibrating, the real positions u_t is weighed by, or {@code null} to
     *     weigh every element
     */
    private NDList run(
            NDArray input, NDArray alpha, boolean calibrate, SpikeCalibrator.Request request, boolean training) {
        NDManager parent = input.getManager();
        NDList outputs = new NDList(timeSteps);
        NDList spikes = new NDList(timeSteps);
        NDList amplitudes = new NDList(timeSteps);
        Step previous = null;
        for (int t = 0; t < timeSteps; t++) {
            // Each step's temporaries live in a scope closed at the end of the step; only what the
            // next step, the statistics and the caller need is kept. Autograd holds its own
            // references, so closing intermediates does not break backward.
            try (NDManager scope = parent.newSubManager()) {
                NDArray x = input.get(t);
                x.attach(scope);
                if (previous != null) {
                    // The old membrane dies with this step; spikes and amplitudes are kept for the
                    // statistics and the calibration.
                    previous.membrane().attach(scope);
                }
                NDArray u = membrane(t, x, previous);
                NDArray alphaT;
                if (calibrate) {
                    // The positions are made in this step's scope, so the rule's temporaries die with it.
                    NDArray positions = request == null ? null : request.positions(input, scope);
                    alphaT = calibration.amplitude(u.stopGradient(), positions).maximum(AmplitudeCalibration.MIN_AMPLITUDE);
                } else {
                    alphaT = alpha.get(t); // created on the parameter's manager: move it to the scope
                    alphaT.attach(scope);
                }
                ElasticSpike.Result fired =
                        training
                                ? ElasticSpike.fire(u, alphaT, learnableAmplitude && !calibrate)
                                : ElasticSpike.emit(u, alphaT);
                previous = new Step(u, fired.spike(), alphaT.stopGradient(), fired.output().stopGradient());
                previous.attach(parent);
                fired.output().attach(parent);
                outputs.add(fired.output());
                spikes.add(previous.spike());
                amplitudes.add(previous.amplitude());
            }
        }
        if (calibrate) {
            float[] values = NDArrays.stack(amplitudes).toFloatArray();
            requireValidAmplitudes(values);
            amplitude.getArray().set(values);
            calibrated = true;
        }
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            NeuronSupport.recordSpikes(site, spikes);
        }
        return new NDList(NDArrays.stack(outputs));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        os.writeInt(timeSteps);
        os.writeBoolean(calibrated);
    }

    /** {@inheritDoc} */
    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("Unsupported encoding version: " + loadVersion);
        }
        int savedSteps = is.readInt();
        if (savedSteps != timeSteps) {
            throw new MalformedModelException(
                    "Saved neuron has T=" + savedSteps + " time steps, this block has T=" + timeSteps);
        }
        calibrated = is.readBoolean();
    }

    /** {@inheritDoc} */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        if (calibrated) {
            try {
                requireValidAmplitudes(amplitude.getArray().toFloatArray());
            } catch (IllegalArgumentException e) {
                throw new MalformedModelException("Invalid saved amplitudes: " + e.getMessage(), e);
            }
        }
    }

    /** Non-zero spikes and elements per time step, summed over training passes. */
    private static final class TrainingSpikes {
        private final long[] nonZero;
        private long elementsPerStep;

        TrainingSpikes(int timeSteps) {
            nonZero = new long[timeSteps];
        }

        synchronized void add(NDList spikesPerStep) {
            for (int t = 0; t < nonZero.length; t++) {
                nonZero[t] += SpikeCounts.nonZero(spikesPerStep.get(t));
            }
            elementsPerStep += spikesPerStep.get(0).size();
        }

        synchronized SpikeTally take() {
            if (elementsPerStep == 0) {
                return null;
            }
            SpikeTally tally = new SpikeTally(nonZero.clone(), elementsPerStep);
            Arrays.fill(nonZero, 0L);
            elementsPerStep = 0;
            return tally;
        }
    }

    /**
     * The detached state a neuron passes from one time step to the next.
     *
     * @param membrane u_{t−1} (not detached: gradients flow through time)
     * @param spike s_{t−1} ∈ {−1, 0, 1}, detached
     * @param amplitude α_{t−1}, detached
     * @param emitted o_{t−1} = α_{t−1}·s_{t−1}, detached
     */
    protected record Step(NDArray membrane, NDArray spike, NDArray amplitude, NDArray emitted) {

        void attach(NDManager manager) {
            membrane.attach(manager);
            spike.attach(manager);
            amplitude.attach(manager);
            emitted.attach(manager);
        }
    }

    /**
     * The settings every elastic spiking block shares.
     *
     * @param <T> the concrete builder type
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        private int timeSteps;
        private AmplitudeCalibration calibration = AmplitudeCalibration.DEFAULT;
        private boolean learnableAmplitude;
        private boolean validateInput = true;

        /** Creates a builder with the defaults (for subclasses). */
        protected BaseBuilder() {}

        /**
         * Returns this builder as its concrete type.
         *
         * @return this
         */
        protected abstract T self();

        /**
         * Sets the number of time steps T (required, at least 1).
         *
         * @param timeSteps T
         * @return this builder
         */
        public T setTimeSteps(int timeSteps) {
            this.timeSteps = NeuronSupport.requireTimeSteps(timeSteps);
            return self();
        }

        /**
         * Sets how α is calibrated (default α = 2·mean|u|).
         *
         * @param calibration the rule
         * @return this builder
         */
        public T optCalibration(AmplitudeCalibration calibration) {
            this.calibration = Objects.requireNonNull(calibration, "calibration");
            return self();
        }

        /**
         * Sets whether α learns with the LSQ gradient after calibration (default frozen).
         *
         * @param learnable true to learn α
         * @return this builder
         */
        public T optLearnableAmplitude(boolean learnable) {
            this.learnableAmplitude = learnable;
            return self();
        }

        /**
         * Sets whether each forward pass checks its input for NaN and infinities (default true; one
         * extra reduction per call).
         *
         * @param validate true to check
         * @return this builder
         */
        public T optValidateInput(boolean validate) {
            this.validateInput = validate;
            return self();
        }
    }
}
