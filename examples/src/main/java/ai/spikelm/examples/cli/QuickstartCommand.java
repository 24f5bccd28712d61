package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.eval.StsEvaluator;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.text.EncoderPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The README's main job: the embedded all-MiniLM-L6-v2 converted to SpikeLM, compared with the ANN
 * on real sentences (similarity matrices and their agreement), with firing rates and energy.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description =
                "Convert the embedded all-MiniLM-L6-v2 (real weights) to SpikeLM, calibrate it on the "
                + "embedded text, and compare ANN and SpikeLM: sentence similarities, firing rates, "
                + "energy.")
final class QuickstartCommand implements Callable<Integer> {

    /** Four pairs of related sentences. */
    static final List<String> SENTENCES =
            List.of(
                    "A man is playing a guitar.",
                    "Someone is strumming a guitar on stage.",
                    "The stock market fell sharply today.",
                    "Share prices dropped steeply this afternoon.",
                    "God said, let there be light, and there was light.",
                    "In the beginning God created the heavens and the earth.",
                    "She baked fresh bread for breakfast.",
                    "The bakery sells warm loaves every morning.");

    @Spec CommandSpec spec;

    @Option(names = {"-T", "--time-steps"}, defaultValue = "4", description = "SpikeLM time steps (default ${DEFAULT-VALUE}).")
    int timeSteps;

    @Option(
            names = "--student",
            description = "Also compare a trained SpikeLM student of the same model, e.g. runs/minilm-t1/best written by spikelm distill.")
    String student;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        // Not calibrated on load: the report calibrates on the first batch and measures the rest.
        ModelSource source = new ModelSource(null, null, false).calibrateOn(null);
        TextOptions text = new TextOptions();
        text.maxLines = 40;
        text.batchSize = 8;
        text.maxLength = 128;
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = text.tokenizer(source.requireTokenizer());
                ProgressBar bar = EnergyCommand.progress("quickstart", 4 + 5)) {
            EncoderModel ann = source.loadEncoder(manager, s -> SpikingConfig.ANN);
            bar.step();
            EncoderModel snn = source.loadEncoder(manager, s -> SpikingConfig.builder().optTimeSteps(timeSteps).build());
            bar.step();
            List<EncodedBatch> batches = text.batches(tokenizer);
            // The report estimates the ANN's energy from the same sequences, so it is the fair baseline.
            EnergyReport snnReport =
                    EnergyReport.measure("SpikeLM T=" + timeSteps, snn, manager, batches, EnergyModel.DEFAULT,
                            EnergyReport.Padding.EXCLUDED, i -> bar.step());
            double[][] a = similarities(ann, source);
            bar.step();
            double[][] s = similarities(snn, source);
            bar.step();
            bar.close();

            out.printf(Locale.ROOT, "all-MiniLM-L6-v2 (real weights, Maven jar) as ANN and as SpikeLM T=%d (α calibrated on the embedded text)%n%n", timeSteps);
            for (int i = 0; i < SENTENCES.size(); i++) {
                out.printf(Locale.ROOT, "  s%d  %s%n", i, SENTENCES.get(i));
            }
            printMatrix(out, "ANN cosine similarity", a);
            printMatrix(out, "SpikeLM T=" + timeSteps + " cosine similarity", s);
            out.printf(Locale.ROOT, "%nAgreement: Pearson r of the off-diagonal similarities %.3f; same nearest neighbour for %d of %d sentences%n",
                    offDiagonalCorrelation(a, s), sameNeighbours(a, s), SENTENCES.size());
            out.println();
            snnReport.print(out, true);
            out.printf(Locale.ROOT, "Energy per sequence (%s): ANN %.4f mJ, SpikeLM %.4f mJ — %.1fx less (45 nm: 4.6 pJ/MAC,"
                            + " 0.9 pJ/AC; embeddings, LayerNorm, softmax and GELU not counted)%n",
                    snnReport.paddingLabel(), snnReport.perSequence().annJoules() * 1e3, snnReport.perSequence().spikingJoules() * 1e3,
                    snnReport.perSequence().savingFactor());
            if (student != null) {
                ModelSource trainedSource = new ModelSource(student, null, false);
                EncoderModel trained = trainedSource.loadEncoder(manager, c -> c);
                double[][] d = similarities(trained, trainedSource);
                printMatrix(out, "Student " + student + " (" + trained.spiking() + ") cosine similarity", d);
                out.printf(Locale.ROOT, "%nStudent agreement with the ANN: Pearson r %.3f; same nearest neighbour for %d of %d sentences%n",
                        offDiagonalCorrelation(a, d), sameNeighbours(a, d), SENTENCES.size());
            } else {
                out.println("Converted without training. Distillation from the ANN recovers what conversion loses:");
                out.println("  spikelm distill -T " + timeSteps + " --text <folder of text> --out runs/minilm  (see the README),");
                out.println("  then spikelm quickstart --student runs/minilm/best, or spikelm sts --model runs/minilm/best.");
            }
        }
        out.flush();
        return 0;
    }

    /** The cosine similarity matrix of the sentences' vectors (mean pooling, as the model was trained). */
    private static double[][] similarities(EncoderModel model, ModelSource source) throws IOException {
        float[][] vectors;
        try (EncoderPipeline pipeline =
                EncoderPipeline.builder().setModel(model).setTokenizer(source.requireTokenizer()).optMaxLength(128).build()) {
            vectors = pipeline.vectors(SENTENCES);
        }
        double[][] s = new double[vectors.length][vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            for (int j = 0; j < vectors.length; j++) {
                s[i][j] = StsEvaluator.cosine(vectors[i], vectors[j]);
            }
        }
        return s;
    }

    private static void printMatrix(PrintWriter out, String title, double[][] m) {
        out.printf(Locale.ROOT, "%n%s:%n     ", title);
        for (int j = 0; j < m.length; j++) {
            out.printf(Locale.ROOT, "   s%d ", j);
        }
        out.println();
        for (int i = 0; i < m.length; i++) {
            out.printf(Locale.ROOT, "  s%d ", i);
            for (double v : m[i]) {
                out.printf(Locale.ROOT, " %5.2f", v);
            }
            out.println();
        }
    }

    static double offDiagonalCorrelation(double[][] a, double[][] b) {
        int n = a.length;
        double[] x = new double[n * (n - 1) / 2];
        double[] y = new double[x.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                x[k] = a[i][j];
                y[k++] = b[i][j];
            }
        }
        double mx = java.util.Arrays.stream(x).average().orElse(0);
        double my = java.util.Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static int sameNeighbours(double[][] a, double[][] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            if (nearest(a, i) == nearest(b, i)) {
                same++;
            }
        }
        return same;
    }

    private static int nearest(double[][] m, int i) {
        int best = -1;
        for (int j = 0; j < m.length; j++) {
            if (j != i && (best < 0 || m[i][j] > m[i][best])) {
                best = j;
            }
        }
        return best;
    }
}
