package tickertape;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.sandbox.SyntheticBars;

/**
 * The packaged jar killed with SIGKILL three times during the backfill of its four tickers, then left
 * to finish: the store ends equal to the source with no bar twice, and each kill costs at most one page
 * asked for again per job that was running (the page in flight): every page stored before a kill is
 * covered in the ledger and never asked for again.
 */
class KillNineIT {
    private static final List<String> TICKERS = List.of("SPY", "QQQ", "IWM", "UVXY");
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 4);
    private static final LocalDate LAST = LocalDate.of(2024, 3, 8);
    private static final int PAGE_LIMIT = 1000;
    private static final int CONCURRENT_JOBS = 4;
    private static final int KILLS = 3;
    private static final Duration START = Duration.ofSeconds(90);
    private static final SyntheticBars SOURCE = new SyntheticBars(new ExchangeCalendar());

    @TempDir
    Path temp;

    @Test
    void threeKillsDuringABackfillCostAtMostOnePagePerRunningJobEachAndTheStoreEndsEqualToTheSource()
            throws Exception {
        try (FakePolygon fake = new FakePolygon("pk_kill_" + System.nanoTime(),
                     Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC));
             EmbeddedPostgres database = EmbeddedPostgres.builder().start()) {
            // each minute page arrives late, so every kill finds requests in flight
            fake.failMatching("/range/1/minute/", Integer.MAX_VALUE, Fault.responseDelay(Duration.ofMillis(800)));
            Map<String, String> env = environment(fake, database);
            Path workDir = AppProcess.newWorkDir(temp);
            // the same ports each time: the same instance, which closes its earlier life's runs at start
            int httpPort = AppProcess.freePort();
            int managementPort = AppProcess.freePort();
            DataSource store = database.getPostgresDatabase();

            for (int kill = 1; kill <= KILLS; kill++) {
                long storedBefore = minutesStored(store);
                try (AppProcess app = AppProcess.start(workDir, env, httpPort, managementPort)) {
                    assertThat(app.awaitReady(START)).as(app.output()).isTrue();
                    await("a page more to be stored before kill " + kill, () -> minutesStored(store) > storedBefore);
                    app.kill();
                }
            }
            try (AppProcess app = AppProcess.start(workDir, env, httpPort, managementPort)) {
                assertThat(app.awaitReady(START)).as(app.output()).isTrue();
                await("the backfill to end", () -> minutesStored(store) == sourceMinutes()
                        && query(store, "select count(*) from ingestion_run where status = 'RUNNING'") == 0);
            }

            assertThat(query(store, "select count(distinct (ticker, timeframe, ts)) from market_bar"))
                    .isEqualTo(query(store, "select count(*) from market_bar"));
            for (String ticker : TICKERS) {
                assertThat(query(store, "select count(*) from market_bar where timeframe = '1d' and ticker = '"
                        + ticker + "'")).as("%s 1d", ticker).isEqualTo(5);
            }
            int pages = (int) fake.requests().stream().filter(request -> request.pathAndQuery().startsWith("/v2/aggs/"))
                    .count();
            int splitChecks = fake.requests().size() - pages;
            System.out.printf("KillNineIT: %d aggregates requests over %d kills; the source has %d pages;"
                    + " %d splits requests%n", pages, KILLS, sourcePages(), splitChecks);
            assertThat(pages).as("requests over %d kills, against the %d pages the source has", KILLS, sourcePages())
                    .isBetween(sourcePages(), sourcePages() + KILLS * CONCURRENT_JOBS);
            // each ticker's splits once a day: asked again only when a kill cut its check short
            assertThat(splitChecks).as("splits requests").isBetween(TICKERS.size(), TICKERS.size() * (KILLS + 1));
        }
    }

    @Test
    void anInstanceKilledMidBackfillHasItsRunsTakenOverByTheOtherAfterTheLeaseWithNothingLostOrDoubled()
            throws Exception {
        Clock sourceNow = Clock.fixed(midnight(LAST.plusDays(1)), ZoneOffset.UTC);
        // the same source behind two fakes: the victim's answers never arrive while it lives, so it holds
        // its runs; the survivor's arrive at once
        try (FakePolygon victimSource = new FakePolygon("pk_takeover_" + System.nanoTime(), sourceNow);
             FakePolygon survivorSource = new FakePolygon(victimSource.expectedKey(), sourceNow);
             EmbeddedPostgres database = EmbeddedPostgres.builder().start()) {
            victimSource.failMatching("/v2/aggs/", Integer.MAX_VALUE, Fault.responseDelay(Duration.ofSeconds(50)));
            DataSource store = database.getPostgresDatabase();
            try (AppProcess victim = AppProcess.start(AppProcess.newWorkDir(temp.resolve("victim")),
                         takeoverEnvironment(victimSource, database));
                 AppProcess survivor = startedAfterRunsOf(victim, store,
                         takeoverEnvironment(survivorSource, database))) {
                long victimRuns = query(store, "select count(*) from ingestion_run where status = 'RUNNING'"
                        + " and owner like '%:" + victim.httpPort + "/%'");
                victim.kill();
                await("the survivor to finish the backfill", () -> minutesStored(store) == sourceMinutes()
                        && query(store, "select count(*) from ingestion_run where status = 'RUNNING'") == 0);
                assertThat(query(store, "select count(*) from ingestion_run where error like 'lease expired: %'"))
                        .as("the victim's runs, closed once their lease ran out").isEqualTo(victimRuns);
            }
            assertThat(query(store, "select count(distinct (ticker, timeframe, ts)) from market_bar"))
                    .isEqualTo(query(store, "select count(*) from market_bar"));
            for (String ticker : TICKERS) {
                assertThat(query(store, "select count(*) from market_bar where timeframe = '1d' and ticker = '"
                        + ticker + "'")).as("%s 1d", ticker).isEqualTo(5);
            }
            assertThat(survivorSource.requests()).as("the survivor asks for each page of the source once")
                    .hasSize(sourcePages());
        }
    }

    /** The survivor, started once the victim holds every series' run, so all it does comes from the takeover. */
    private AppProcess startedAfterRunsOf(AppProcess victim, DataSource store, Map<String, String> env)
            throws Exception {
        assertThat(victim.awaitReady(START)).as(victim.output()).isTrue();
        await("the victim to hold a run of every series", () -> query(store, "select count(*) from ingestion_run"
                + " where status = 'RUNNING'") == 2L * TICKERS.size());
        AppProcess survivor = AppProcess.start(AppProcess.newWorkDir(temp.resolve("survivor")), env);
        assertThat(survivor.awaitReady(START)).as(survivor.output()).isTrue();
        return survivor;
    }

    /** A short lease renewed often, and a healing plan each second: the takeover within seconds. */
    private static Map<String, String> takeoverEnvironment(FakePolygon fake, EmbeddedPostgres database) {
        Map<String, String> env = new java.util.HashMap<>(environment(fake, database));
        env.put("INGEST_RUN_LEASE", "PT4S");
        env.put("INGEST_LEASE_RENEW_MILLIS", "500");
        env.put("TICKERTAPE_HEAL_INTERVAL_MILLIS", "1000");
        return env;
    }

    private static Map<String, String> environment(FakePolygon fake, EmbeddedPostgres database) {
        return Map.of(
                "DATABASE_URL", "postgresql://postgres@localhost:" + database.getPort() + "/postgres",
                "POLYGON_API_KEY", fake.expectedKey(),
                "POLYGON_BASE_URL", fake.baseUrl(),
                "POLYGON_PAGE_LIMIT", String.valueOf(PAGE_LIMIT),
                "POLYGON_REQUESTS_PER_MINUTE", "1000",
                "TICKERTAPE_BACKFILL_FROM", FIRST.toString(),
                "TICKERTAPE_REFRESH_SCHEDULE", "0 0 0 1 1 ?",
                "TICKERTAPE_REPAIR_ENABLED", "false");
    }

    /** Pages of the week: one per ticker for 1d, the minutes in pages of PAGE_LIMIT. */
    private static int sourcePages() {
        int pages = 0;
        for (String ticker : TICKERS) {
            pages += 1 + (int) ((minutesOf(ticker) + PAGE_LIMIT - 1) / PAGE_LIMIT);
        }
        return pages;
    }

    private static long sourceMinutes() {
        return TICKERS.stream().mapToLong(KillNineIT::minutesOf).sum();
    }

    private static long minutesOf(String ticker) {
        long minutes = 0;
        for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
            minutes += SOURCE.minuteBars(ticker, day).size();
        }
        return minutes;
    }

    private static long minutesStored(DataSource store) {
        try {
            return query(store, "select count(*) from market_bar where timeframe = '1m'");
        } catch (SQLException e) {
            return -1; // the schema is not there before the first start's migration
        }
    }

    private static long query(DataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
