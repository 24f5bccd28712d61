package ai.spikelm.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The server's metrics in Prometheus' text exposition format (version 0.0.4): counters,
 * histograms and gauges with labels. Small on purpose: the format is a few lines per series, and
 * the server needs nothing else of a metrics library. All methods are thread-safe.
 */
final class Metrics {

    /** Latency buckets in seconds. */
    static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    /** Batch-size buckets (inputs per model call). */
    static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    /** Firing-rate buckets (fraction of spike sites that fire). */
    static final double[] RATE = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1};
    /** Energy buckets in joules (45 nm estimate per request). */
    static final double[] JOULES = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10};

    private final Map<String, Family> families = new java.util.LinkedHashMap<>();

    /** A counter family. */
    final class Counter extends Family {
        private final Map<List<String>, DoubleAdder> values = new ConcurrentSkipListMap<>(Metrics::compare);

        Counter(String name, String help, String... labels) {
            super(name, help, "counter", labels);
        }

        void inc(String... labelValues) {
            add(1, labelValues);
        }

        void add(double amount, String... labelValues) {
            values.computeIfAbsent(key(labelValues), k -> new DoubleAdder()).add(amount);
        }

        double value(String... labelValues) {
            DoubleAdder v = values.get(key(labelValues));
            return v == null ? 0 : v.sum();
        }

        @Override
        void write(StringBuilder out) {
            values.forEach((k, v) -> sample(out, name, k, null, v.sum()));
        }
    }

    /** A histogram family with fixed upper bounds. */
    final class Histogram extends Family {
        private final double[] bounds;
        private final Map<List<String>, Series> series = new ConcurrentSkipListMap<>(Metrics::compare);

        Histogram(String name, String help, double[] bounds, String... labels) {
            super(name, help, "histogram", labels);
            this.bounds = bounds.clone();
        }

        void observe(double value, String... labelValues) {
            if (!Double.isFinite(value)) {
                return; // a model without spikes has no firing rate
            }
            series.computeIfAbsent(key(labelValues), k -> new Series(bounds.length)).observe(bounds, value);
        }

        long count(String... labelValues) {
            Series s = series.get(key(labelValues));
            return s == null ? 0 : s.count.sum();
        }

        double sum(String... labelValues) {
            Series s = series.get(key(labelValues));
            return s == null ? 0 : s.sum.sum();
        }

        @Override
        void write(StringBuilder out) {
            series.forEach((k, s) -> {
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += s.buckets[i].sum();
                    sample(out, name + "_bucket", k, format(bounds[i]), cumulative);
                }
                sample(out, name + "_bucket", k, "+Inf", s.count.sum());
                sample(out, name + "_sum", k, null, s.sum.sum());
                sample(out, name + "_count", k, null, s.count.sum());
            });
        }
    }

    /** A gauge read when scraped. */
    final class Gauge extends Family {
        private final Map<List<String>, DoubleSupplier> values = new ConcurrentSkipListMap<>(Metrics::compare);

        Gauge(String name, String help, String... labels) {
            super(name, help, "gauge", labels);
        }

        void register(DoubleSupplier value, String... labelValues) {
            values.put(key(labelValues), value);
        }

        @Override
        void write(StringBuilder out) {
            values.forEach((k, v) -> sample(out, name, k, null, v.getAsDouble()));
        }
    }

    private static final class Series {
        final LongAdder[] buckets;
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Series(int n) {
            buckets = new LongAdder[n];
            Arrays.setAll(buckets, i -> new LongAdder());
        }

        void observe(double[] bounds, double value) {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(value);
        }
    }

    /** What the families have in common: name, help, type and label names. */
    abstract static class Family {
        final String name;
        final String help;
        final String type;
        final String[] labels;

        Family(String name, String help, String type, String[] labels) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.labels = labels.clone();
        }

        List<String> key(String[] labelValues) {
            if (labelValues.length != labels.length) {
                throw new IllegalArgumentException(name + " takes labels " + Arrays.toString(labels));
            }
            return List.of(labelValues);
        }

        void sample(StringBuilder out, String sampleName, List<String> values, String le, double value) {
            out.append(sampleName);
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                pairs.add(labels[i] + "=\"" + escape(values.get(i)) + "\"");
            }
            if (le != null) {
                pairs.add("le=\"" + le + "\"");
            }
            if (!pairs.isEmpty()) {
                out.append('{').append(String.join(",", pairs)).append('}');
            }
            out.append(' ').append(format(value)).append('\n');
        }

        abstract void write(StringBuilder out);
    }

    Counter counter(String name, String help, String... labels) {
        return register(new Counter(name, help, labels));
    }

    Histogram histogram(String name, String help, double[] bounds, String... labels) {
        return register(new Histogram(name, help, bounds, labels));
    }

    Gauge gauge(String name, String help, String... labels) {
        return register(new Gauge(name, help, labels));
    }

    private synchronized <F extends Family> F register(F family) {
        if (families.putIfAbsent(family.name, family) != null) {
            throw new IllegalArgumentException("Metric registered twice: " + family.name);
        }
        return family;
    }

    /** Returns every family in the text exposition format. */
    synchronized String scrape() {
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            out.append("# HELP ").append(f.name).append(' ').append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            f.write(out);
        }
        return out.toString();
    }

    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
