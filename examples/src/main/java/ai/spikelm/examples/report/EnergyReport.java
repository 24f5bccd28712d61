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
 * <p>Padding: {@link #measure} with {@link Padding#EXCLUDED} runs every batch as padding-free
 * batches of rows of one real length, so spikes, operations and energy are those of the real tokens
 * only, and the energy per sequence is that of the sequences as written; with {@link
 * Padding#COUNTED} the batches run as given and padded positions cost what they would on hardware
 * that runs fixed-length batches. {@link #paddingExcluded()} says which a report is, and {@link
 * #print} labels it.
 *
 * <p>If the model is uncalibrated, {@link #measure} calibrates α on its first batch, over real
 * tokens only ({@link Calibration}), and does not measure that batch (calibration and measurement
 * on the same data would flatter the firing rate), unless it is the only batch.
 */
public final class EnergyReport {

    /** Whether padded positions are run, and so measured. */
    public enum Padding {
        /** Only real tokens run: each batch is split into padding-free batches of rows of one length. */
        EXCLUDED,
        /** Batches run as given: padded positions cost energy, as at a fixed sequence length. */
        COUNTED
    }

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
    private final long positions;

    private EnergyReport(
            String label, List<SiteStatistics> sites, EnergyEstimate total, long sequences, long tokens, long positions) {
        this.label = label;
        this.sites = sites;
        this.layerFiringRates = layerRates(sites);
        this.perSequence = total.perSequence(sequences);
        // The same division, by real tokens: padding, where it ran, costs work but is not text.
        this.perToken = total.perSequence(tokens);
        this.sequences = sequences;
        this.tokens = tokens;
        this.positions = positions;
    }

    /**
     * Runs the model on the batches and measures it.
     *
     * @param label a name for the model in reports ("SpikeLM T=4")
     * @param model an initialised model
     * @param manager the manager for the inputs
     * @param batches the text, already encoded
     * @param energy the energy constants
     * @param padding whether padded positions run (and are measured)
     * @param progress called after each batch with the batch index
     * @return the report
     */
    public static EnergyReport measure(
            String label,
            TrainableModel model,
            NDManager manager,
            List<EncodedBatch> batches,
            EnergyModel energy,
            Padding padding,
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
                List<EncodedBatch> runs =
                        padding == Padding.EXCLUDED ? byLength(batches.get(i)) : List.of(batches.get(i));
                for (EncodedBatch batch : runs) {
                    try (NDManager step = manager.newSubManager()) {
                        model.forward(new ParameterStore(step, false), model.inputs(batch, step), false);
                    }
                    recorder.batchDone(batch);
                }
                progress.accept(i);
            }
            return recorder.report(label, energy);
        }
    }

    /**
     * Splits a batch into batches without padding: its rows grouped by real length and cut to it.
     * Rows are independent in every family (attention is masked to real keys), so each row costs
     * the same as in the padded batch, minus the padding.
     *
     * @param batch a padded batch
     * @return the padding-free batches, shortest rows first
     */
    static List<EncodedBatch> byLength(EncodedBatch batch) {
        Map<Integer, List<Integer>> rowsByLength = new java.util.TreeMap<>();
        long[][] mask = batch.attentionMask();
        for (int r = 0; r < mask.length; r++) {
            int length = 0;
            for (long m : mask[r]) {
                length += (int) m;
            }
            if (length > 0) {
                rowsByLength.computeIfAbsent(length, k -> new ArrayList<>()).add(r);
            }
        }
        List<EncodedBatch> out = new ArrayList<>();
        rowsByLength.forEach((length, rows) -> {
            long[][] ids = new long[rows.size()][];
            long[][] real = new long[rows.size()][];
            long[][] types = new long[rows.size()][];
            for (int i = 0; i < rows.size(); i++) {
                ids[i] = realPositions(batch.inputIds()[rows.get(i)], mask[rows.get(i)], length);
                types[i] = realPositions(batch.tokenTypeIds()[rows.get(i)], mask[rows.get(i)], length);
                real[i] = new long[length];
                java.util.Arrays.fill(real[i], 1L);
            }
            out.add(new EncodedBatch(ids, real, types));
        });
        return out;
    }

    /** The values at a row's real positions, in order. */
    private static long[] realPositions(long[] values, long[] mask, int length) {
        long[] out = new long[length];
        int k = 0;
        for (int p = 0; p < values.length; p++) {
            if (mask[p] != 0) {
                out[k++] = values[p];
            }
        }
        return out;
    }

    /**
     * Measures a calibrated model while something else runs it batch by batch (an evaluation, say).
     * Batches count as they ran: padding, if any, is counted, and the report says so.
     *
     * <pre>{@code
     * try (EnergyReport.Recorder recorder = EnergyReport.Recorder.attach(model)) {
     *     ... run batches, calling recorder.batchDone(batch) after each ...
     *     EnergyReport report = recorder.report("SpikeLM T=4", EnergyModel.DEFAULT);
     * }
     * }</pre>
     */
    public static final class Recorder implements AutoCloseable {
        private final SpikeMonitor monitor;
        private long sequences;
        private long tokens;
        private long positions;

        private Recorder(TrainableModel model) {
            if (Calibration.needed(model)) {
                throw new IllegalStateException(
                        "Calibrate the model before recording its energy: its first batch would calibrate α and be counted");
            }
            this.monitor = SpikeMonitor.attach(model);
        }

        /**
         * Attaches a recorder to every spike site and layer of a calibrated model.
         *
         * @param model an initialised, calibrated model
         * @return the recorder; close it to detach
         * @throws IllegalStateException if the model has uncalibrated spike sites
         */
        public static Recorder attach(TrainableModel model) {
            return new Recorder(model);
        }

        /**
         * Accounts for a batch that has just gone through the model.
         *
         * @param batch the batch, as the model saw it
         */
        public void batchDone(EncodedBatch batch) {
            sequences += batch.inputIds().length;
            tokens += batch.realTokens();
            positions += (long) batch.inputIds().length * (batch.inputIds().length == 0 ? 0 : batch.inputIds()[0].length);
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
            return new EnergyReport(label, stats, energy.estimate(stats), sequences, tokens, positions);
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
     * Returns the fraction of the spiking layers' input spikes at steps 1..T−1 that changed sign
     * from the step before ({@link SiteStatistics#stepChangeRate()} over every site).
     *
     * @return the rate, NaN for T = 1 or a model without spikes
     */
    public double stepChangeRate() {
        long entries = 0;
        long changes = 0;
        for (SiteStatistics s : sites) {
            entries += s.stepEntries();
            changes += s.stepChanges();
        }
        return entries == 0 ? Double.NaN : (double) changes / entries;
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
     * Returns the energy per sequence: of its real tokens if {@link #paddingExcluded()}, else at the
     * measured, padded length.
     *
     * @return the estimate
     */
    public EnergyEstimate perSequence() {
        return perSequence;
    }

    /**
     * Returns the energy per real (unpadded) token: the whole run's energy divided by the number of
     * real tokens. Padding is not in it if {@link #paddingExcluded()}; otherwise its cost is
     * shared out over the real tokens.
     *
     * @return the estimate
     */
    public EnergyEstimate perToken() {
        return perToken;
    }

    /**
     * Returns whether only real tokens were run, so that no padded position is in the energy.
     *
     * @return true if every measured position was a real token
     */
    public boolean paddingExcluded() {
        return positions == tokens;
    }

    /**
     * Returns how many positions were run, padding included.
     *
     * @return the count
     */
    public long positions() {
        return positions;
    }

    /**
     * Describes what the energy covers, for printing.
     *
     * @return for example "padding excluded: 1,234 real tokens, 30.9 per sequence"
     */
    public String paddingLabel() {
        return paddingExcluded()
                ? String.format(Locale.ROOT, "padding excluded: %d real tokens, %.1f per sequence", tokens, (double) tokens / sequences)
                : String.format(Locale.ROOT, "padding counted: %d positions run for %d real tokens", positions, tokens);
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
        out.printf(
                Locale.ROOT,
                "  per real token: ANN %.4f µJ, this model %.4f µJ (%s)%n",
                perToken.annJoules() * 1e6,
                perToken.spikingJoules() * 1e6,
                paddingLabel());
        double changes = stepChangeRate();
        if (!Double.isNaN(changes)) {
            out.printf(Locale.ROOT, "  spikes that change between time steps: %.4f of the spiking layers' inputs at steps 2..T%n", changes);
        }
    }
}
