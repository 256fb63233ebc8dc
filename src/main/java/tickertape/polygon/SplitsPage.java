package tickertape.polygon;

import java.util.List;

/** One page of {@code /v3/reference/splits}; {@code nextUrl} is null on the last page. */
public record SplitsPage(List<PolygonSplit> results, String nextUrl) implements PolygonPage {
}
