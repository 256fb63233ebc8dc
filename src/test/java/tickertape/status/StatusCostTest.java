package tickertape.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import tickertape.AppTestSupport;

/**
 * {@code GET /api/v2/status} is open to everyone, so it must not cost a read of market_bar: it answers
 * from series_bar_count, which triggers keep in every writer's transaction (inserts, COPY, deletes,
 * truncate), and it answers while market_bar is locked against every reader.
 */
class StatusCostTest extends AppTestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COUNTED = """
            select ticker || ' ' || timeframe, count(*), min(ts), max(ts)
            from market_bar group by ticker, timeframe order by 1""";

    @Override
    protected Properties extraProperties() {
        Properties properties = withoutTickers();
        properties.put("camel.main.routes-include-pattern", ROUTES_WITHOUT_TICKERS + ",file:routes/status-page.camel.yaml");
        // Nothing but the request under test reads market_bar while it is locked.
        properties.put("tickertape.metrics.refresh-millis", String.valueOf(Duration.ofHours(1).toMillis()));
        return properties;
    }

    @Test
    void countsFollowEveryKindOfWrite() throws Exception {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("insert into ticker(symbol, active) values ('AAA', true), ('BBB', true)");
            statement.execute("""
                    insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)
                    select 'AAA', '1m', timestamptz '2025-01-02 14:30Z' + n * interval '1 minute', 10, 11, 9, 10, 1
                    from generate_series(0, 99) as n""");
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "copy market_bar(ticker, timeframe, ts, open, high, low, close, volume) from stdin (format csv)",
                    new StringReader("BBB,1d,2025-01-02 00:00Z,10,11,9,10,1\nAAA,1m,2025-01-01 09:00Z,10,11,9,10,1\n"));
            statement.execute("delete from market_bar where ticker = 'AAA' and ts >= '2025-01-02 15:30Z'");
            assertThat(statusSeries()).isEqualTo(storedSeries());
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);

            statement.execute("delete from market_bar where ticker = 'BBB'");
            assertThat(statusSeries()).isEqualTo(storedSeries()).doesNotContainKey("BBB 1d");

            statement.execute("truncate market_bar");
            assertThat(statusSeries()).isEmpty();
        }
    }

    @Test
    void answersWhileMarketBarIsLockedAgainstEveryReader() throws Exception {
        try (Connection locker = dataSource().getConnection(); Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("lock table market_bar in access exclusive mode");
            CompletableFuture<HttpResponse<String>> status = HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v2/status")).build(),
                    HttpResponse.BodyHandlers.ofString());

            await(Duration.ofSeconds(60), "the status answer, or the status request waiting for market_bar",
                    () -> status.isDone() || queryLong("""
                            select count(*) from pg_locks
                            where relation = 'market_bar'::regclass and not granted""") > 0);

            assertThat(status).as("status waits for market_bar: it reads the bars").isDone();
            assertThat(status.get().statusCode()).isEqualTo(200);
            locker.rollback();
        }
    }

    private Map<String, String> statusSeries() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v2/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, String> series = new LinkedHashMap<>();
        for (JsonNode one : JSON.readTree(response.body()).path("series")) {
            series.put(one.path("ticker").asText() + ' ' + one.path("timeframe").asText(),
                    one.path("bars").asLong() + " " + one.path("firstBar").asText() + " " + one.path("lastBar").asText());
        }
        return series;
    }

    private Map<String, String> storedSeries() throws Exception {
        Map<String, String> series = new LinkedHashMap<>();
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(COUNTED)) {
            while (rows.next()) {
                series.put(rows.getString(1), rows.getLong(2) + " "
                        + rows.getObject(3, java.time.OffsetDateTime.class).toInstant() + " "
                        + rows.getObject(4, java.time.OffsetDateTime.class).toInstant());
            }
        }
        return series;
    }
}
