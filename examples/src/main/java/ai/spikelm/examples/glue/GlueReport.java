package ai.spikelm.examples.glue;

import ai.spikelm.zoo.eval.glue.GlueMetric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * A set of GLUE runs as a results table (Markdown) and a chart: task by task in GLUE order, the
 * ANN first, then SpikeLM by T, each without and then with distillation.
 */
public final class GlueReport {

    /** ANN first, then SpikeLM by T, each converted before a distilled encoder, plain before KD. */
    private static final Comparator<GlueRunResult> MODEL_ORDER =
            Comparator.comparing((GlueRunResult r) -> !r.isAnn())
                    .thenComparingInt(GlueRunResult::timeSteps)
                    .thenComparing(r -> r.encoderFrom() != null)
                    .thenComparing(r -> r.distilledFrom() != null);

    private final List<GlueRunResult> runs;

    /**
     * Orders the runs for the table.
     *
     * @param runs the runs, in any order
     */
    public GlueReport(List<GlueRunResult> runs) {
        this.runs =
                runs.stream()
                        .sorted(Comparator.comparing((GlueRunResult r) -> r.glueTask().ordinal()).thenComparing(MODEL_ORDER))
                        .toList();
    }

    /**
     * Returns the runs in table order.
     *
     * @return the runs
     */
    public List<GlueRunResult> runs() {
        return runs;
    }

    /**
     * Returns the table: task, model, training, dev metrics (in %), firing rate, energy per
     * sequence (and the saving against the ANN) and wall time.
     *
     * @return Markdown, one row per run
     */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| task | model | training | dev metric | firing rate | energy / sequence | time |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (GlueRunResult r : runs) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.0f s |%n",
                    r.glueTask().directory(), r.variant(), training(r), metrics(r),
                    r.isAnn() ? "–" : String.format(Locale.ROOT, "%.3f", r.firingRate()), energy(r), r.seconds()));
        }
        return b.toString();
    }

    /** "1000 × 3 ep." ("500 of dev" when trained on part of dev; ", from DIR" when not from the default), or "none". */
    static String training(GlueRunResult r) {
        if (!r.trained()) {
            return "none";
        }
        Integer count = r.trainExamples() != null ? r.trainExamples() : r.trainFromDev() != null ? r.trainFromDev() : r.trainSubset();
        String examples = count == null ? "all" : count + (r.trainFromDev() != null ? " of dev" : "");
        String from = "";
        if (r.model() != null && r.model().contains("/")) { // a folder or Hub id, not the embedded default
            Path start = Path.of(r.model());
            from = ", from " + (start.getNameCount() > 2 ? start.subpath(start.getNameCount() - 2, start.getNameCount()) : start);
        }
        return examples + " × " + r.epochs() + " ep." + from;
    }

    /** Every metric of every dev split in %, the split named only when there are several. */
    static String metrics(GlueRunResult r) {
        List<String> parts = new ArrayList<>();
        boolean named = r.metrics().size() > 1;
        r.metrics().forEach((split, values) -> values.forEach((metric, value) -> parts.add(
                (named ? split + " " : "") + GlueMetric.valueOf(metric).key() + String.format(Locale.ROOT, " %.1f", 100 * value))));
        return String.join(", ", parts);
    }

    private static String energy(GlueRunResult r) {
        String mj = String.format(Locale.ROOT, "%.3f mJ", r.modelMjPerSequence());
        return r.isAnn() ? mj : mj + String.format(Locale.ROOT, " (%.1f× less)", r.annMjPerSequence() / r.modelMjPerSequence());
    }

    /**
     * Draws the main dev metric of each task (in %), one bar per model variant.
     *
     * @param file the PNG to write
     * @throws IOException if the file cannot be written
     */
    public void writeChart(Path file) throws IOException {
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(1000)
                        .height(500)
                        .title("GLUE dev, main metric")
                        .xAxisTitle("task")
                        .yAxisTitle("% (Pearson / MCC × 100)")
                        .build();
        List<String> tasks = runs.stream().map(r -> r.glueTask().directory()).distinct().toList();
        Map<String, Map<String, Double>> byVariant = new LinkedHashMap<>();
        for (GlueRunResult r : runs.stream().sorted(MODEL_ORDER).toList()) { // series in the table's model order
            GlueMetric main = r.glueTask().mainMetric();
            Double value = r.metrics().values().iterator().next().get(main.name());
            if (value != null) {
                byVariant.computeIfAbsent(r.variant(), v -> new TreeMap<>()).put(r.glueTask().directory(), 100 * value);
            }
        }
        byVariant.forEach((variant, values) ->
                chart.addSeries(variant, tasks, tasks.stream().map(t -> values.getOrDefault(t, 0.0)).collect(Collectors.toList())));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
