package tickertape.polygon;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.ingest.BarWriter;

/**
 * The Polygon request budget of every instance on this database: at most {@code requestsPerWindow}
 * requests in any window of {@code window}, retries included (the polygon-call route asks before each
 * attempt). Admission is decided in PostgreSQL (table polygon_admission), in one short transaction
 * under an advisory lock, so instances never admit the same slot twice. A request refused a slot
 * waits, holding no connection, until the oldest admission of the window leaves it, then asks again.
 *
 * <p>A wait ends as soon as the Camel context starts stopping ({@link Stopped}), so a shutdown never
 * waits out a window. While the database is away, admission is asked again with backoff: the wait for
 * the database is a wait for the budget, and no Polygon attempt is spent on it.
 */
public class PolygonBudget extends EventNotifierSupport {
    private static final Logger LOG = LoggerFactory.getLogger(PolygonBudget.class);

    private static final String LOCK = "select pg_advisory_xact_lock(hashtext('polygon_admission'))";
    /**
     * The database's now, and the admission that has to leave the window before another fits in: the
     * {@code requestsPerWindow}-th newest within it (none: there is room). A window is half-open,
     * {@code (now - window, now]}: an admission exactly one window old no longer counts.
     */
    private static final String BLOCKING = """
            select now, (select admitted_at from polygon_admission
                         where admitted_at > now - ? * interval '1 millisecond'
                         order by admitted_at desc offset ? limit 1)
            from (select clock_timestamp() as now) as clock""";
    private static final String PRUNE = "delete from polygon_admission where admitted_at <= ?::timestamptz"
            + " - ? * interval '1 millisecond'";
    private static final String ADMIT = "insert into polygon_admission(admitted_at) values (?)";
    private static final Duration FIRST_DATABASE_RETRY = Duration.ofMillis(250);
    private static final Duration LAST_DATABASE_RETRY = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final int requestsPerWindow;
    private final Duration window;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public PolygonBudget(DataSource dataSource, int requestsPerWindow, Duration window) {
        this.dataSource = dataSource;
        this.requestsPerWindow = requestsPerWindow;
        this.window = window;
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /** Returns once this request is admitted; throws {@link Stopped} when the app stops first. */
    public void admit() throws Stopped, InterruptedException {
        Duration databaseRetry = FIRST_DATABASE_RETRY;
        while (true) {
            Duration wait;
            try {
                wait = tryAdmit();
                databaseRetry = FIRST_DATABASE_RETRY;
            } catch (SQLException e) {
                if (!BarWriter.isTransient(e)) {
                    throw new IllegalStateException("Polygon budget: admission failed: " + e.getMessage(), e);
                }
                LOG.warn("Polygon budget: the database is away ({}); asking again in {} ms", e.getMessage(),
                        databaseRetry.toMillis());
                wait = databaseRetry;
                databaseRetry = min(databaseRetry.multipliedBy(2), LAST_DATABASE_RETRY);
            }
            if (wait.isZero()) {
                return;
            }
            if (stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new Stopped();
            }
        }
    }

    /** Zero when admitted; else how long until a slot frees up. */
    private Duration tryAdmit() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Duration wait = admitOrWait(connection);
                connection.commit();
                return wait;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private Duration admitOrWait(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
            lock.execute();
        }
        OffsetDateTime now;
        OffsetDateTime blocking;
        try (PreparedStatement query = connection.prepareStatement(BLOCKING)) {
            query.setLong(1, window.toMillis());
            query.setInt(2, requestsPerWindow - 1);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                now = row.getObject(1, OffsetDateTime.class);
                blocking = row.getObject(2, OffsetDateTime.class);
            }
        }
        if (blocking != null) {
            return untilOutOfWindow(blocking, now);
        }
        try (PreparedStatement prune = connection.prepareStatement(PRUNE);
             PreparedStatement admit = connection.prepareStatement(ADMIT)) {
            prune.setObject(1, now);
            prune.setLong(2, window.toMillis());
            prune.executeUpdate();
            admit.setObject(1, now);
            admit.executeUpdate();
        }
        return Duration.ZERO;
    }

    /** Positive: the blocking admission lies within the window that ends now. */
    private Duration untilOutOfWindow(OffsetDateTime admitted, OffsetDateTime now) {
        return Duration.between(now, admitted.plus(window));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelContextStoppingEvent;
    }

    /** The context is stopping: every wait ends now. */
    @Override
    public void notify(CamelEvent event) {
        stopping.countDown();
    }

    /** The app stopped while the request waited for its slot (or its caller withdrew it): nothing was sent. */
    public static class Stopped extends Exception {
        public Stopped() {
            this("the app is stopping: the request was not sent");
        }

        public Stopped(String why) {
            super(why);
        }
    }
}
