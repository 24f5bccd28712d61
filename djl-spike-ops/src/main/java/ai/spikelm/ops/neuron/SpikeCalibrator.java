package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.spikelm.ops.BlockPaths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Calibrates the amplitudes α of the elastic spiking sites of a model over the real positions of a
 * batch only, so that padding does not change α.
 *
 * <p>Typical use, with a batch of token ids padded to {@code [B, L]} and its attention mask:
 *
 * <pre>{@code
 * SpikeCalibrator calibrator = SpikeCalibrator.attach(model);       // every elastic site
 * calibrator.calibrate(attentionMask, () -> model.forward(store, inputs, false));
 * }</pre>
 *
 * <p>{@link #calibrate} forgets the calibration of the attached sites and runs the pass once. Each
 * site whose input is {@code [T, B, L, ...]} computes α_t with its own {@link AmplitudeCalibration}
 * over the elements of u_t at real positions: the {@code [B, L]} positions (1 real, 0 padding) are
 * broadcast over the trailing dimensions, so α = k·Σ|u|·m / Σm for {@code meanAbs}, and the
 * quantile of {@code targetFiringRate} is taken over the real elements only. A site whose input
 * does not begin with {@code [T, B, L]} is an error naming the site; so is a site the pass does
 * not reach. Sites are named by their path in the model ({@link BlockPaths}), the root {@code
 * root}, as {@link ai.spikelm.ops.stats.SpikeMonitor} names them.
 *
 * <p>One pass over one batch: within a pass, the sites of layer l are calibrated (and their α
 * fixed) before layer l + 1 sees their spikes, so every α is computed from the spikes the model
 * will really emit. Statistics gathered over several batches would break that (layer l + 1 would
 * see layer l spiking with an α not yet final), so calibrating on more data means putting it into
 * one larger padded batch.
 *
 * <p>Without a calibrator, an uncalibrated site still calibrates on the first batch that passes
 * through, over all its elements (the reference behaviour), with the same rule code.
 *
 * <p>No other forward pass may run through the attached sites while {@link #calibrate} runs: a
 * site calibrates on the first input it gets.
 */
public final class SpikeCalibrator {

    private final Map<String, AbstractElasticSpikingBlock> sites;

    private SpikeCalibrator(Map<String, AbstractElasticSpikingBlock> sites) {
        this.sites = Collections.unmodifiableMap(sites);
    }

    /**
     * Creates a calibrator for every elastic spiking site in the tree under {@code root}
     * (including root).
     *
     * @param root the model's root block
     * @return the calibrator
     */
    public static SpikeCalibrator attach(Block root) {
        return new SpikeCalibrator(find(root, false));
    }

    /**
     * Creates a calibrator for the elastic spiking sites under {@code root} that are not
     * calibrated now (a model loaded without amplitudes); calibrated sites keep their α and run
     * with it during the pass.
     *
     * @param root the model's root block
     * @return the calibrator, possibly with no sites
     */
    public static SpikeCalibrator attachUncalibrated(Block root) {
        return new SpikeCalibrator(find(root, true));
    }

    private static Map<String, AbstractElasticSpikingBlock> find(Block root, boolean uncalibratedOnly) {
        Map<String, AbstractElasticSpikingBlock> found = new LinkedHashMap<>();
        BlockPaths.walk(
                Objects.requireNonNull(root, "root"),
                (path, block) -> {
                    if (block instanceof AbstractElasticSpikingBlock) {
                        AbstractElasticSpikingBlock site = (AbstractElasticSpikingBlock) block;
                        if (!uncalibratedOnly || !site.isCalibrated()) {
                            found.put(path.isEmpty() ? "root" : path, site);
                        }
                    }
                });
        return found;
    }

    /**
     * Returns the names of the attached sites, in tree order.
     *
     * @return the site names
     */
    public Set<String> sites() {
        return sites.keySet();
    }

    /**
     * Forgets the calibration of the attached sites and calibrates them on one forward pass, over
     * the real positions only. Does nothing (and does not run the pass) when no site is attached.
     *
     * @param positions {@code [B, L]} (any rank ≥ 1): 1 at real positions, 0 at padding, at least
     *     one 1; any numeric type. Site inputs must be {@code [T, B, L, ...]}
     * @param forwardPass runs the model once on the batch the positions describe
     * @return the new α_0 … α_{T−1} of each attached site, by name
     * @throws IllegalArgumentException if the positions are not 0/1 or have no 1 (the sites are
     *     then untouched), or a site's input does not match them (the message names the site; the
     *     sites are then left uncalibrated)
     * @throws IllegalStateException if the pass did not reach an attached site (named); the sites
     *     are then left uncalibrated
     */
    public synchronized Map<String, float[]> calibrate(NDArray positions, Runnable forwardPass) {
        Objects.requireNonNull(forwardPass, "forwardPass");
        if (sites.isEmpty()) {
            return Map.of();
        }
        try (NDManager scope = Objects.requireNonNull(positions, "positions").getManager().newSubManager()) {
            NDArray mask = checkedMask(positions, scope);
            boolean done = false;
            try {
                sites.forEach((name, site) -> site.requestCalibration(new Request(name, mask)));
                forwardPass.run();
                done = true;
            } finally {
                sites.values().forEach(site -> site.requestCalibration(null));
                if (!done) {
                    sites.values().forEach(AbstractElasticSpikingBlock::resetCalibration);
                }
            }
        }
        Map<String, float[]> alphas = new LinkedHashMap<>();
        StringBuilder missed = new StringBuilder();
        sites.forEach(
                (name, site) -> {
                    if (site.isCalibrated()) {
                        alphas.put(name, site.getAmplitudes());
                    } else {
                        missed.append(missed.length() == 0 ? "" : ", ").append(name);
                    }
                });
        if (missed.length() > 0) {
            sites.values().forEach(AbstractElasticSpikingBlock::resetCalibration);
            throw new IllegalStateException(
                    "The calibration pass did not reach spike site(s) " + missed + "; none was calibrated");
        }
        return alphas;
    }

    /** Checks the positions and returns them as FLOAT32 in {@code scope}. */
    private static NDArray checkedMask(NDArray positions, NDManager scope) {
        Shape shape = positions.getShape();
        if (shape.dimension() < 1 || shape.size() == 0) {
            throw new IllegalArgumentException("Calibration positions must be a non-empty [B, L] array, got shape " + shape);
        }
        NDArray mask = positions.toType(DataType.FLOAT32, true);
        mask.attach(scope);
        NDArray binary = mask.eq(0f).logicalOr(mask.eq(1f)).all();
        binary.attach(scope);
        if (!binary.getBoolean()) {
            throw new IllegalArgumentException("Calibration positions must be 1 (real) or 0 (padding)");
        }
        NDArray real = mask.sum();
        real.attach(scope);
        if (real.getFloat() < 1f) {
            throw new IllegalArgumentException("Calibration positions have no real position (all 0)");
        }
        return mask;
    }

    /** What a site calibrates over: the positions, and the site's name for errors. */
    static final class Request {
        private final String site;
        private final NDArray mask;

        Request(String site, NDArray mask) {
            this.site = site;
            this.mask = mask;
        }

        /**
         * Checks that the input is {@code [T, B, L, ...]} for the {@code [B, L]} positions.
         *
         * @throws IllegalArgumentException naming the site if not
         */
        void check(NDArray input) {
            Shape in = input.getShape();
            Shape m = mask.getShape();
            boolean matches = in.dimension() >= 1 + m.dimension();
            for (int i = 0; matches && i < m.dimension(); i++) {
                matches = in.get(1 + i) == m.get(i);
            }
            if (!matches) {
                throw new IllegalArgumentException(
                        "Spike site '"
                                + site
                                + "' got input of shape "
                                + in
                                + ", which does not begin with [T, "
                                + m.toString().replaceAll("[()]", "")
                                + "] of the calibration positions "
                                + m);
            }
        }

        /**
         * Returns the positions shaped to weigh u_t ({@code input} without its time axis): {@code
         * [B, L, 1, ...]}, on the input's device, owned by {@code scope}.
         */
        NDArray positions(NDArray input, NDManager scope) {
            long[] shape = new long[input.getShape().dimension() - 1];
            java.util.Arrays.fill(shape, 1L);
            long[] m = mask.getShape().getShape();
            System.arraycopy(m, 0, shape, 0, m.length);
            NDArray onDevice = mask.toDevice(input.getDevice(), false);
            NDArray shaped = onDevice.reshape(new Shape(shape));
            if (onDevice != mask) {
                onDevice.attach(scope);
            }
            if (shaped != mask) {
                shaped.attach(scope);
            }
            return shaped;
        }
    }
}
