package ai.spikelm.examples.report;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.stats.EnergyEstimate;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.TrainableModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a model costs on real text: firing rate per layer and energy per sequence and per real
 * token, measured with a {@link SpikeMonitor}.
 *
 * <p>If the model is uncalibrated, {@link #measure} calibrates α on its first batch, over real
 * tokens only ({@link Calibration}), and does not measure that batch (calibration and measurement
 * on the same data would flatter the firing rate), unless it is the only batch.
 *
 * <p>If the model is uncalibrated, its first batch calibrates α and is not measured (calibration
 * and measurement on the same data would flatter the firing rate), unless it is the only batch.
 */
public final class EnergyReport {

    /** How a firing rate prints for a model without spike sites. */
    public static final String NO_SPIKES = "- (no spikes)";

    // The transformer layer a site belongs to: BERT "encoder.layer.N", GPT-2 "h.N", BART "layers.N".
    private static final Pattern LAYER = Pattern.compile("(.*\\b(?:layer|layers|h)\\.\\d+)\\..*");

    private final String label;
    private final List<SiteStatistics> sites;
    private final Map<String, Double> layerFiringRates;
    private final EnergyEstimate perSequence;
    private final EnergyEstimate perToken;
    private final long sequences;
    private final long tokens;

    private EnergyReport(String label, List<SiteStatistics> sites, EnergyEstimate total, long sequences, long tokens) {
        this.label = label;
        this.sites = sites;
        this.layerFiringRates = layerRates(sites);
        this.perSequence = total.perSequence(sequences);
        // The same division, by real tokens: padding costs work but is not text.
        this.perToken = total.perSequence(tokens);
        this.sequences = sequences;
        this.tokens = tokens;
    }

    /**
     * Runs the model on the batches and measures it.
     *
     * @param label a name for the model in reports ("SpikeLM T=4")
     * @param model an initialised model
     * @param manager the manager for the inputs
     * @param batches the text, already encoded
     * @param energy the energy constants
     * @param progress called after each batch with the batch index
     * @return the report
     */
    public static EnergyReport measure(
            String label,
            TrainableModel model,
            NDManager manager,
            List<EncodedBatch> batches,
            EnergyModel energy,
            IntConsumer progress) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("No text to measure on");
        }
        int first = 0;
        if (Calibration.needed(model)) {
            // Over real tokens only; the calibration batch is then not measured.
            Calibration.calibrate(model, batches.get(0));
            first = batches.size() > 1 ? 1 : 0;
            progress.accept(0);
        }
        try (Recorder recorder = Recorder.attach(model)) {
            for (int i = first; i < batches.size(); i++) {
                try (NDManager step = manager.newSubManager()) {
                    EncodedBatch batch = batches.get(i);
                    model.forward(new ParameterStore(step, false), model.inputs(batch, step), false);
                    recorder.batchDone(i - first, batches.size() - first, batch);
                }
                progress.accept(i);
            }
            return recorder.report(label, energy);
        }
    }

    /**
     * Measures a model while something else runs it batch by batch (an evaluation, say), with the
     * same rule as {@link #measure}: if the model is uncalibrated when the recorder attaches, the
     * first of several batches calibrates α and is not counted.
     *
     * <pre>{@code
     * try (EnergyReport.Recorder recorder = EnergyReport.Recorder.attach(model)) {
     *     ... run batches, calling recorder.batchDone(index, batchCount, batch) after each ...
     *     EnergyReport report = recorder.report("SpikeLM T=4", EnergyModel.DEFAULT);
     * }
     * }</pre>
     */
    public static final class Recorder implements AutoCloseable {
        private final SpikeMonitor monitor;
        private final boolean calibrating;
        private long sequences;
        private long tokens;

        private Recorder(TrainableModel model) {
            this.calibrating = HfWeights.spikingSites(model).values().stream().anyMatch(s -> !s.isCalibrated());
            this.monitor = SpikeMonitor.attach(model);
        }

        /**
         * Attaches a recorder to every spike site and layer of the model.
         *
         * @param model an initialised model
         * @return the recorder; close it to detach
         */
        public static Recorder attach(TrainableModel model) {
            return new Recorder(model);
        }

        /**
         * Accounts for a batch that has just gone through the model.
         *
         * @param index the batch's index, from 0
         * @param batchCount how many batches the run has
         * @param batch the batch
         */
        public void batchDone(int index, int batchCount, EncodedBatch batch) {
            if (index == 0 && calibrating && batchCount > 1) {
                monitor.reset(); // the calibration batch: its spikes would flatter the rate
                return;
            }
            sequences += batch.inputIds().length;
            tokens += batch.realTokens();
        }

        /**
         * Builds the report of the batches counted so far.
         *
         * @param label a name for the model in reports
         * @param energy the energy constants
         * @return the report
         * @throws IllegalStateException if no batch was counted
         */
        public EnergyReport report(String label, EnergyModel energy) {
            if (sequences == 0) {
                throw new IllegalStateException("No batch was measured");
            }
            List<SiteStatistics> stats = monitor.snapshot();
            return new EnergyReport(label, stats, energy.estimate(stats), sequences, tokens);
        }

        /** Detaches from the model. */
        @Override
        public void close() {
            monitor.close();
        }
    }

    /**
     * Prints the firing rate of every spike site, per time step.
     *
     * @param out where to print
     */
    public void printSites(PrintWriter out) {
        for (SiteStatistics s : sites) {
            if (s.hasSpikes()) {
                StringBuilder steps = new StringBuilder();
                for (int t = 0; t < s.timeSteps(); t++) {
                    steps.append(String.format(Locale.ROOT, " %.3f", s.firingRate(t)));
                }
                out.printf(Locale.ROOT, "  %-60s %.4f  (per step:%s)%n", s.name(), s.firingRate(), steps);
            }
        }
    }

    private static Map<String, Double> layerRates(List<SiteStatistics> sites) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (SiteStatistics s : sites) {
            Matcher m = LAYER.matcher(s.name());
            if (s.hasSpikes() && m.matches()) {
                long[] c = counts.computeIfAbsent(m.group(1), k -> new long[2]);
                for (int t = 0; t < s.timeSteps(); t++) {
                    c[0] += s.nonZeroPerStep()[t];
                    c[1] += s.elementsPerStep()[t];
                }
            }
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        counts.forEach((layer, c) -> rates.put(layer, (double) c[0] / c[1]));
        return rates;
    }

    /**
     * Returns the model's label.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Returns the firing rate of each layer (all its spike sites and time steps together).
     *
     * @return layer path → rate, in layer order
     */
    public Map<String, Double> layerFiringRates() {
        return layerFiringRates;
    }

    /**
     * Returns the firing rate over every spike site.
     *
     * @return the rate, NaN for a model without spikes
     */
    public double overallFiringRate() {
        long nonZero = 0;
        long total = 0;
        for (SiteStatistics s : sites) {
            for (int t = 0; t < s.timeSteps(); t++) {
                nonZero += s.nonZeroPerStep()[t];
                total += s.elementsPerStep()[t];
            }
        }
        return total == 0 ? Double.NaN : (double) nonZero / total;
    }

    /**
     * Returns the firing rate over every spike site as printed: four decimals, or {@value
     * #NO_SPIKES} for a model without spike sites (an ANN), rather than NaN.
     *
     * @return the text
     */
    public String overallFiringRateText() {
        double rate = overallFiringRate();
        return Double.isNaN(rate) ? NO_SPIKES : String.format(Locale.ROOT, "%.4f", rate);
    }

    /**
     * Returns the per-site statistics.
     *
     * @return the sites
     */
    public List<SiteStatistics> sites() {
        return new ArrayList<>(sites);
    }

    /**
     * Returns the energy per sequence (at the measured, padded lengths).
     *
     * @return the estimate
     */
    public EnergyEstimate perSequence() {
        return perSequence;
    }

    /**
     * Returns the energy per real (unpadded) token: the whole run's energy, padding included,
     * divided by the number of real tokens.
     *
     * @return the estimate
     */
    public EnergyEstimate perToken() {
        return perToken;
    }

    /**
     * Returns how many sequences were measured.
     *
     * @return the count
     */
    public long sequences() {
        return sequences;
    }

    /**
     * Returns how many real tokens were measured.
     *
     * @return the count
     */
    public long tokens() {
        return tokens;
    }

    /**
     * Returns the MACs and synaptic operations of each layer, per sequence.
     *
     * @return layer path → {MACs of the ANN, SOPs of this model, real-valued MACs of this model}
     */
    public Map<String, long[]> layerOperations() {
        Map<String, long[]> ops = new LinkedHashMap<>();
        for (SiteStatistics s : sites) {
            Matcher m = LAYER.matcher(s.name());
            String layer = m.matches() ? m.group(1) : s.name();
            long[] o = ops.computeIfAbsent(layer, k -> new long[3]);
            o[0] += s.macs() / sequences;
            o[1] += s.synapticOps() / sequences;
            o[2] += s.realValuedMacs() / sequences;
        }
        ops.values().removeIf(o -> o[0] == 0);
        return ops;
    }

    /**
     * Prints the report.
     *
     * @param out where to print
     * @param perLayer whether to print the per-layer table
     */
    public void print(PrintWriter out, boolean perLayer) {
        out.printf(Locale.ROOT, "%s: %d sequences, %d tokens measured%n", label, sequences, tokens);
        if (perLayer && !layerFiringRates.isEmpty()) {
            out.printf(Locale.ROOT, "  %-20s %12s %12s %12s%n", "layer", "MACs/seq (M)", "SOPs/seq (M)", "firing rate");
            Map<String, long[]> ops = layerOperations();
            layerFiringRates.forEach(
                    (layer, rate) -> {
                        long[] o = ops.getOrDefault(layer, new long[3]);
                        out.printf(Locale.ROOT, "  %-20s %12.1f %12.1f %12.4f%n", layer, o[0] / 1e6, o[1] / 1e6, rate);
                    });
        }
        out.printf(
                Locale.ROOT,
                "  overall firing rate %s; per sequence: ANN %.4f mJ, this model %.4f mJ (%.3f G SOPs + %.3f G real MACs)%n",
                overallFiringRateText(),
                perSequence.annJoules() * 1e3,
                perSequence.spikingJoules() * 1e3,
                perSequence.synapticOps() / 1e9,
                perSequence.realValuedMacs() / 1e9);
    }
}
