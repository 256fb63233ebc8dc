package tickertape.polygon;

/** One page of a Polygon answer: aggregates, or a ticker's splits; {@code nextUrl} is null on the last page. */
public sealed interface PolygonPage permits AggregatesPage, SplitsPage {
    String nextUrl();
}
