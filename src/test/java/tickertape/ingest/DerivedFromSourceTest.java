package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import tickertape.market.Timeframe;

/**
 * The derived timeframes (5m 15m 1h 4h), rolled up by the writer (BarStore, RollUp) from the 1m bars a run stored,
 * equal the source's own aggregates for the same window, bar for bar and field by field: a liquid
 * ticker and a thin one (UVXY misses minutes in session), over a Friday and the Monday after the
 * switch to daylight saving time (New York buckets move against UTC).
 */
class DerivedFromSourceTest extends IngestionTestSupport {
    private static final LocalDate FRIDAY = LocalDate.of(2024, 3, 8);
    /** The first trading day after the 2024-03-10 change to EDT. */
    private static final LocalDate MONDAY = LocalDate.of(2024, 3, 11);
    private static final Instant FROM = midnight(FRIDAY);
    private static final Instant TO = midnight(MONDAY.plusDays(1));
    private static final List<String> TICKERS = List.of("SPY", "UVXY");

    private boolean ingested;

    /** Once per class (a @BeforeAll would run before the app exists): 1m bars of both tickers. */
    @BeforeEach
    void ingestMinutesOnce() throws Exception {
        if (ingested) {
            return;
        }
        for (String ticker : TICKERS) {
            addTicker(ticker);
            Run run = ingest(ticker, Timeframe.M1, FROM, TO.minusMillis(1));
            assertThat(run.status()).as(run.toString()).isEqualTo("SUCCEEDED");
            assertStoredExactly(ticker, Timeframe.M1, FROM, TO, sourceMinutes(ticker, FRIDAY, MONDAY));
        }
        ingested = true;
    }

    static Stream<Arguments> derivedSeries() {
        List<Arguments> cases = new ArrayList<>();
        for (String ticker : TICKERS) {
            for (Timeframe timeframe : List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4)) {
                cases.add(Arguments.of(ticker, timeframe));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("derivedSeries")
    void everyDerivedBarEqualsTheSourcesOwnAggregate(String ticker, Timeframe timeframe) throws Exception {
        List<JsonNode> source = sourceAggregates(ticker, timeframe);
        Map<Long, StoredBar> stored = storedBars(ticker, timeframe, FROM, TO);

        assertThat(source).as("the source has bars to compare with").hasSizeGreaterThanOrEqualTo(8);
        assertThat(stored.keySet()).as("bucket starts of %s %s", ticker, timeframe.code())
                .containsExactlyElementsOf(source.stream().map(bar -> bar.get("t").asLong()).toList());
        for (JsonNode bar : source) {
            long t = bar.get("t").asLong();
            StoredBar row = stored.get(t);
            String which = ticker + " " + timeframe.code() + " " + Instant.ofEpochMilli(t);
            assertThat(row.open()).as("o of %s", which).isEqualTo(bar.get("o").asDouble());
            assertThat(row.high()).as("h of %s", which).isEqualTo(bar.get("h").asDouble());
            assertThat(row.low()).as("l of %s", which).isEqualTo(bar.get("l").asDouble());
            assertThat(row.close()).as("c of %s", which).isEqualTo(bar.get("c").asDouble());
            // a sum of doubles: the store adds 5m sums (15m from 5m, ...), the source its minutes; the last ulp may differ
            double volume = bar.get("v").asDouble();
            assertThat(row.volume()).as("v of %s", which).isCloseTo(volume, within(Math.abs(volume) * 1e-12));
            assertThat(row.trades()).as("n of %s", which).isEqualTo(bar.get("n").asLong());
            double vwap = bar.get("vw").asDouble();
            assertThat(row.vwap()).as("vw of %s", which).isNotNull().isCloseTo(vwap, within(Math.abs(vwap) * 1e-9));
        }
        if (timeframe == Timeframe.H4) {
            assertThat(stored.keySet()).as("4h buckets start at 00, 04, 08, 12, 16 or 20 New York time")
                    .allSatisfy(t -> {
                        LocalTime start = Instant.ofEpochMilli(t).atZone(Timeframe.EXCHANGE_ZONE).toLocalTime();
                        assertThat(start.getMinute()).isZero();
                        assertThat(start.getHour() % 4).isZero();
                    })
                    .as("the extended session 04:00-20:00 spans the 04, 08, 12 and 16 buckets of each day")
                    .hasSize(8);
        }
    }

    /** What the fake (the source) answers for the derived timeframe's own range request, every page. */
    private List<JsonNode> sourceAggregates(String ticker, Timeframe timeframe) throws Exception {
        List<JsonNode> bars = new ArrayList<>();
        String url = fake.baseUrl() + "/v2/aggs/ticker/" + ticker + "/range/" + timeframe.multiplier() + "/"
                + timeframe.timespan() + "/" + FROM.toEpochMilli() + "/" + TO.minusMillis(1).toEpochMilli()
                + "?adjusted=false&sort=asc&limit=50000";
        while (url != null) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + fake.expectedKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            page.path("results").forEach(bars::add);
            url = page.hasNonNull("next_url") ? page.get("next_url").asText() : null;
        }
        return bars;
    }
}
