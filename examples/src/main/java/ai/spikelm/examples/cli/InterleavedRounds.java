package ai.spikelm.examples.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Times several configurations of one workload in interleaved rounds, so that machine noise hits
 * all of them alike: each round runs every configuration once, in the orders of a Williams design
 * ({@link #order}), in which every configuration follows every other equally often. What runs
 * just before matters: ONNX Runtime's workers spin after a run, and a plain rotation (round r
 * running (r + k) mod n as its k-th) keeps every neighbour, so the configuration after ONNX Runtime
 * always ran on those cores (our ANN at 8 × 128: 1.24–1.31× ONNX Runtime under the rotation,
 * 1.09–1.14× in this order, same build). Ratios are then taken within a round, from times measured
 * seconds apart, which on a shared machine is far steadier than a ratio of separate medians.
 *
 * <p>Besides wall time it records the process's CPU time over each run (how many cores were busy)
 * and the resident memory seen after each configuration.
 *
 * <p>The {@code bench*} commands use it, and so does the side-by-side benchmark against ONNX
 * Runtime in the {@code bench} module, which is why it is public.
 */
public final class InterleavedRounds {

    private final long[][] wallNanos;
    private final long[][] cpuNanos;
    private final long[] residentMegabytes;

    private InterleavedRounds(int configurations, int rounds) {
        wallNanos = new long[configurations][rounds];
        cpuNanos = new long[configurations][rounds];
        residentMegabytes = new long[configurations];
    }

    /**
     * Runs {@code warmup} untimed rounds, then {@code rounds} timed ones.
     *
     * @param configurations one run of each configuration
     * @param warmup untimed rounds first (at least 1: the first calibrates spiking models)
     * @param rounds timed rounds
     * @return the times
     */
    public static InterleavedRounds measure(List<Runnable> configurations, int warmup, int rounds) {
        return measure(configurations, warmup, 0, rounds);
    }

    /**
     * Runs untimed rounds until there were {@code warmup} of them and {@code warmupSeconds} have
     * passed, then {@code rounds} timed ones. The time floor is for small inputs: a round of a few
     * milliseconds leaves the JVM's hot paths interpreted or half compiled after a handful of
     * rounds (a 1 × 16 embedding measured 1.47× ONNX Runtime after 3 warm-up rounds and 1.37× once
     * compiled), while a native engine has nothing to warm.
     *
     * @param configurations one run of each configuration
     * @param warmup untimed rounds first (at least 1: the first calibrates spiking models)
     * @param warmupSeconds untimed rounds go on at least this long
     * @param rounds timed rounds
     * @return the times
     */
    public static InterleavedRounds measure(List<Runnable> configurations, int warmup, double warmupSeconds, int rounds) {
        int n = configurations.size();
        InterleavedRounds result = new InterleavedRounds(n, rounds);
        long warmStart = System.nanoTime();
        for (int w = 0; w < warmup || System.nanoTime() - warmStart < warmupSeconds * 1e9; w++) {
            configurations.forEach(Runnable::run);
        }
        for (int r = 0; r < rounds; r++) {
            for (int i : order(r, n)) {
                long cpu = processCpuNanos();
                long start = System.nanoTime();
                configurations.get(i).run();
                result.wallNanos[i][r] = System.nanoTime() - start;
                result.cpuNanos[i][r] = processCpuNanos() - cpu;
                result.residentMegabytes[i] = Math.max(result.residentMegabytes[i], residentMegabytes());
            }
        }
        return result;
    }

    /**
     * Returns the order of round {@code round} in a Williams design of {@code n} configurations: the
     * row 0, 1, n−1, 2, n−2, … shifted by the round, so that each ordered pair of distinct
     * configurations runs back to back once in every n rounds (for an odd n, twice in every 2n,
     * every other block of n rounds running its rows backwards).
     *
     * @param round the round, from 0
     * @param n the number of configurations
     * @return the configurations in the order they run
     */
    public static int[] order(int round, int n) {
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            int base = k % 2 == 0 ? (n - k / 2) % n : (k + 1) / 2;
            order[k] = (base + round) % n;
        }
        if (n % 2 == 1 && (round / n) % 2 == 1) {
            for (int a = 0, b = n - 1; a < b; a++, b--) {
                int t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
        }
        return order;
    }

    /**
     * Returns the wall times of a configuration in milliseconds, one per round.
     *
     * @param i the configuration
     * @return milliseconds
     */
    public double[] milliseconds(int i) {
        double[] ms = new double[wallNanos[i].length];
        for (int r = 0; r < ms.length; r++) {
            ms[r] = wallNanos[i][r] / 1e6;
        }
        return ms;
    }

    /**
     * Returns, per round, the wall time of configuration {@code i} over that of {@code base} in the
     * same round.
     *
     * @param i the configuration
     * @param base the reference configuration
     * @return one ratio per round
     */
    public double[] ratios(int i, int base) {
        double[] ratios = new double[wallNanos[i].length];
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = (double) wallNanos[i][r] / wallNanos[base][r];
        }
        return ratios;
    }

    /**
     * Returns, per round, the process's CPU time over configuration {@code i} divided by that over
     * {@code base} in the same round: the ratio of work done, which other processes on a shared
     * machine disturb far less than the ratio of wall times.
     *
     * @param i the configuration
     * @param base the reference configuration
     * @return one ratio per round (NaN where the JVM cannot tell CPU time)
     */
    public double[] cpuRatios(int i, int base) {
        double[] ratios = new double[cpuNanos[i].length];
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = cpuNanos[i][r] < 0 ? Double.NaN : (double) cpuNanos[i][r] / cpuNanos[base][r];
        }
        return ratios;
    }

    /**
     * Returns the cores a configuration kept busy: the process's CPU time over wall time, summed over
     * the rounds (garbage collection and compilation included).
     *
     * @param i the configuration
     * @return busy cores, or NaN where the JVM cannot tell CPU time
     */
    public double busyCores(int i) {
        long cpu = 0;
        long wall = 0;
        for (int r = 0; r < wallNanos[i].length; r++) {
            if (cpuNanos[i][r] < 0) {
                return Double.NaN;
            }
            cpu += cpuNanos[i][r];
            wall += wallNanos[i][r];
        }
        return (double) cpu / wall;
    }

    /**
     * Returns the largest resident memory seen right after a run of a configuration.
     *
     * @param i the configuration
     * @return MB, or -1 where /proc is missing
     */
    public long residentMegabytes(int i) {
        return residentMegabytes[i];
    }

    /**
     * Returns the median.
     *
     * @param values at least one value
     * @return the middle value, or the mean of the two middle ones
     */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /**
     * Returns the smallest value.
     *
     * @param values the values
     * @return the minimum, NaN for none
     */
    public static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    /**
     * Returns the largest value.
     *
     * @param values the values
     * @return the maximum, NaN for none
     */
    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /**
     * Returns this process's resident memory now ({@code VmRSS}).
     *
     * @return MB, or -1 where /proc is missing
     */
    public static long residentMegabytes() {
        return status("VmRSS:");
    }

    /**
     * Returns this process's peak resident memory so far ({@code VmHWM}).
     *
     * @return MB, or -1 where /proc is missing
     */
    public static long peakMegabytes() {
        return status("VmHWM:");
    }

    /** Reads a memory figure of this process from /proc (Linux), in MB; -1 elsewhere. */
    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The CPU time of every thread of this process, or −1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
