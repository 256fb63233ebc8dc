package tickertape.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tickertape.AppTestSupport;

/**
 * The whole app on the sandbox source (a 5-day backfill of the configured tickers): after its first
 * ingestion and a few API requests, /observe/metrics carries every meter with its labels, and every
 * metric the alert rules use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest extends AppTestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration INGESTION = Duration.ofSeconds(120);
    /** Requests a minute for clients without a key: low, so a test reaches it in a few requests. */
    private static final int ANONYMOUS_LIMIT = 15;

    private String metrics;

    @Override
    protected Properties extraProperties() {
        Properties properties = new Properties();
        properties.put("tickertape.api.rate-limit.anonymous", String.valueOf(ANONYMOUS_LIMIT));
        return properties;
    }

    /** Once per class, but after the app has started (Camel's test support starts it before each test). */
    @BeforeEach
    void ingestAndScrape() throws Exception {
        if (metrics != null) {
            return;
        }
        await(INGESTION, "bars of SPY 1m and 1d in the store and counted",
                () -> queryLong("select count(distinct timeframe) from market_bar where ticker = 'SPY'") == 6
                        && scrapeOrEmpty().contains("tickertape_bars_total{outcome=\"inserted\",ticker=\"SPY\",timeframe=\"1d\"}"));
        assertThat(get(baseUrl() + "/api/v2/status").statusCode()).isEqualTo(200);
        // The gauges read from the store are re-read on a timer: read them now rather than wait for it.
        context.getRegistry().lookupByNameAndType("storeGauges", StoreGauges.class).refresh();
        metrics = scrape();
    }

    @Test
    void barsByTickerTimeframeAndOutcome() {
        assertThat(metrics).contains(
                "tickertape_bars_total{outcome=\"inserted\",ticker=\"SPY\",timeframe=\"1m\"}",
                "tickertape_bars_total{outcome=\"updated\",ticker=\"SPY\",timeframe=\"1m\"}",
                "tickertape_bars_total{outcome=\"rejected\",ticker=\"SPY\",timeframe=\"1m\"}");
        assertThat(value("tickertape_bars_total{outcome=\"inserted\",ticker=\"SPY\",timeframe=\"1m\"}")).isPositive();
    }

    @Test
    void polygonRequestsRetriesBudgetWaitAndDeadLetters() {
        assertThat(value("tickertape_polygon_requests_total{status=\"200\"}")).isPositive();
        assertThat(metrics).contains("tickertape_polygon_retries_total ", "tickertape_dead_letters_total ",
                "tickertape_dead_letters_unreplayed ", "tickertape_polygon_budget_wait_seconds_bucket{le=");
        assertThat(value("tickertape_polygon_budget_wait_seconds_count")).isPositive();
    }

    @Test
    void freshnessAndBackfillProgressPerSeries() {
        for (String timeframe : new String[] {"1m", "5m", "15m", "1h", "4h", "1d"}) {
            String series = "{ticker=\"SPY\",timeframe=\"" + timeframe + "\"}";
            assertThat(value("tickertape_bar_age_seconds" + series)).isNotNegative();
            assertThat(value("tickertape_bar_session_lag_seconds" + series)).isNotNegative();
        }
        assertThat(value("tickertape_backfill_progress_ratio{ticker=\"SPY\",timeframe=\"1m\"}")).isBetween(0.0, 1.0);
        assertThat(metrics).doesNotContain("tickertape_backfill_progress_ratio{ticker=\"SPY\",timeframe=\"5m\"}");
        assertThat(metrics).contains("tickertape_ingestion_runs_running{trigger=\"backfill\"}");
    }

    @Test
    void polygonRateLimitedAndKeyRefusedAreExposedBeforeTheyHappen() {
        // Counted by status; exposed at 0 from the start so increase() sees the first one (alert rules).
        for (String status : new String[] {"401", "403", "429"}) {
            assertThat(value("tickertape_polygon_requests_total{status=\"" + status + "\"}")).isNotNegative();
        }
    }

    @Test
    void rateLimitRejectionsAreCountedByLimit() throws Exception {
        for (String limit : new String[] {"bot", "ml", "ops", "key", "anonymous"}) {
            assertThat(metrics).contains("tickertape_api_rate_limited_total{limit=\"" + limit + "\"}");
        }
        // Without a key the client's address pays (ANONYMOUS_LIMIT a minute): go past it. A refusal is
        // told by its Retry-After, which only the guard's refusal carries.
        int refused = 0;
        for (int i = 0; i < ANONYMOUS_LIMIT + 5; i++) {
            if (get(baseUrl() + "/api/v2/status").headers().firstValue("Retry-After").isPresent()) {
                refused++;
            }
        }
        assertThat(refused).as("requests refused by the anonymous rate limit").isPositive();
        String after = scrape();
        assertThat(valueIn(after, "tickertape_api_rate_limited_total{limit=\"anonymous\"}")).isGreaterThanOrEqualTo(refused);
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
