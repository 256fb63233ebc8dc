package tickertape.polygon;

import java.util.List;

/**
 * One page of a Polygon aggregates response. {@code results} is empty when Polygon sent no
 * {@code results} key (an empty window); {@code nextUrl} is null on the last page.
 */
public record AggregatesPage(String status, List<PolygonBar> results, String nextUrl) implements PolygonPage {
}
