package tickertape.ingest;

import java.nio.file.Path;
import java.nio.file.Files;
import java.io.UncheckedIOException;
import java.io.IOException;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import tickertape.AppTestSupport;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;

/**
 * The whole app in-process (one per test class), pointed at a {@link FakePolygon} with a small,
 * short request budget and quick retries, without the ticker blocks of routes/tickers.camel.yaml so
 * nothing runs unless a test starts it. Tests start runs through {@code direct:queue-jobs} (or the
 * REST API) and wait for them to end by polling ingestion_run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class IngestionTestSupport extends AppTestSupport {
    protected static final int REQUESTS_PER_WINDOW = 3;
    protected static final Duration BUDGET_WINDOW = Duration.ofMillis(400);
    protected static final int MAX_RETRIES = 3;
    /** Base minutes per page: a liquid ticker's day (~560 bars) fills about a third of a page. */
    protected static final int PAGE_LIMIT = 1000;
    protected static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    protected static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final SyntheticBars SOURCE = new SyntheticBars(new ExchangeCalendar());

    /** Every log line of this JVM from the first test class on. */
    protected static final CapturedLogs LOGS = CapturedLogs.install();

    // Assigned while the test support's constructor asks for the properties (no initialisers: see AppTestSupport).
    protected FakePolygon fake;
    private String opsKey;

    /** A key unlike any other string in the app, so finding it anywhere is meaningful. */
    protected static String newKey() {
        return "pk_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The fake this class runs against; override for a fixed clock. */
    protected FakePolygon newFake() {
        return new FakePolygon(newKey());
    }

    @Override
    protected final Properties extraProperties() {
        fake = newFake();
        Properties properties = new Properties();
        properties.put("polygon.api-key", fake.expectedKey());
        properties.put("polygon.base-url", fake.baseUrl());
        properties.put("polygon.requests-per-window", String.valueOf(REQUESTS_PER_WINDOW));
        properties.put("polygon.budget-window-millis", String.valueOf(BUDGET_WINDOW.toMillis()));
        properties.put("polygon.retry-delay-millis", "20");
        // Also the longest a 429 waits: above the budget window and the Retry-After (1 s) the fault tests wait for.
        properties.put("polygon.max-retry-delay-millis", "1500");
        properties.put("polygon.max-retries", String.valueOf(MAX_RETRIES));
        properties.put("polygon.page-limit", String.valueOf(PAGE_LIMIT));
        properties.put("camel.component.http.so-timeout", "5000");
        properties.put("camel.component.http.response-timeout", "5000");
        // Every page is its own batch, written on the job's thread before the next page is asked for (see
        // BatchedWritesTest for the batches that close on their timeout).
        properties.put("ingest.batch-rows", "1");
        properties.put("camel.main.routes-include-pattern", ROUTES_WITHOUT_TICKERS);
        properties.putAll(moreProperties());
        return properties;
    }

    /** Settings a test class needs on top of these. */
    protected Properties moreProperties() {
        return new Properties();
    }

    @AfterAll
    void closeFake() {
        if (fake != null) {
            fake.close();
        }
    }

    // ---------------------------------------------------------------- runs

    /**
     * Registers an active ticker without a ticker route (which would backfill it at once), so the test
     * alone decides what is fetched for it. Production registers tickers from their routes (TickerRoutes).
     */
    protected void addTicker(String symbol) throws SQLException {
        execute("insert into ticker(symbol, active) values ('" + symbol + "', true) on conflict do nothing");
    }

    protected SeriesPlanner planner() {
        return context.getRegistry().lookupByNameAndType("seriesPlanner", SeriesPlanner.class);
    }

    /** Queues a manual run of the window and returns its run id (the run may still be going). */
    protected long startWindow(String symbol, Timeframe timeframe, Instant from, Instant to) throws SQLException {
        long before = queryLong("select coalesce(max(id), 0) from ingestion_run");
        template.sendBody("direct:queue-jobs", List.of(planner().window(RunTrigger.MANUAL, symbol, timeframe, from, to)));
        return queryLong("select min(id) from ingestion_run where id > " + before + " and ticker = '" + symbol
                + "' and timeframe = '" + timeframe.code() + "'");
    }

    /** Runs the window to its end and returns the finished run. */
    protected Run ingest(String symbol, Timeframe timeframe, Instant from, Instant to) throws Exception {
        return awaitRun(startWindow(symbol, timeframe, from, to));
    }

    /** Waits for the run's row to leave RUNNING and returns it. */
    protected Run awaitRun(long runId) throws Exception {
        return awaitRun(runId, RUN_TIMEOUT);
    }

    protected Run awaitRun(long runId, Duration timeout) throws Exception {
        try {
            await(timeout, "run " + runId + " to end", () -> !run(runId).status().equals("RUNNING"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the run is " + run(runId), e);
        }
        return run(runId);
    }

    /** No run of the series is open, in the database's view (any instance). */
    protected boolean noOpenRun(String symbol, String timeframe) throws SQLException {
        return queryLong("select count(*) from ingestion_run where status = 'RUNNING' and ticker = '" + symbol
                + "' and timeframe = '" + timeframe + "'") == 0;
    }

    protected IngestionRuns runs() {
        return context.getRegistry().lookupByNameAndType("ingestionRuns", IngestionRuns.class);
    }

    protected Run run(long runId) throws SQLException {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select * from ingestion_run where id = " + runId)) {
            assertThat(rows.next()).as("run %d exists", runId).isTrue();
            return new Run(rows.getLong("id"), rows.getString("trigger"), rows.getString("ticker"),
                    rows.getString("timeframe"), rows.getString("status"),
                    rows.getInt("received"), rows.getInt("inserted"), rows.getInt("updated"), rows.getInt("rejected"),
                    rows.getInt("api_calls"), rows.getInt("retries"), rows.getString("error"),
                    rows.getTimestamp("finished_at") == null ? null : rows.getTimestamp("finished_at").toInstant());
        }
    }

    protected record Run(long id, String trigger, String ticker, String timeframe, String status, int received, int inserted, int updated,
                         int rejected, int apiCalls, int retries, String error, Instant finishedAt) {
    }

    // ---------------------------------------------------------------- the source and the store

    /** Midnight New York of {@code day}. */
    protected static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }

    /** The source's 1m bars of the days from {@code first} to {@code last}, both included. */
    protected static List<Aggregate> sourceMinutes(String symbol, LocalDate first, LocalDate last) {
        List<Aggregate> bars = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            bars.addAll(SOURCE.minuteBars(symbol, day));
        }
        return bars;
    }

    /** Stored bars of a series in [from, to), by start in Unix ms. */
    protected Map<Long, StoredBar> storedBars(String symbol, Timeframe timeframe, Instant from, Instant to)
            throws SQLException {
        String sql = """
                select (extract(epoch from ts) * 1000)::bigint, open, high, low, close, volume, vwap, trades
                from market_bar where ticker = ? and timeframe = ? and ts >= ? and ts < ? order by ts""";
        Map<Long, StoredBar> bars = new LinkedHashMap<>();
        try (Connection connection = dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, symbol);
            statement.setString(2, timeframe.code());
            statement.setTimestamp(3, java.sql.Timestamp.from(from));
            statement.setTimestamp(4, java.sql.Timestamp.from(to));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long t = rows.getLong(1);
                    Double vwap = rows.getObject(7) == null ? null : rows.getDouble(7);
                    Long trades = rows.getObject(8) == null ? null : rows.getLong(8);
                    bars.put(t, new StoredBar(t, rows.getDouble(2), rows.getDouble(3), rows.getDouble(4),
                            rows.getDouble(5), rows.getDouble(6), vwap, trades));
                }
            }
        }
        return bars;
    }

    public record StoredBar(long t, double open, double high, double low, double close, double volume,
                               Double vwap, Long trades) {
    }

    /** Asserts the store holds exactly {@code expected} for the series in [from, to): every bar once, same values. */
    protected void assertStoredExactly(String symbol, Timeframe timeframe, Instant from, Instant to,
                                       List<Aggregate> expected) throws SQLException {
        Map<Long, StoredBar> stored = storedBars(symbol, timeframe, from, to);
        assertThat(stored.keySet()).as("bar starts of %s %s", symbol, timeframe.code())
                .containsExactlyElementsOf(expected.stream().map(Aggregate::startMillis).toList());
        for (Aggregate bar : expected) {
            StoredBar row = stored.get(bar.startMillis());
            assertThat(row).as("bar %s", Instant.ofEpochMilli(bar.startMillis()))
                    .isEqualTo(new StoredBar(bar.startMillis(), bar.open(), bar.high(), bar.low(), bar.close(),
                            bar.volume(), bar.vwap(), bar.trades()));
        }
    }

    protected long barCount(String symbol, String timeframe) throws SQLException {
        return queryLong("select count(*) from market_bar where ticker = '" + symbol + "' and timeframe = '"
                + timeframe + "'");
    }

    protected void execute(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    // ---------------------------------------------------------------- tickers as ops configure them

    protected static void writeFile(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- the fake's record

    /** Requests for {@code symbol}'s aggregates recorded since index {@code since} (0-based) of fake.requests(). */
    protected List<RecordedRequest> requestsFor(String symbol, int since) {
        List<RecordedRequest> all = fake.requests();
        return all.subList(Math.min(since, all.size()), all.size()).stream()
                .filter(request -> request.pathAndQuery().startsWith("/v2/aggs/ticker/" + symbol + "/"))
                .toList();
    }

    // ---------------------------------------------------------------- REST

    /** A GET with an ops key and {@code headers} (name, value, name, value...). */
    protected HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = withOpsKey(HttpRequest.newBuilder(URI.create(baseUrl() + path)));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(withOpsKey(HttpRequest.newBuilder(URI.create(baseUrl() + path)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * An ops key (the ingestion and dead-letter endpoints are ops-only), issued once per class from the
     * app's key store, with a rate limit no test reaches.
     */
    private HttpRequest.Builder withOpsKey(HttpRequest.Builder request) throws SQLException {
        if (opsKey == null) {
            opsKey = context.getRegistry().findSingleByType(ApiKeys.class)
                    .issue(Role.OPS, "ingestion test", 1_000_000).secret();
        }
        return request.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + opsKey);
    }

    protected static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
