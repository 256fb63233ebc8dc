package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;
import tickertape.sandbox.Aggregate;
import tickertape.sandbox.SyntheticBars;

/**
 * A backfill whose app is stopped mid-way, without draining (a one-second shutdown timeout while a
 * page is in flight), continues from the store when a new app starts on the same data directory:
 * SeriesPlanner asks only for the hole the coverage ledger has (what lies before the oldest bar held), the store ends equal to the source,
 * and no page is asked for twice except the one in flight at the stop. Two apps in turn, each started
 * as tickertape.Main starts it (Camel Main, the same configuration class and properties).
 */
class ResumeTest {
    private static final String SYMBOL = "RSUM";
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 8);
    private static final Instant FROM = midnight(FIRST);
    private static final Instant TO = midnight(LAST.plusDays(1)).minusMillis(1);
    /** Minutes per page: the week's ~2,800 bars take ~14 pages. */
    private static final int PAGE_LIMIT = 200;
    /** Each minute page is served this late, so the stop finds a request in flight. */
    private static final Duration SLOW_PAGE = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String MINUTE_PATH = "/v2/aggs/ticker/" + SYMBOL + "/range/1/minute/";
    private static final SyntheticBars SOURCE = new SyntheticBars(new ExchangeCalendar());

    private final FakePolygon fake = new FakePolygon("pk_resume_" + System.nanoTime());
    private final List<Main> started = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        for (Main main : started) {
            main.stop();
        }
        fake.close();
    }

    @Test
    void aBackfillStoppedMidwayContinuesFromTheStoreAndEndsEqualToTheSourceWithNoPageAskedTwice() throws Exception {
        Path data = Files.createTempDirectory("tickertape-resume-");
        fake.failMatching(MINUTE_PATH, Integer.MAX_VALUE, Fault.responseDelay(SLOW_PAGE));
        List<Aggregate> source = new ArrayList<>();
        for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
            source.addAll(SOURCE.minuteBars(SYMBOL, day));
        }

        // The first app: the week's daily bars, then its minutes newest first, stopped a few pages in.
        Main first = start(data);
        CamelContext context = first.getCamelContext();
        DataSource store = dataSource(first);
        execute(store, "insert into ticker(symbol, active) values ('" + SYMBOL + "', true)");
        context.createProducerTemplate().sendBody("direct:queue-jobs", List.of(
                new IngestionJob(RunTrigger.BACKFILL, SYMBOL, Timeframe.D1, FROM, TO, true)));
        await("the daily backfill to end", () -> queryLong(store,
                "select count(*) from ingestion_run where timeframe = '1d' and status = 'SUCCEEDED'") == 1);
        context.createProducerTemplate().sendBody("direct:queue-jobs", List.of(
                new IngestionJob(RunTrigger.BACKFILL, SYMBOL, Timeframe.M1, FROM, TO, true)));
        await("a few pages of minutes to be stored", () -> queryLong(store,
                "select count(*) from market_bar where timeframe = '1m'") >= 3L * PAGE_LIMIT);
        long interruptedRun = queryLong(store, "select id from ingestion_run where timeframe = '1m'");
        assertThat(status(store, interruptedRun)).as("the run is under way at the stop").isEqualTo("RUNNING");
        context.getShutdownStrategy().setTimeout(1);
        context.getShutdownStrategy().setShutdownNowOnTimeout(true);
        first.stop();
        int firstAppRequests = minuteRequests(0).size();

        // The second app, on the same data directory and the same fake.
        Main second = start(data);
        DataSource resumed = dataSource(second);
        Map<Long, Aggregate> held = storedMinutes(resumed);
        assertThat(held).as("the stop came mid-way").isNotEmpty().hasSizeLessThan(source.size());
        assertThat(held.size() % PAGE_LIMIT).as("whole pages only: each page is written in one transaction")
                .isZero();
        assertThat(status(resumed, interruptedRun)).as("the interrupted run is closed, not left running")
                .isEqualTo("FAILED");
        long oldestHeld = held.keySet().iterator().next();
        assertThat(firstAppRequests).as("the first app asked for its stored pages and at most the one in flight")
                .isBetween(held.size() / PAGE_LIMIT, held.size() / PAGE_LIMIT + 1);

        // What the ticker's route does when it starts: plan from the store and queue. Sent by hand, not from a
        // ticker block of the second app: the store the stop left is read above, before the resume changes it.
        second.getCamelContext().createProducerTemplate().sendBody("seda:ticker-started",
                new TickerRoutes.TickerBlock(SYMBOL, FIRST.toString()));
        await("the resumed backfill to end", () -> queryLong(resumed, "select count(*) from ingestion_run"
                + " where timeframe = '1m' and id > " + interruptedRun + " and status <> 'RUNNING'") == 1);

        assertThat(queryLong(resumed, "select count(*) from ingestion_run where id > " + interruptedRun))
                .as("one run: the minutes before the oldest bar held; the daily series was complete").isEqualTo(1);
        assertThat(queryLong(resumed, "select count(*) from ingestion_run where id > " + interruptedRun
                + " and timeframe = '1m' and trigger = 'backfill' and status = 'SUCCEEDED'")).isEqualTo(1);
        Map<Long, Aggregate> stored = storedMinutes(resumed);
        assertThat(stored.values()).as("the store equals the source's week").containsExactlyElementsOf(source);
        assertThat(queryLong(resumed, "select count(*) from market_bar where ticker = '" + SYMBOL
                + "' and timeframe = '1m'")).isEqualTo(source.size());
        assertThat(queryLong(resumed, "select count(distinct (ticker, timeframe, ts)) from market_bar"))
                .isEqualTo(queryLong(resumed, "select count(*) from market_bar"));

        List<RecordedRequest> resumedRequests = minuteRequests(firstAppRequests);
        assertThat(resumedRequests.get(0).pathAndQuery()).as("it asks for the hole the ledger has, up to the"
                + " oldest bar held").startsWith(MINUTE_PATH + FROM.toEpochMilli() + "/" + (oldestHeld - 1) + "?");
        long stillMissing = source.stream().filter(bar -> bar.startMillis() < oldestHeld).count();
        assertThat(resumedRequests).as("only the pages of what was missing")
                .hasSize((int) ((stillMissing + PAGE_LIMIT - 1) / PAGE_LIMIT));
        assertThat(firstAppRequests + resumedRequests.size()).as("both apps together")
                .isLessThanOrEqualTo((source.size() + PAGE_LIMIT - 1) / PAGE_LIMIT + 2);

        // The buckets the stop cut through were rolled up again from all their minutes.
        for (Timeframe derived : List.of(Timeframe.M5, Timeframe.H4)) {
            assertThat(storedBars(resumed, derived)).as("%s after the resume", derived.code()).isNotEmpty()
                    .containsExactlyElementsOf(sourceBars(derived));
        }
    }

    /** The source's own aggregates of the week, (t, o, h, l, c, v, n) each. */
    private List<List<Object>> sourceBars(Timeframe timeframe) throws Exception {
        List<List<Object>> bars = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        String url = fake.baseUrl() + "/v2/aggs/ticker/" + SYMBOL + "/range/" + timeframe.multiplier() + "/"
                + timeframe.timespan() + "/" + FROM.toEpochMilli() + "/" + TO.toEpochMilli() + "?sort=asc&limit=50000";
        while (url != null) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + fake.expectedKey()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode page = new ObjectMapper().readTree(response.body());
            for (JsonNode bar : page.path("results")) {
                bars.add(List.of(bar.get("t").asLong(), bar.get("o").asDouble(), bar.get("h").asDouble(),
                        bar.get("l").asDouble(), bar.get("c").asDouble(), volume(bar.get("v").asDouble()),
                        bar.get("n").asLong()));
            }
            url = page.hasNonNull("next_url") ? page.get("next_url").asText() : null;
        }
        return bars;
    }

    /**
     * A volume to compare: derived volumes are sums of doubles, and the source adds its minutes while
     * the store adds 5m sums (15m from 5m, ...), so the last ulp may differ; a millionth of a share may not.
     */
    private static double volume(double shares) {
        return Math.round(shares * 1e6) / 1e6;
    }

    private static List<List<Object>> storedBars(DataSource store, Timeframe timeframe) throws SQLException {
        String sql = """
                select (extract(epoch from ts) * 1000)::bigint, open, high, low, close, volume, trades
                from market_bar where ticker = ? and timeframe = ? order by ts""";
        List<List<Object>> bars = new ArrayList<>();
        try (Connection connection = store.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, SYMBOL);
            statement.setString(2, timeframe.code());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    bars.add(List.of(rows.getLong(1), rows.getDouble(2), rows.getDouble(3), rows.getDouble(4),
                            rows.getDouble(5), volume(rows.getDouble(6)), rows.getLong(7)));
                }
            }
        }
        return bars;
    }

    @Test
    void aStopEndsARunBetweenPagesAndTheAppClosesItWithTheReason() throws Exception {
        Path data = Files.createTempDirectory("tickertape-stop-");
        fake.failMatching(MINUTE_PATH, Integer.MAX_VALUE, Fault.responseDelay(SLOW_PAGE));
        Main app = start(data);
        DataSource store = dataSource(app);
        execute(store, "insert into ticker(symbol, active) values ('" + SYMBOL + "', true)");
        app.getCamelContext().createProducerTemplate().sendBody("direct:queue-jobs", List.of(
                new IngestionJob(RunTrigger.BACKFILL, SYMBOL, Timeframe.M1, FROM, TO, true)));
        await("a page of minutes to be stored", () -> queryLong(store,
                "select count(*) from market_bar where timeframe = '1m'") >= PAGE_LIMIT);
        long run = queryLong(store, "select id from ingestion_run where timeframe = '1m'");

        app.stop(); // graceful, with the configured shutdown timeout
        int requests = minuteRequests(0).size();

        DataSource after = dataSource(start(data));
        int pagesOfTheWeek = (int) ((bars() + PAGE_LIMIT - 1) / PAGE_LIMIT);
        assertThat(requests).as("the loop ended at the stop, not after the window's %d pages", pagesOfTheWeek)
                .isLessThan(pagesOfTheWeek);
        assertThat(storedMinutes(after)).hasSize(requests * PAGE_LIMIT);
        assertThat(status(after, run)).isEqualTo("FAILED");
        assertThat(text(after, "select error from ingestion_run where id = " + run))
                .as("closed by the stopping app itself, not by the next start").isEqualTo(Ingestion.SHUT_DOWN);
    }

    private static long bars() {
        long count = 0;
        for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
            count += SOURCE.minuteBars(SYMBOL, day).size();
        }
        return count;
    }

    // ---------------------------------------------------------------- the app

    private Main start(Path data) throws Exception {
        Main main = new Main();
        tickertape.Main.configure(main.configure());
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("tickertape.data-dir", data.toString());
        overrides.put("camel.server.port", String.valueOf(freePort()));
        overrides.put("camel.management.port", String.valueOf(freePort()));
        overrides.put("camel.main.routes-reload-enabled", "false");
        overrides.put("camel.main.routes-include-pattern", "file:routes/polygon.camel.yaml,file:routes/ingest.camel.yaml");
        overrides.put("polygon.api-key", fake.expectedKey());
        overrides.put("polygon.base-url", fake.baseUrl());
        overrides.put("polygon.requests-per-window", "3");
        overrides.put("polygon.budget-window-millis", "400");
        overrides.put("polygon.retry-delay-millis", "20");
        overrides.put("polygon.max-retry-delay-millis", "200");
        overrides.put("polygon.page-limit", String.valueOf(PAGE_LIMIT));
        overrides.put("camel.component.http.so-timeout", "10000");
        overrides.put("camel.component.http.response-timeout", "10000");
        overrides.put("ingest.batch-rows", "1");
        // the week is long past: it is complete, never stale (no catch-up refresh on start)
        overrides.put("ingest.stale-after", "PT1000000H");
        overrides.put("quality.repair-enabled", "false");
        overrides.put("tickertape.backfill-from", FIRST.toString());
        overrides.forEach(main::addOverrideProperty);
        started.add(main);
        main.start();
        return main;
    }

    private static DataSource dataSource(Main main) {
        return main.getCamelContext().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ---------------------------------------------------------------- the store and the fake

    private List<RecordedRequest> minuteRequests(int since) {
        return fake.requests().stream().filter(request -> request.pathAndQuery().startsWith(MINUTE_PATH))
                .skip(since).toList();
    }

    private static Map<Long, Aggregate> storedMinutes(DataSource store) throws SQLException {
        String sql = """
                select (extract(epoch from ts) * 1000)::bigint, open, high, low, close, volume, vwap, trades
                from market_bar where ticker = ? and timeframe = '1m' and ts >= ? and ts <= ? order by ts""";
        Map<Long, Aggregate> bars = new LinkedHashMap<>();
        try (Connection connection = store.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, SYMBOL);
            statement.setTimestamp(2, Timestamp.from(FROM));
            statement.setTimestamp(3, Timestamp.from(TO));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    bars.put(rows.getLong(1), new Aggregate(rows.getLong(1), rows.getDouble(2), rows.getDouble(3),
                            rows.getDouble(4), rows.getDouble(5), rows.getDouble(6), rows.getDouble(7),
                            rows.getLong(8)));
                }
            }
        }
        return bars;
    }

    private static String status(DataSource store, long runId) throws SQLException {
        try (Connection connection = store.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select status from ingestion_run where id = " + runId)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String text(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long queryLong(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
