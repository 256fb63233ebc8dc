package tickertape.status;

import java.util.List;
import java.util.Locale;

/**
 * A small inline SVG line of closes, scaled to its own range. status/page.mustache draws it from these
 * figures.
 *
 * @param direction "up" (green) when the last close is at or above the first, else "down"
 * @param points the polyline's points, "x,y x,y …" in the {@value #WIDTH} × {@value #HEIGHT} box
 */
record Sparkline(String label, String direction, String points) {
    static final int WIDTH = 168;
    static final int HEIGHT = 40;
    private static final double PAD = 2;

    /** The line of {@code closes}, oldest first; null for fewer than two (there is no line to draw). */
    static Sparkline of(String label, List<Double> closes) {
        if (closes.size() < 2) {
            return null;
        }
        double min = closes.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = closes.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double range = max > min ? max - min : 1;
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < closes.size(); i++) {
            double x = PAD + i * (WIDTH - 2 * PAD) / (closes.size() - 1);
            double y = PAD + (max - closes.get(i)) * (HEIGHT - 2 * PAD) / range;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        String direction = closes.get(closes.size() - 1) >= closes.get(0) ? "up" : "down";
        return new Sparkline(label, direction, points.toString().trim());
    }

    int width() {
        return WIDTH;
    }

    int height() {
        return HEIGHT;
    }
}
