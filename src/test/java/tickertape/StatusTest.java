package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusTest extends AppTestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void statusNamesStorageTickersTimeframesSeriesAndLastRun() throws Exception {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            // TEST is not a configured ticker, so the sandbox backfill leaves its series alone.
            s.execute("insert into ticker(symbol, active) values ('TEST', true)");
            s.execute("""
                    insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)
                    values ('TEST', '1m', '2025-01-02 14:30Z', 10, 11, 9, 10.5, 100.5),
                           ('TEST', '1m', '2025-01-02 14:31Z', 10, 11, 9, 10.5, 200)""");
        }

        await(Duration.ofSeconds(60), "the first backfill run", () -> queryLong("select count(*) from ingestion_run") > 0);

        HttpResponse<String> response = get(baseUrl() + "/api/v2/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode status = JSON.readTree(response.body());
        assertThat(status.path("version").asText()).isNotBlank();
        assertThat(status.path("storage").path("mode").asText()).isEqualTo("embedded");
        assertThat(status.path("storage").path("location").asText()).contains(dataDirectory.toString());
        assertThat(status.path("tickers")).extracting(JsonNode::asText).containsExactly("IWM", "QQQ", "SPY", "UVXY");
        assertThat(status.path("timeframes")).extracting(JsonNode::asText)
                .containsExactly("1m", "5m", "15m", "1h", "4h", "1d");
        JsonNode series = seriesOf(status, "TEST", "1m");
        assertThat(series.path("bars").asLong()).isEqualTo(2);
        assertThat(series.path("firstBar").asText()).isEqualTo("2025-01-02T14:30:00Z");
        assertThat(series.path("lastBar").asText()).isEqualTo("2025-01-02T14:31:00Z");
        assertThat(status.path("source").path("sandbox").asBoolean()).isTrue();
        assertThat(status.path("lastIngestionRun").path("trigger").asText()).isEqualTo("backfill");
    }

    /**
     * Each configured ticker's splits check, as its start made it; one whose last fetch failed carries the
     * error and when it is tried again (written here as SplitChecks.finish records a failure: the sandbox
     * never fails; SplitCheckOutageTest makes a real one).
     */
    @Test
    void statusShowsEachTickersSplitsCheckAndAFailingOnesErrorAndRetry() throws Exception {
        await(Duration.ofSeconds(60), "the start's splits checks", () -> queryLong(
                "select count(*) from split_check where checked_at is not null and claimed_until is null") == 4);
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("update split_check set error = 'request parked as a dead letter: HTTP 500 Internal server error',"
                    + " claimed_until = '2030-01-02T03:04:05Z' where ticker = 'UVXY'");
        }

        JsonNode checks = JSON.readTree(get(baseUrl() + "/api/v2/status").body()).path("splitChecks");

        assertThat(checks).extracting(check -> check.path("ticker").asText()).containsExactly("IWM", "QQQ", "SPY", "UVXY");
        assertThat(checks).allSatisfy(check -> assertThat(check.path("checkedAt").asText()).isNotBlank());
        assertThat(checks.get(2).path("error").isNull()).as("SPY's check succeeded").isTrue();
        assertThat(checks.get(2).path("retryAt").isNull()).isTrue();
        assertThat(checks.get(3).path("error").asText())
                .isEqualTo("request parked as a dead letter: HTTP 500 Internal server error");
        assertThat(checks.get(3).path("retryAt").asText()).isEqualTo("2030-01-02T03:04:05Z");
    }

    @Test
    void healthIsUpWithTheDatabaseCheckAndMetricsArePrometheusText() throws Exception {
        HttpResponse<String> health = get(managementUrl() + "/observe/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode checks = JSON.readTree(health.body());
        assertThat(checks.path("status").asText()).isEqualTo("UP");
        assertThat(checks.path("checks").findValuesAsText("name")).contains("database", "route:api-openapi")
                .as("every route is named: a route's health check and metrics carry its id")
                .noneMatch(name -> name.matches("route:route\\d+"));

        HttpResponse<String> metrics = get(managementUrl() + "/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge");
    }

    @Test
    void healthGoesDownWhenTheDatabaseStops() throws Exception {
        context.getRegistry().lookupByNameAndType("database", tickertape.database.Database.class).stop();

        HttpResponse<String> health = get(managementUrl() + "/observe/health");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"database\"").contains("DOWN");
    }

    private static JsonNode seriesOf(JsonNode status, String ticker, String timeframe) {
        for (JsonNode series : status.path("series")) {
            if (series.path("ticker").asText().equals(ticker) && series.path("timeframe").asText().equals(timeframe)) {
                return series;
            }
        }
        throw new AssertionError("no series " + ticker + " " + timeframe + " in " + status);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
