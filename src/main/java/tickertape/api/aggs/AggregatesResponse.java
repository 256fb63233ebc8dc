package tickertape.api.aggs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Polygon's aggregates body, field for field (docs/POLYGON.md): no {@code results} key when there are no
 * bars, {@code next_url} only when more data exists, {@code vw} and {@code n} only when known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AggregatesResponse(String ticker, int queryCount, int resultsCount, boolean adjusted,
                          List<Aggregate> results, String status, @JsonProperty("request_id") String requestId,
                          int count, @JsonProperty("next_url") String nextUrl) {

    /** One bar: {@code t} its start in Unix ms, {@code vw} its volume-weighted price, {@code n} its trade count. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Aggregate(double v, Double vw, double o, double c, double h, double l, long t, Long n) {
    }
}
