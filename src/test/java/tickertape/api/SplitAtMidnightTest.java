package tickertape.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.main.MainConfigurationProperties;
import org.junit.jupiter.api.Test;
import tickertape.Main;
import tickertape.ingest.IngestionTestSupport;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.SettableClock;

/**
 * A split announced ahead takes effect at midnight New York of its execution date in the running app,
 * by the clock alone: SPY configured as ops configure it, backfilled raw from a fake that lists a
 * 2-for-1 split for the next day, which the app stores at the ticker's start. Until midnight every read
 * is the raw history; once the app's clock passes midnight (no write, no NOTIFY, no restart)
 * /api/v2/data/market (JSON and CSV), /market/latest (its cache holds the bar from before) and
 * /v2/aggs equal the fake's adjusted answer, the ETag of a closed range changes (and its max-age before
 * midnight ends at midnight), and the cursors and next_url of pages read before midnight are refused
 * with 409.
 */
class SplitAtMidnightTest extends IngestionTestSupport {
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 7);
    private static final LocalDate EXECUTION = LocalDate.of(2024, 3, 8);
    /** One clock for the app and the fake: 23:30 New York the evening before the split. */
    private static final SettableClock CLOCK = new SettableClock(midnight(EXECUTION).minus(Duration.ofMinutes(30)));
    private static final long MAX_AGE = Long.parseLong(setting("api.market.closed-range-max-age-seconds"));
    private static final Duration DONE = Duration.ofSeconds(120);
    /** A closed range (it ends before the clock's today) of two sessions' minutes. */
    private static final String MARKET = "/api/v2/data/market?ticker=SPY&timeframe=1m&from=2024-03-05&to=2024-03-06";
    private static final String AGGS = "/v2/aggs/ticker/SPY/range/1/minute/2024-03-05/2024-03-06";

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        Main.configure(configuration, CLOCK);
    }

    @Override
    protected FakePolygon newFake() {
        FakePolygon fake = new FakePolygon(newKey(), CLOCK);
        fake.split("SPY", EXECUTION, 1, 2);
        return fake;
    }

    @Override
    protected Properties moreProperties() {
        Path routes = copyOfRoutesWithoutTickers();
        writeFile(routes.resolve("tickers.camel.yaml"), tickerBlock("SPY"));
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        properties.put("tickertape.backfill-from", FIRST.toString());
        properties.put("tickertape.refresh-schedule", "0 0 0 1 1 ?");
        properties.put("quality.repair-enabled", "false");
        return properties;
    }

    @Test
    void aSplitAnnouncedAheadAdjustsEveryReadFromMidnightNewYorkOfItsDateWithoutAnyWrite() throws Exception {
        await(DONE, "SPY backfilled and its split stored", () -> backfilled()
                && queryLong("select count(*) from split where ticker = 'SPY' and execution_date = '" + EXECUTION
                + "' and split_from = 1 and split_to = 2") == 1);
        List<Double> raw = closes(json(get(MARKET + "&adjusted=false")), "bars", "close");
        assertThat(raw).hasSize(SOURCE.minuteBars("SPY", LocalDate.of(2024, 3, 5)).size()
                + SOURCE.minuteBars("SPY", LocalDate.of(2024, 3, 6)).size());
        double rawLatestClose = latestClose("&adjusted=false");

        // the evening before: the split is stored, and changes nothing yet
        HttpResponse<String> before = get(MARKET + "&limit=100");
        String etag = before.headers().firstValue("ETag").orElseThrow();
        String cursor = json(before).path("nextCursor").asText();
        String nextUrl = json(get(AGGS + "?limit=100")).path("next_url").asText();
        assertThat(closes(json(get(MARKET)), "bars", "close")).isEqualTo(raw).isEqualTo(fakeAdjustedCloses());
        assertThat(closes(json(get(AGGS)), "results", "c")).isEqualTo(raw);
        assertThat(firstCsvClose()).isEqualTo(raw.get(0));
        assertThat(latestClose("")).isEqualTo(rawLatestClose);
        assertThat(before.headers().firstValue("Cache-Control")).as("not reused past midnight")
                .hasValue("private, max-age=" + Duration.ofMinutes(30).toSeconds());
        assertThat(get(MARKET + "&limit=100", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get(MARKET + "&limit=100&cursor=" + cursor).statusCode()).isEqualTo(200);

        CLOCK.set(midnight(EXECUTION).plusSeconds(1));

        List<Double> halved = raw.stream().map(close -> close / 2).toList();
        assertThat(fakeAdjustedCloses()).as("the fake's adjusted answer halves the prices before the split")
                .isEqualTo(halved);
        assertThat(closes(json(get(MARKET)), "bars", "close")).isEqualTo(halved);
        assertThat(closes(json(get(AGGS)), "results", "c")).isEqualTo(halved);
        assertThat(firstCsvClose()).isEqualTo(halved.get(0));
        assertThat(latestClose("")).as("the cached latest bar, adjusted at midnight").isEqualTo(rawLatestClose / 2);
        assertThat(latestClose("&adjusted=false")).isEqualTo(rawLatestClose);

        HttpResponse<String> revalidated = get(MARKET + "&limit=100", "If-None-Match", etag);
        assertThat(revalidated.statusCode()).as("the old ETag no longer matches").isEqualTo(200);
        assertThat(revalidated.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        assertThat(revalidated.headers().firstValue("Cache-Control")).hasValue("private, max-age=" + MAX_AGE);
        HttpResponse<String> staleCursor = get(MARKET + "&limit=100&cursor=" + cursor);
        assertThat(staleCursor.statusCode()).as(staleCursor.body()).isEqualTo(409);
        assertThat(json(staleCursor).path("type").asText()).endsWith("/adjustment-changed");
        HttpResponse<String> staleNextUrl = get(nextUrl.substring(baseUrl().length()));
        assertThat(staleNextUrl.statusCode()).as(staleNextUrl.body()).isEqualTo(409);
    }

    private boolean backfilled() throws SQLException {
        return barCount("SPY", "1m") == sourceMinutes("SPY", FIRST, LAST).size() && barCount("SPY", "1d") == 4
                && noOpenRun("SPY", "1m") && noOpenRun("SPY", "1d");
    }

    private double latestClose(String mode) throws Exception {
        return json(get("/api/v2/data/market/latest?ticker=SPY&timeframe=1m" + mode)).path("bar").path("close")
                .asDouble();
    }

    private double firstCsvClose() throws Exception {
        String line = get(MARKET, "Accept", "text/csv").body().lines().skip(1).findFirst().orElseThrow();
        return Double.parseDouble(line.split(",")[4]);
    }

    /** What Polygon's default (adjusted) answer is for the range, by the fake's clock. */
    private List<Double> fakeAdjustedCloses() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + AGGS
                        + "?limit=50000")).header("Authorization", "Bearer " + fake.expectedKey()).build(),
                HttpResponse.BodyHandlers.ofString());
        return closes(JSON.readTree(response.body()), "results", "c");
    }

    private static List<Double> closes(JsonNode page, String bars, String close) {
        List<Double> closes = new ArrayList<>();
        page.path(bars).forEach(bar -> closes.add(bar.path(close).asDouble()));
        return closes;
    }
}
