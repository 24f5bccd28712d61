package ai.spikelm.examples.cli;

import ai.spikelm.examples.glue.GlueReport;
import ai.spikelm.examples.glue.GlueRunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spikelm glue-report}: the results of many {@code glue --json} runs as one table. */
@Command(
        name = "glue-report",
        mixinStandardHelpOptions = true,
        description = "Collects glue --json results (files, or every *.json in a folder) into a Markdown table, "
                + "ordered by task and model; --chart draws the main metric per task.")
public final class GlueReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "glue --json files or folders of them.")
    List<Path> inputs;

    @Option(names = "--chart", description = "Write the main dev metric per task and model as a PNG bar chart.")
    Path chart;

    @Override
    public Integer call() throws IOException {
        List<GlueRunResult> runs = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> files = Files.list(input)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                        runs.add(GlueRunResult.read(file));
                    }
                }
            } else if (Files.isRegularFile(input)) {
                runs.add(GlueRunResult.read(input));
            } else {
                throw new IllegalArgumentException("No such file or folder: " + input);
            }
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("No glue results (*.json) in " + inputs);
        }
        GlueReport report = new GlueReport(runs);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.markdown());
        if (chart != null) {
            report.writeChart(chart);
            out.println();
            out.println("chart written to " + chart);
        }
        out.flush();
        return 0;
    }
}
