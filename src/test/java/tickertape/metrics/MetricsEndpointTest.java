package tickertape.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.AppTestSupport;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * The whole app on the sandbox source (a 5-day backfill of the configured tickers): after its first
 * ingestion and a few API requests, /observe/metrics carries every meter with its labels, and every
 * metric the alert rules use. Nothing ingests after that first backfill (no refresh, healing or repair
 * fires), so the counters and gauges can be compared with what the store and the run log hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest extends AppTestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration INGESTION = Duration.ofSeconds(120);
    /** Requests a minute for clients without a key: low, so a test reaches it in a few requests. */
    private static final int ANONYMOUS_LIMIT = 15;
    /** How often the gauges are re-read from the store (30 s in production): often, so the test waits little. */
    private static final Duration REFRESH = Duration.ofSeconds(2);

    private String metrics;
    /** When the scrape of {@link #metrics} was sent and when its answer had arrived: the gauges' "now" lies between. */
    private Instant scrapeSent;
    private Instant scrapeAnswered;
    /** By timeframe, SPY's newest bar in the store as the gauges were scraped. */
    private final Map<String, Instant> newestSpyBar = new HashMap<>();

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        properties.put("tickertape.api.rate-limit.anonymous", String.valueOf(ANONYMOUS_LIMIT));
        properties.put("tickertape.metrics.refresh-millis", String.valueOf(REFRESH.toMillis()));
        properties.put("tickertape.refresh-schedule", "0 0 0 1 1 ?");
        properties.put("quality.repair-enabled", "false");
        properties.put("ingest.heal-interval-millis", String.valueOf(Duration.ofDays(1).toMillis()));
        return properties;
    }

    /** Once per class, but after the app has started (Camel's test support starts it before each test). */
    @BeforeEach
    void ingestAndScrape() throws Exception {
        if (metrics != null) {
            return;
        }
        await(INGESTION, "the backfill of every ticker's 1m and 1d to end, and its bars counted",
                () -> queryLong("select count(distinct timeframe) from market_bar where ticker = 'SPY'") == 6
                        && queryLong("select count(distinct (ticker, timeframe)) from ingestion_run where status <> 'RUNNING'")
                        == 2 * queryLong("select count(*) from ticker where active")
                        && queryLong("select count(*) from ingestion_run where status = 'RUNNING'") == 0
                        && queryLong("select count(*) from split_check where checked_at is not null")
                        == queryLong("select count(*) from ticker where active")
                        && scrapeOrEmpty().contains("tickertape_bars_total{outcome=\"inserted\",ticker=\"SPY\",timeframe=\"1d\"}"));
        assertThat(get(baseUrl() + "/api/v2/status").statusCode()).isEqualTo(200);
        readNewestSpyBars();
        // The gauges read from the store are re-read on a timer (every REFRESH here): wait for a read of the
        // store as it now stands.
        NotifyBuilder refreshed = new NotifyBuilder(context).fromRoute("metrics-refresh").whenCompleted(1).create();
        assertThat(refreshed.matches(INGESTION.toSeconds(), TimeUnit.SECONDS)).as("a refresh of the gauges").isTrue();
        scrapeSent = Instant.now();
        metrics = scrape();
        scrapeAnswered = Instant.now();
    }

    @Test
    void barsByTickerTimeframeAndOutcome() throws Exception {
        assertThat(metrics).contains(
                "tickertape_bars_total{outcome=\"inserted\",ticker=\"SPY\",timeframe=\"1m\"}",
                "tickertape_bars_total{outcome=\"updated\",ticker=\"SPY\",timeframe=\"1m\"}",
                "tickertape_bars_total{outcome=\"rejected\",ticker=\"SPY\",timeframe=\"1m\"}");
        assertThat(value("tickertape_bars_total{outcome=\"inserted\",ticker=\"SPY\",timeframe=\"1m\"}"))
                .as("SPY's minutes in the store, each inserted once")
                .isEqualTo(queryLong("select count(*) from market_bar where ticker = 'SPY' and timeframe = '1m'"));
    }

    @Test
    void polygonRequestsRetriesBudgetWaitAndDeadLetters() throws Exception {
        // the runs' pages, and each ticker's splits check (one page each: the sandbox lists fewer splits
        // than polygon.splits-page-limit)
        long requests = queryLong("select sum(api_calls) from ingestion_run")
                + queryLong("select count(*) from split_check where checked_at is not null");
        assertThat(value("tickertape_polygon_requests_total{status=\"200\"}")).as("the runs' and splits checks' requests")
                .isEqualTo(requests);
        assertThat(metrics).contains("tickertape_polygon_retries_total ", "tickertape_dead_letters_total ",
                "tickertape_dead_letters_unreplayed ", "tickertape_polygon_budget_wait_seconds_bucket{le=");
        assertThat(value("tickertape_polygon_budget_wait_seconds_count")).as("one wait per request").isEqualTo(requests);
    }

    @Test
    void freshnessAndBackfillProgressPerSeries() {
        // The lag's market-hours arithmetic is SessionTime's (so is the expected value): this asserts the
        // gauge is that of the series' newest stored bar, measured at the scrape.
        SessionTime sessionTime = new SessionTime(new ExchangeCalendar());
        for (Timeframe timeframe : Timeframe.values()) {
            String series = "{ticker=\"SPY\",timeframe=\"" + timeframe.code() + "\"}";
            Instant newest = newestSpyBar.get(timeframe.code());
            assertThat(value("tickertape_bar_age_seconds" + series)).as("age of %s, newest at %s", series, newest)
                    .isBetween(seconds(Duration.between(newest, scrapeSent)), seconds(Duration.between(newest, scrapeAnswered)));
            Instant end = SessionTime.barEnd(timeframe, newest);
            assertThat(value("tickertape_bar_session_lag_seconds" + series)).as("lag of %s, ended at %s", series, end)
                    .isBetween(seconds(sessionTime.between(end, scrapeSent)), seconds(sessionTime.between(end, scrapeAnswered)));
        }
        assertThat(value("tickertape_backfill_progress_ratio{ticker=\"SPY\",timeframe=\"1m\"}")).isBetween(0.0, 1.0);
        assertThat(metrics).doesNotContain("tickertape_backfill_progress_ratio{ticker=\"SPY\",timeframe=\"5m\"}");
        assertThat(metrics).contains("tickertape_ingestion_runs_running{trigger=\"backfill\"}");
    }

    @Test
    void polygonRateLimitedAndKeyRefusedAreExposedBeforeTheyHappen() {
        // Counted by status; exposed at 0 from the start so increase() sees the first one (alert rules).
        // The sandbox never answers these.
        for (String status : new String[] {"401", "403", "429"}) {
            assertThat(value("tickertape_polygon_requests_total{status=\"" + status + "\"}")).as(status).isZero();
        }
    }

    @Test
    void rateLimitRejectionsAreCountedByLimit() throws Exception {
        for (String limit : new String[] {"bot", "ml", "ops", "key", "anonymous"}) {
            assertThat(metrics).contains("tickertape_api_rate_limited_total{limit=\"" + limit + "\"}");
        }
        // Without a key the client's address pays (ANONYMOUS_LIMIT a minute): go past it. A refusal is
        // told by its Retry-After, which only the guard's refusal carries. The bucket refills a token every
        // few seconds while the requests go, so how many are refused depends on this machine's speed.
        String limited = "tickertape_api_rate_limited_total{limit=\"anonymous\"}";
        double limitedBefore = valueIn(scrape(), limited);
        int refused = 0;
        for (int i = 0; i < ANONYMOUS_LIMIT + 5; i++) {
            if (get(baseUrl() + "/api/v2/status").headers().firstValue("Retry-After").isPresent()) {
                refused++;
            }
        }
        assertThat(refused).as("requests refused by the anonymous rate limit").isPositive();
        assertThat(valueIn(scrape(), limited)).as("refusals counted").isEqualTo(limitedBefore + refused);
    }

    @Test
    void apiLatencyHistogramByVerbIdAndStatus() {
        assertThat(metrics).contains(
                "tickertape_api_requests_seconds_bucket{endpoint=\"api-status-get\",status=\"200\",le=");
    }

    @Test
    void databaseUpAndPoolAndJvmMetrics() {
        assertThat(value("tickertape_database_up")).isEqualTo(1.0);
        assertThat(metrics).contains("hikaricp_connections_active{pool=\"tickertape\"}",
                "hikaricp_connections_pending{pool=\"tickertape\"}", "jvm_memory_used_bytes");
    }

    @Test
    void everyMetricTheAlertRulesUseIsExposed() throws Exception {
        Set<String> used = AlertRules.read(Path.of("monitoring/prometheus/tickertape-rules.yml")).metricNames();
        assertThat(used).isNotEmpty();
        for (String name : used) {
            assertThat(metrics).as("a sample of %s on /observe/metrics", name)
                    .containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @Test
    void everyMetricTheGrafanaDashboardUsesIsExposed() throws Exception {
        Set<String> used = GrafanaDashboard.read(GrafanaDashboard.FILE).metricNames();
        assertThat(used).isNotEmpty();
        for (String name : used) {
            assertThat(metrics).as("a sample of %s on /observe/metrics", name)
                    .containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    private void readNewestSpyBars() throws SQLException {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select timeframe, max(ts) from market_bar where ticker = 'SPY' group by timeframe")) {
            while (rows.next()) {
                newestSpyBar.put(rows.getString(1), rows.getTimestamp(2).toInstant());
            }
        }
    }

    /** As the gauges give a duration: whole milliseconds, in seconds. */
    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** The value of the sample {@code series} (name and labels exactly as exposed). */
    private double value(String series) {
        return valueIn(metrics, series);
    }

    private static double valueIn(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + series));
    }

    /** A scrape, or "" while the management port does not answer yet (this machine is shared and slow). */
    private String scrapeOrEmpty() throws Exception {
        try {
            return scrape();
        } catch (java.io.IOException notYet) {
            return "";
        }
    }

    private String scrape() throws Exception {
        return get(managementUrl() + "/observe/metrics").body();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
