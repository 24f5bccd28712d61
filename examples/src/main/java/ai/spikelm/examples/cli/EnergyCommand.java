package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.examples.report.FiringRateChart;
import ai.spikelm.ops.neuron.AmplitudeCalibration;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.ops.stats.TransformerCost;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Estimates the energy of a transformer encoder as an ANN and as a SpikeLM at several T.
 *
 * <p>Without {@code --firing-rate}, the rate is measured: an elastic bi-spiking neuron is
 * calibrated on one batch of standard-normal input repeated over T steps (as SpikeLM repeats its
 * embeddings) and its firing rate is read off a second batch with a {@link SpikeMonitor}.
 */
@Command(
        name = "energy",
        mixinStandardHelpOptions = true,
        description =
                "Energy of a model as ANN and as SpikeLM, measured on text: firing rate per layer and "
                + "energy per sequence (45 nm convention: E_ANN = e_MAC x MACs, E_SNN = e_AC x SOPs). "
                + "Without --model, the embedded all-MiniLM-L6-v2 (real weights) is converted on the fly. "
                + "With --analytic, the count is analytic for a transformer of the given shape.")
final class EnergyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions = new ModelOptions();

    @Mixin TextOptions text;

    @Option(names = "--chart", description = "Write firing rates per layer (and per site, beside it) as PNG charts.")
    Path chart;

    @Option(names = "--per-site", description = "Also print the firing rate of every spike site per time step.")
    boolean perSite;

    @Option(names = "--analytic", description = "Analytic estimate for a transformer of the shape below, firing rate measured on Gaussian input.")
    boolean analytic;

    @Option(names = "--layers", defaultValue = "12", description = "Number of layers (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "768", description = "Hidden size (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(
            names = "--intermediate",
            defaultValue = "3072",
            description = "Feed-forward size (default ${DEFAULT-VALUE}).")
    int intermediate;

    @Option(
            names = {"-T", "--time-steps"},
            split = ",",
            description = "Time steps to report, comma separated (default 1,4; a spiking model's own T).")
    List<Integer> timeSteps;

    @Option(
            names = "--k",
            defaultValue = "2.0",
            description = "Amplitude multiplier k of the calibration α = k·mean|u| (default ${DEFAULT-VALUE}).")
    float k;

    @Option(
            names = "--firing-rate",
            description = "Use this firing rate instead of measuring one on Gaussian input.")
    Double firingRate;

    @Option(names = "--pj-per-mac", defaultValue = "4.6", description = "pJ per MAC (default ${DEFAULT-VALUE}).")
    double picojoulesPerMac;

    @Option(
            names = "--pj-per-ac",
            defaultValue = "0.9",
            description = "pJ per accumulate (default ${DEFAULT-VALUE}).")
    double picojoulesPerAccumulate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the measurement (default ${DEFAULT-VALUE}).")
    int seed;

    @Override
    public Integer call() throws IOException {
        validate();
        return analytic ? analytic() : measured();
    }

    private int measured() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        EnergyModel energy = energyModel();
        // Not calibrated on load: the report calibrates on the first batch and measures the rest.
        ModelSource source = modelOptions.source().calibrateOn(null);
        SpikingConfig saved = source.savedSpiking();
        List<Integer> steps =
                timeSteps != null ? timeSteps : saved.isSpiking() ? List.of(saved.timeSteps()) : List.of(1, 4);
        List<EncodedBatch> batches;
        try (HuggingFaceTokenizer tok = text.tokenizer(modelOptions.tokenizerFile(source))) {
            batches = text.batches(tok);
        }
        out.printf(Locale.ROOT, "%s on %d batches of text (%s)%n", source.name(), batches.size(),
                text.text == null ? "embedded sample" : text.text);
        List<EnergyReport> reports = new ArrayList<>();
        for (int t : steps) {
            SpikingConfig spiking = saved.isSpiking() ? saved.toBuilder().optTimeSteps(t).build()
                    : SpikingConfig.builder().optTimeSteps(t).optAlphaMultiplier(k).build();
            try (NDManager manager = NDManager.newBaseManager();
                    ProgressBar bar = progress("SpikeLM T=" + t, batches.size())) {
                TrainableModel spikeModel = source.loadModel(manager, s -> spiking);
                // --seq-len asks for fixed-length sequences: their padding is measured, as such hardware would run it.
                EnergyReport.Padding padding =
                        text.sequenceLength != null ? EnergyReport.Padding.COUNTED : EnergyReport.Padding.EXCLUDED;
                EnergyReport report =
                        EnergyReport.measure("SpikeLM T=" + t, spikeModel, manager, batches, energy, padding, i -> bar.step());
                reports.add(report);
            }
        }
        for (EnergyReport report : reports) {
            report.print(out, true);
            if (perSite) {
                report.printSites(out);
            }
            out.printf(Locale.ROOT, "  saving vs ANN: %.1fx%n", report.perSequence().savingFactor());
        }
        out.println("Not counted: embeddings, LayerNorm, softmax, GELU, residual additions and heads.");
        if (chart != null) {
            FiringRateChart.write(reports, chart);
            for (EnergyReport report : reports) {
                Path sites = chart.resolveSibling(
                        chart.getFileName().toString().replaceFirst("(\\.png)?$", "-sites-T" + report.label().replaceAll("\\D", "") + ".png"));
                FiringRateChart.writeSites(report, sites);
                out.println("Chart written to " + sites);
            }
            out.println("Chart written to " + chart);
        }
        out.flush();
        return 0;
    }

    static ProgressBar progress(String task, int total) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    private EnergyModel energyModel() {
        return EnergyModel.builder()
                .optPicojoulesPerMac(picojoulesPerMac)
                .optPicojoulesPerAccumulate(picojoulesPerAccumulate)
                .build();
    }

    private int analytic() {
        List<Integer> steps = timeSteps != null ? timeSteps : List.of(1, 4);
        int sequenceLength = text.sequenceLength != null ? text.sequenceLength : 128;
        PrintWriter out = spec.commandLine().getOut();
        EnergyModel energy = energyModel();
        List<TransformerCost.Matmul> layer = TransformerCost.layer(sequenceLength, hidden, intermediate);
        long macs = TransformerCost.encoderMacs(layers, sequenceLength, hidden, intermediate);

        out.printf(
                Locale.ROOT,
                "Transformer encoder: %d layers, hidden %d, FFN %d, sequence length %d%n",
                layers,
                hidden,
                intermediate,
                sequenceLength);
        out.printf(Locale.ROOT, "MACs per sequence: %.2f G (", macs / 1e9);
        for (int i = 0; i < layer.size(); i++) {
            out.printf(Locale.ROOT, "%s%s %.1f M/layer", i == 0 ? "" : ", ", layer.get(i).name(), layer.get(i).macs() / 1e6);
        }
        out.println(")");
        double annJoules = energy.macEnergy(macs);
        out.printf(Locale.ROOT, "ANN energy: %.2f mJ at %.2f pJ/MAC%n%n", annJoules * 1e3, picojoulesPerMac);

        out.printf(Locale.ROOT, "%3s  %-12s  %10s  %12s  %7s%n", "T", "firing rate", "SOPs (G)", "SNN (mJ)", "saving");
        for (int t : steps) {
            double rate = firingRate != null ? firingRate : measureFiringRate(t, sequenceLength);
            double sops = rate * t * macs;
            double snnJoules = energy.accumulateEnergy(sops);
            out.printf(
                    Locale.ROOT,
                    "%3d  %-12s  %10.3f  %12.3f  %6.1fx%n",
                    t,
                    String.format(Locale.ROOT, "%.4f%s", rate, firingRate != null ? "" : "*"),
                    sops / 1e9,
                    snnJoules * 1e3,
                    annJoules / snnJoules);
        }
        if (firingRate == null) {
            out.printf(
                    Locale.ROOT,
                    "%n* measured: elastic bi-spiking neuron, k = %.2f, calibrated on one batch of N(0,1)"
                            + " input [%d x %d] repeated over T, rate read on a second batch.%n",
                    k,
                    sequenceLength,
                    hidden);
        }
        out.println("Not counted: embeddings, LayerNorm, softmax, GELU and residual additions.");
        out.flush();
        return 0;
    }

    private void validate() {
        if (layers < 1 || hidden < 1 || intermediate < 1) {
            throw new ParameterException(spec.commandLine(), "--layers, --hidden, --intermediate and --seq-len must be positive");
        }
        for (int t : timeSteps == null ? List.<Integer>of() : timeSteps) {
            if (t < 1) {
                throw new ParameterException(spec.commandLine(), "--time-steps must be at least 1, got " + t);
            }
        }
        if (firingRate != null && !(firingRate >= 0 && firingRate <= 1)) {
            throw new ParameterException(spec.commandLine(), "--firing-rate must be in [0, 1], got " + firingRate);
        }
        if (!(k > 0) || Float.isInfinite(k)) {
            throw new ParameterException(spec.commandLine(), "--k must be positive, got " + k);
        }
    }

    private double measureFiringRate(int steps, int sequenceLength) {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(seed);
            ElasticBiSpikingNeuron neuron =
                    ElasticBiSpikingNeuron.builder()
                            .setTimeSteps(steps)
                            .optCalibration(AmplitudeCalibration.meanAbs(k))
                            .build();
            Shape shape = new Shape(steps, sequenceLength, hidden);
            NDArray calibration = gaussian(manager, steps, sequenceLength);
            NDArray measured = gaussian(manager, steps, sequenceLength);
            neuron.initialize(manager, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(manager, false);
            neuron.forward(store, new NDList(calibration), false);
            try (SpikeMonitor monitor = SpikeMonitor.attach(neuron)) {
                neuron.forward(store, new NDList(measured), false);
                SiteStatistics site = monitor.snapshot().get(0);
                return site.firingRate();
            }
        }
    }

    private NDArray gaussian(NDManager manager, int steps, int sequenceLength) {
        return TimeAxis.repeat(manager.randomNormal(new Shape(sequenceLength, hidden)), steps);
    }
}
