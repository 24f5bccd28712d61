package ai.spikelm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.ops.kernel.NativeKernels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The side-by-side benchmark on a tiny batch: outputs checked equal, every configuration timed. */
class OnnxBenchCommandTest {

    private static String[] run(String... args) {
        CommandLine cli = SpikeLmBench.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void checksOutputsThenTimesEveryConfigurationAgainstOnnxRuntime() {
        List<String> products = new ArrayList<>();
        if (NativeKernels.isEventsAvailable()) {
            products.addAll(List.of("EVENTS", "EVENT_DELTAS"));
        }
        if (NativeKernels.isInt8Available()) {
            products.add("INT8");
        }
        List<String> args = new ArrayList<>(List.of("onnx", "--sizes", "2x9", "-T", "2", "--rounds", "2", "--warmup", "1"));
        if (!products.isEmpty()) {
            args.add("--products=" + String.join(",", products));
        }
        String[] r = run(args.toArray(String[]::new));
        assertEquals("0", r[0], r[1] + r[2]);
        String out = r[1];
        Matcher diff = Pattern.compile("2 x 9 tokens: SpikeLM ANN vs ONNX Runtime last_hidden_state max \\|diff\\| (\\S+);").matcher(out);
        assertTrue(diff.find(), out);
        assertTrue(Double.parseDouble(diff.group(1)) <= 1e-4, "ANN equals ONNX Runtime: " + diff.group(1));
        Matcher cosine = Pattern.compile("SpikeLM T=2 mean-pooled cosine ([-0-9.]+)").matcher(out);
        assertTrue(cosine.find(), out);
        double c = Double.parseDouble(cosine.group(1));
        assertTrue(c >= -1 && c <= 1.0001, "a cosine: " + c);
        List<String> names = new ArrayList<>(List.of("ONNX Runtime", "SpikeLM ANN", "SpikeLM T=2"));
        for (String product : products) {
            String name = "T=2 " + product.toLowerCase(Locale.ROOT).replace('_', '-');
            names.add(name);
            Matcher twin = Pattern.compile(Pattern.quote(name) + " mean-pooled cosine [-0-9.]+ \\(([-0-9.]+) to the dense product\\)").matcher(out);
            assertTrue(twin.find(), out);
            double t = Double.parseDouble(twin.group(1));
            // The event products are exact up to rounding; int8 weights are lossy.
            assertTrue(t > (product.equals("INT8") ? 0 : 0.99) && t <= 1.0001, name + " outputs are near the dense ones: " + t);
        }
        for (String name : names) {
            Matcher row = Pattern.compile("(?m)^  " + Pattern.quote(name) + "\\s+(\\d+\\.\\d+)\\s").matcher(out);
            assertTrue(row.find(), name + " timed:\n" + out);
            assertTrue(Double.parseDouble(row.group(1)) > 0, out);
        }
        // ONNX Runtime's ratio to itself is 1 in every round.
        assertTrue(Pattern.compile("(?m)^  ONNX Runtime .* 1\\.00 +1\\.00 - +1\\.00 ").matcher(out).find(), out);
        assertTrue(out.contains("peak resident memory of the process"), out);
    }

    @Test
    void badSizesAreRefusedWithTheArgument() {
        String[] r = run("onnx", "--sizes", "8by128");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--sizes 8by128") && r[2].contains("BATCHxTOKENS"), r[2]);
        r = run("onnx", "--sizes", "1x600");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("2..512"), r[2]);
    }
}
