package ai.spikelm.examples.report;

import ai.spikelm.ops.stats.SiteStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Draws firing rate per layer, one series per model, as a PNG. */
public final class FiringRateChart {

    private FiringRateChart() {}

    /**
     * Writes the chart.
     *
     * @param reports the measured models (those without spikes are skipped)
     * @param file the PNG to write
     * @throws IOException if the file cannot be written
     */
    public static void write(List<EnergyReport> reports, Path file) throws IOException {
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(900)
                        .height(500)
                        .title("Firing rate per layer")
                        .xAxisTitle("layer")
                        .yAxisTitle("non-zero spike fraction")
                        .build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        for (EnergyReport report : reports) {
            if (report.layerFiringRates().isEmpty()) {
                continue;
            }
            List<String> layers = new ArrayList<>();
            report.layerFiringRates().keySet().forEach(k -> layers.add(k.substring(k.lastIndexOf('.') + 1)));
            chart.addSeries(report.label(), layers, new ArrayList<>(report.layerFiringRates().values()));
        }
        save(chart, file);
    }

    /**
     * Writes the firing rate of every spike site of one model as a PNG.
     *
     * @param report the measured model
     * @param file the PNG to write
     * @throws IOException if the file cannot be written
     */
    public static void writeSites(EnergyReport report, Path file) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (SiteStatistics s : report.sites()) {
            if (s.hasSpikes()) {
                names.add(s.name().replace("encoder.layer.", "L").replace("attention.", "").replace(".neuron", ""));
                rates.add(s.firingRate());
            }
        }
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(Math.max(900, 22 * names.size()))
                        .height(600)
                        .title("Firing rate per spike site — " + report.label())
                        .xAxisTitle("site")
                        .yAxisTitle("non-zero spike fraction")
                        .build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setLegendVisible(false);
        if (!names.isEmpty()) {
            chart.addSeries(report.label(), names, rates);
        }
        save(chart, file);
    }

    /**
     * Writes the per-layer chart of a spiking model beside another chart: {@code name.png} gets
     * {@code name-firing.png}. Nothing is written for a model without spikes.
     *
     * @param report the measured model
     * @param mainChart the chart it accompanies
     * @return the file written, or null for a model without spikes
     * @throws IOException if the file cannot be written
     */
    public static Path writeBeside(EnergyReport report, Path mainChart) throws IOException {
        if (report.layerFiringRates().isEmpty()) {
            return null;
        }
        String name = mainChart.getFileName().toString();
        Path file = mainChart.resolveSibling((name.endsWith(".png") ? name.substring(0, name.length() - 4) : name) + "-firing.png");
        write(List.of(report), file);
        return file;
    }

    private static void save(CategoryChart chart, Path file) throws IOException {
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
