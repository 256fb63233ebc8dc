package tickertape.status;

import java.util.List;
import java.util.Locale;

/** A small inline SVG line of closes, scaled to its own range; green when the last is at or above the first. */
final class Sparkline {
    static final int WIDTH = 168;
    static final int HEIGHT = 40;
    private static final double PAD = 2;

    private Sparkline() {
    }

    static String svg(String label, List<Double> closes) {
        if (closes.size() < 2) {
            return "<span class=\"muted\">no 1h bars yet</span>";
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
        boolean up = closes.get(closes.size() - 1) >= closes.get(0);
        return "<svg class=\"spark " + (up ? "up" : "down") + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT
                + "\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT + "\" role=\"img\" aria-label=\"" + Html.escape(label) + "\">"
                + "<title>" + Html.escape(label) + "</title>"
                + "<polyline fill=\"none\" stroke-width=\"1.5\" points=\"" + points.toString().trim() + "\"/></svg>";
    }
}
