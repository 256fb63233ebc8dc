package tickertape.polygon;

import java.time.LocalDate;

/**
 * One split as Polygon lists it: from {@code executionDate} on, {@code splitFrom} old shares are
 * {@code splitTo} new ones (5:1 a 1-for-5 reverse split). {@code id} is Polygon's, null if absent.
 */
public record PolygonSplit(String id, LocalDate executionDate, double splitFrom, double splitTo) {
}
