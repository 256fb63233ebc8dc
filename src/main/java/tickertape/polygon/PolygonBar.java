package tickertape.polygon;

/**
 * One aggregate as Polygon sends it: {@code t} the bar's start in Unix ms UTC; {@code vw} and
 * {@code n} may be missing (null); {@code v} is a double and may be fractional.
 */
public record PolygonBar(long t, double o, double h, double l, double c, double v, Double vw, Long n) {
}
