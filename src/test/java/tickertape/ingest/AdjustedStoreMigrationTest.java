package tickertape.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.main.Main;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.AppTestSupport;
import tickertape.bars.CoverageLedger;
import tickertape.cluster.Instances;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.RecordedRequest;

/**
 * A store filled before bars were stored raw (schema V7, UVXY's bars as adjusted=true answered them
 * after its reverse split of 2024-04-01: ten times the raw prices before it) is migrated by V8 and
 * refetched raw in the background: it ends as the raw store a fresh backfill makes (bar for bar, the
 * rolled-up timeframes too), with no hole and nothing held as adjusted, for as many requests as that
 * fresh backfill; while it waits to be refetched, the ledger still counts it as confirmed.
 */
class AdjustedStoreMigrationTest {
    private static final String TICKER = "UVXY";
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 25);
    private static final LocalDate LAST = LocalDate.of(2024, 4, 5);
    private static final Duration DONE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakePolygon fake = new FakePolygon("pk_migration_" + System.nanoTime(),
            Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC));
    /** The store of a fresh backfill, to compare with. */
    @RegisterExtension
    final Instances fresh = newStore();
    /** The store filled before bars were stored raw. */
    @RegisterExtension
    final Instances old = newStore();

    @Test
    void anOldStoreOfAdjustedBarsEndsAsTheRawStoreOfAFreshBackfillForAsManyRequests() throws Exception {
        backfill(fresh, fresh.start());
        List<RecordedRequest> freshRequests = aggregateRequests();
        Map<String, Map<Long, List<Double>>> freshBars = bars(fresh.store());

        Flyway.configure().dataSource(old.store()).locations(AppTestSupport.setting("tickertape.database.migrations"))
                .target("7").load().migrate();
        fillWithAdjustedBars(old.store());
        fake.clearRequests();
        Main app = old.start(); // migrates to V8: the old store's coverage becomes adjusted_held
        CoverageLedger ledger = new CoverageLedger(old.store());
        assertThat(ledger.holes(TICKER, Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1))))
                .as("not covered: the planner refetches it").hasSize(1);
        assertThat(ledger.confirmed(TICKER, Timeframe.M1, midnight(FIRST), midnight(LAST.plusDays(1))))
                .as("yet confirmed for quality and status while it waits")
                .containsExactly(new CoverageLedger.Window(midnight(FIRST), midnight(LAST.plusDays(1))));

        backfill(old, app);
        List<RecordedRequest> refetch = aggregateRequests();

        assertThat(old.queryLong("select count(*) from series_coverage where adjusted_held <> '{}'")).isZero();
        assertThat(old.queryLong("select count(*) from series_coverage where ticker = '" + TICKER + "'"
                + " and lower(covered) = '" + midnight(FIRST) + "' and cardinality(array(select unnest(covered))) = 1"))
                .as("1m and 1d each covered from the backfill start on, in one range").isEqualTo(2);
        Map<String, Map<Long, List<Double>>> migrated = bars(old.store());
        assertThat(migrated.keySet()).containsExactlyElementsOf(freshBars.keySet());
        freshBars.forEach((timeframe, expected) -> assertSameBars(timeframe, migrated.get(timeframe), expected));
        assertThat(migrated.get("1d").get(midnight(FIRST).toEpochMilli()).get(3))
                .as("raw: a tenth of the adjusted close the old store held")
                .isCloseTo(adjustedDayBars().get(0).get("c").asDouble() / 10, within(1e-9));
        assertThat(refetch).as("requests of the refetch against %d of a fresh backfill", freshRequests.size())
                .hasSameSizeAs(freshRequests);
    }

    private Instances newStore() {
        return Instances.against(fake, Map.of(
                "polygon.page-limit", "1000",
                "polygon.requests-per-window", "20",
                "polygon.budget-window-millis", "1000",
                "tickertape.backfill-from", FIRST.toString(),
                "ingest.heal-interval-millis", "500"));
    }

    /**
     * What the ticker's route does when it starts, then the healing timer, until the window is whole. Sent
     * by hand, not from a ticker block: the old store's ledger is read between the app's migration at its
     * start and the refetch, which a block would begin at once.
     */
    private void backfill(Instances instances, Main app) throws Exception {
        instances.execute("insert into ticker(symbol, active) values ('" + TICKER + "', true) on conflict do nothing");
        app.getCamelContext().createProducerTemplate().sendBody("seda:ticker-started",
                new TickerRoutes.TickerBlock(TICKER, FIRST.toString()));
        Instances.await(DONE, "the backfill to end", () -> instances.queryLong(
                "select count(*) from ingestion_run where status = 'RUNNING'") == 0
                && instances.queryLong("select count(*) from ingestion_run where status = 'SUCCEEDED'") >= 2
                && instances.queryLong("select count(*) from market_bar where timeframe = '1m' and ticker = '"
                + TICKER + "'") == IngestionTestSupport.sourceMinutes(TICKER, FIRST, LAST).size()
                && instances.queryLong("select count(*) from series_coverage where adjusted_held = '{}'"
                + " and lower(covered) = '" + midnight(FIRST) + "'") == 2);
    }

    private List<RecordedRequest> aggregateRequests() {
        return fake.requests().stream().filter(request -> request.pathAndQuery().startsWith("/v2/aggs/")).toList();
    }

    /** The old store: every timeframe as the fake's adjusted answer, its 1m and 1d windows answered for. */
    private void fillWithAdjustedBars(DataSource store) throws Exception {
        try (Connection connection = store.getConnection()) {
            connection.createStatement().execute("insert into ticker(symbol) values ('" + TICKER + "')");
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume, vwap, trades)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (Timeframe timeframe : Timeframe.values()) {
                    for (JsonNode bar : fakeBars(timeframe, true)) {
                        insert.setString(1, TICKER);
                        insert.setString(2, timeframe.code());
                        insert.setTimestamp(3, Timestamp.from(Instant.ofEpochMilli(bar.get("t").asLong())));
                        int column = 4;
                        for (String field : List.of("o", "h", "l", "c", "v", "vw")) {
                            insert.setDouble(column++, bar.get(field).asDouble());
                        }
                        insert.setLong(10, bar.get("n").asLong());
                        insert.addBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.createStatement().execute("insert into series_coverage(ticker, timeframe, covered) values"
                    + " ('" + TICKER + "', '1m', tstzmultirange(tstzrange('" + midnight(FIRST) + "', '"
                    + midnight(LAST.plusDays(1)) + "'))), ('" + TICKER + "', '1d', tstzmultirange(tstzrange('"
                    + midnight(FIRST) + "', '" + midnight(LAST.plusDays(1)) + "')))");
        }
    }

    private List<JsonNode> adjustedDayBars() throws Exception {
        return fakeBars(Timeframe.D1, true);
    }

    private List<JsonNode> fakeBars(Timeframe timeframe, boolean adjusted) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v2/aggs/ticker/"
                        + TICKER + "/range/" + timeframe.multiplier() + "/" + timeframe.timespan() + "/" + FIRST + "/"
                        + LAST + "?limit=50000&adjusted=" + adjusted))
                .header("Authorization", "Bearer " + fake.expectedKey()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode page = JSON.readTree(response.body());
        assertThat(page.has("next_url")).as("one page").isFalse();
        List<JsonNode> bars = new ArrayList<>();
        page.path("results").forEach(bars::add);
        return bars;
    }

    /** Every stored bar by timeframe, then start: o h l c v vw n. */
    private static Map<String, Map<Long, List<Double>>> bars(DataSource store) throws SQLException {
        Map<String, Map<Long, List<Double>>> bars = new LinkedHashMap<>();
        try (Connection connection = store.getConnection();
             ResultSet rows = connection.createStatement().executeQuery("""
                     select timeframe, (extract(epoch from ts) * 1000)::bigint, open, high, low, close, volume, vwap, trades
                     from market_bar order by timeframe, ts""")) {
            while (rows.next()) {
                bars.computeIfAbsent(rows.getString(1), timeframe -> new LinkedHashMap<>()).put(rows.getLong(2),
                        List.of(rows.getDouble(3), rows.getDouble(4), rows.getDouble(5), rows.getDouble(6),
                                rows.getDouble(7), rows.getDouble(8), (double) rows.getLong(9)));
            }
        }
        return bars;
    }

    /** Bar for bar; volume and vwap are sums, whose last digits depend on the order they were added in. */
    private static void assertSameBars(String timeframe, Map<Long, List<Double>> actual, Map<Long, List<Double>> expected) {
        assertThat(actual.keySet()).as("bars of %s", timeframe).containsExactlyElementsOf(expected.keySet());
        expected.forEach((t, values) -> {
            List<Double> migrated = actual.get(t);
            for (int i = 0; i < values.size(); i++) {
                assertThat(migrated.get(i)).as("%s %s field %d", timeframe, Instant.ofEpochMilli(t), i)
                        .isCloseTo(values.get(i), within(Math.abs(values.get(i)) * 1e-9));
            }
        });
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
