package tickertape.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Medians of repetitions and percentiles of latency samples. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The p-th percentile (0..100) of nanosecond samples, in milliseconds (nearest rank). */
    static double percentileMillis(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    static double round(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** Three significant digits, for the JSON and the table. */
    static Double sig(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        if (value == 0) {
            return 0.0;
        }
        int digits = 3 - (int) Math.ceil(Math.log10(Math.abs(value)));
        return round(value, Math.max(0, digits));
    }

    static List<Double> list() {
        return new ArrayList<>();
    }
}
