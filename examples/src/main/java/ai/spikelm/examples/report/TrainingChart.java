package ai.spikelm.examples.report;

import ai.spikelm.zoo.training.EpochResult;
import ai.spikelm.zoo.training.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Records a training run as it goes (a {@link TrainingListener}) and draws its loss curve: the loss
 * of every optimizer step, a moving average of it, and the evaluation metric after each epoch on a
 * second axis.
 */
public final class TrainingChart implements TrainingListener {

    private final String title;
    private final String metricName;
    private final List<Double> steps = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<Double> epochSteps = new ArrayList<>();
    private final List<Double> metrics = new ArrayList<>();

    /**
     * Creates an empty chart.
     *
     * @param title the chart title
     * @param metricName the name of the evaluation metric drawn per epoch
     */
    public TrainingChart(String title, String metricName) {
        this.title = title;
        this.metricName = metricName;
    }

    @Override
    public void onStep(StepEvent event) {
        steps.add((double) event.step());
        losses.add((double) event.loss());
    }

    @Override
    public void onEpochEnd(EpochResult result) {
        if (result.evaluation() != null) {
            epochSteps.add((double) result.steps());
            metrics.add(result.evaluation().mainValue());
        }
    }

    /**
     * Returns how many steps were recorded.
     *
     * @return the number of optimizer steps seen
     */
    public int recordedSteps() {
        return steps.size();
    }

    /**
     * Writes the chart as a PNG.
     *
     * @param file the file to write ({@code .png} is added if missing)
     * @throws IOException if the file cannot be written
     * @throws IllegalStateException if no step was recorded
     */
    public void write(Path file) throws IOException {
        if (steps.isEmpty()) {
            throw new IllegalStateException("no training step was recorded, nothing to draw");
        }
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(500)
                        .title(title)
                        .xAxisTitle("optimizer step")
                        .yAxisTitle("training loss")
                        .build();
        chart.setYAxisGroupTitle(1, metricName);
        // Plain step numbers, spaced: "1,003" next to "1,170" ran together on runs of thousands of steps.
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        XYSeries raw = chart.addSeries("loss per step", steps, losses);
        raw.setMarker(SeriesMarkers.NONE);
        XYSeries smooth = chart.addSeries("loss, moving average", steps, movingAverage(losses, 10));
        smooth.setMarker(SeriesMarkers.NONE);
        if (!metrics.isEmpty()) {
            XYSeries metric = chart.addSeries(metricName + " after each epoch", epochSteps, metrics);
            metric.setYAxisGroup(1);
            metric.setMarker(SeriesMarkers.CIRCLE);
        }
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }

    /** A trailing moving average, so noisy per-step losses still show their trend. */
    static List<Double> movingAverage(List<Double> values, int window) {
        List<Double> out = new ArrayList<>(values.size());
        double sum = 0;
        for (int i = 0; i < values.size(); i++) {
            sum += values.get(i);
            if (i >= window) {
                sum -= values.get(i - window);
            }
            out.add(sum / Math.min(i + 1, window));
        }
        return out;
    }
}
