package tickertape.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tickertape.AppTestSupport;
import tickertape.market.Timeframe;
import tickertape.polygon.FakePolygon;
import tickertape.polygon.FakePolygon.Fault;
import tickertape.polygon.FakePolygon.RecordedRequest;

/**
 * The database goes away in the middle of a splits check of two instances, for longer than the
 * check's claim lasts (ingest.run-lease), while the instance that claimed it waits to retry its
 * request, then comes back (no restart): the check is neither lost nor doubled. The instance whose
 * claim lapsed sends nothing more (the other may have claimed the ticker meanwhile); the check stays
 * due and is made once after the database is back, by one instance, and recorded without an error.
 */
class ClusterSplitsOutageTest {
    private static final LocalDate FIRST = LocalDate.of(2024, 4, 1);
    private static final LocalDate LAST = LocalDate.of(2024, 4, 5);
    private static final String SPLITS = "/v3/reference/splits?ticker=SPY&";
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** The claimed check's retry waits this long after the first attempt fails: it meets the outage. */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(4);
    /** Longer than the lease, and than the pool's connection timeout (10 s): every caller meets it. */
    private static final Duration OUTAGE = Duration.ofSeconds(12);
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final FakePolygon fake = new FakePolygon("pk_splits_outage_" + System.nanoTime(),
            Clock.fixed(LAST.plusDays(1).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant(), ZoneOffset.UTC));
    @RegisterExtension
    final Instances instances = Instances.against(fake, Map.of(
            "polygon.requests-per-window", "10",
            "polygon.budget-window-millis", "500",
            "polygon.retry-delay-millis", String.valueOf(RETRY_DELAY.toMillis()),
            "tickertape.backfill-from", FIRST.toString(),
            "ingest.heal-interval-millis", "300",
            "ingest.run-lease", LEASE.toString(),
            "ingest.lease-renew-millis", "500",
            "ingest.retry-failed-after", "PT1H"));

    @Test
    void aCheckWhoseClaimLapsedInAnOutageIsMadeOnceAfterItByOneInstance() throws Exception {
        instances.startWithTickers(AppTestSupport.tickerBlock("SPY"));
        instances.startWithTickers(AppTestSupport.tickerBlock("SPY"));
        Instances.await(DEADLINE, "SPY's splits checked at its start and its backfill done", () -> instances.queryLong(
                "select count(*) from split_check where ticker = 'SPY' and checked_at is not null and claimed_until is null")
                == 1 && instances.queryLong("select count(*) from ingestion_run where status = 'RUNNING'") == 0);
        assertThat(splitsRequests()).hasSize(1);

        // the next daily check's first attempt fails, and its retry waits: the database goes away meanwhile
        fake.failMatching("/v3/reference/splits\\?ticker=SPY", 1, Fault.INTERNAL_SERVER_ERROR);
        instances.execute("update split_check set checked_at = checked_at - interval '7 days' where ticker = 'SPY'");
        Instances.await(DEADLINE, "the check's first attempt", () -> splitsRequests().size() == 2);
        try (Connection control = controlConnection()) {
            databaseAway(control);
            Thread.sleep(OUTAGE.toMillis());
            execute(control, "alter database postgres allow_connections true");
        }

        Instances.await(DEADLINE, "the check made after the outage", () -> instances.queryLong(
                "select count(*) from split_check where ticker = 'SPY' and error is null and claimed_until is null"
                        + " and checked_at > now() - interval '1 hour'") == 1);
        // the lapsed claim's retry would come within a database retry (5 s) of the pool's recovery
        Thread.sleep(RETRY_DELAY.plusSeconds(5).toMillis());
        assertThat(splitsRequests()).as("the start's check, the failed attempt, then one request after the outage")
                .hasSize(3);
        assertThat(instances.queryLong("select count(*) from dead_letter where route = 'fetch-splits'")).isZero();
    }

    /** A connection to another database of the server (template1), which outlives the outage of the app's. */
    private Connection controlConnection() throws SQLException {
        String url;
        try (Connection app = instances.store().getConnection()) {
            url = app.getMetaData().getURL();
        }
        return DriverManager.getConnection(url.replaceFirst("/postgres(\\?|$)", "/template1$1"), "postgres", "");
    }

    /** New connections to the app's database refused and every one closed, as a stopped server would. */
    private static void databaseAway(Connection control) throws SQLException {
        execute(control, "alter database postgres allow_connections false");
        execute(control, "select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = 'postgres' and pid <> pg_backend_pid()");
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<RecordedRequest> splitsRequests() {
        return fake.requests().stream().filter(request -> request.pathAndQuery().startsWith(SPLITS)).toList();
    }
}
