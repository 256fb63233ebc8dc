package tickertape.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import tickertape.AppTestSupport;
import tickertape.ingest.IngestionJob;
import tickertape.ingest.RunTrigger;
import tickertape.ingest.SeriesPlanner;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;

/**
 * The whole app in-process (one per test class) on a quiet store: no ticker blocks, so nothing is
 * ingested unless a test asks, and Polygon is a {@link FakePolygon} that records every request. The
 * scheduled repair is off; tests call the endpoints with an ops key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QualityTestSupport extends AppTestSupport {
    protected static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    protected FakePolygon fake;
    private String opsKey;

    @Override
    protected Properties extraProperties() {
        fake = new FakePolygon("pk_test_" + UUID.randomUUID().toString().replace("-", ""));
        Properties properties = new Properties();
        properties.put("polygon.api-key", fake.expectedKey());
        properties.put("polygon.base-url", fake.baseUrl());
        properties.put("polygon.retry-delay-millis", "20");
        properties.put("ingest.batch-timeout-millis", "100");
        properties.put("quality.repair-enabled", "false");
        properties.put("camel.main.routes-include-pattern", "file:routes/polygon.camel.yaml,"
                + "file:routes/ingest.camel.yaml,file:routes/api*.camel.yaml,file:routes/quality.camel.yaml");
        return properties;
    }

    @AfterAll
    void closeFake() {
        if (fake != null) {
            fake.close();
        }
    }

    // ---------------------------------------------------------------- the store

    protected SeriesPlanner planner() {
        return context.getRegistry().lookupByNameAndType("seriesPlanner", SeriesPlanner.class);
    }

    protected void addTicker(String symbol) throws SQLException {
        execute("insert into ticker(symbol) values ('" + symbol + "') on conflict do nothing");
    }

    protected void execute(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A SQL timestamptz literal of New York wall-clock time on {@code day}. */
    protected static String newYork(LocalDate day, String time) {
        return "timestamptz '" + day + " " + time + " America/New_York'";
    }

    protected static Instant newYorkInstant(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(ExchangeCalendar.ZONE).toInstant();
    }

    /** Writes one bar of {@code timeframe} per {@code step} in [from, to) New York time of {@code day}. */
    protected void insertBars(String ticker, String timeframe, LocalDate day, String from, String to, String step)
            throws SQLException {
        execute("insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume, vwap, trades)"
                + " select '" + ticker + "', '" + timeframe + "', ts, 10, 11, 9, 10.5, 100, 10.2, 5"
                + " from generate_series(" + newYork(day, from) + ", " + newYork(day, to) + " - interval '1 second',"
                + " interval '" + step + "') as ts");
    }

    protected void deleteBars(String ticker, String timeframe, LocalDate day, String from, String to)
            throws SQLException {
        execute("delete from market_bar where ticker = '" + ticker + "' and timeframe = '" + timeframe + "'"
                + " and ts >= " + newYork(day, from) + " and ts < " + newYork(day, to));
    }

    // ---------------------------------------------------------------- runs

    /** Queues a manual run of the window on the ordinary job path and waits for it to end; returns its status. */
    protected String ingest(String ticker, Timeframe timeframe, Instant from, Instant to) throws Exception {
        List<?> opened = template.requestBody("direct:queue-jobs",
                List.of(planner().window(RunTrigger.MANUAL, ticker, timeframe, from, to)), List.class);
        return awaitRun(((IngestionJob) opened.get(0)).runId());
    }

    /** Waits for the run to leave RUNNING; returns how it ended. */
    protected String awaitRun(long runId) throws Exception {
        await(RUN_TIMEOUT, "run " + runId + " to end", () -> queryLong("select count(*) from ingestion_run where id = "
                + runId + " and status <> 'RUNNING'") == 1);
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select status from ingestion_run where id = " + runId)) {
            rows.next();
            return rows.getString(1);
        }
    }

    // ---------------------------------------------------------------- the API

    protected record Reply(int status, JsonNode json) {
    }

    protected Reply get(String pathAndQuery) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).GET());
    }

    protected Reply post(String pathAndQuery) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The quality of one series, from the endpoint. */
    protected JsonNode quality(String ticker, String timeframe, String from, String to) throws Exception {
        Reply reply = get("/api/v2/data/quality?ticker=" + ticker + "&timeframe=" + timeframe + "&from=" + from
                + "&to=" + to);
        if (reply.status() != 200) {
            throw new AssertionError("quality answered " + reply.status() + ": " + reply.json());
        }
        return reply.json().path("series").get(0);
    }

    private Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + opsKey())
                        .timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    /** An ops key (the quality endpoints are ops-only), issued once per class. */
    private String opsKey() throws SQLException {
        if (opsKey == null) {
            opsKey = context.getRegistry().findSingleByType(ApiKeys.class)
                    .issue(Role.OPS, "quality test", 1_000_000).secret();
        }
        return opsKey;
    }
}
