package tickertape.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.bars.BarStore;
import tickertape.database.Statements;
import tickertape.market.Timeframe;
import tickertape.metrics.Metrics;

/**
 * The ingestion log's lifecycle: one ingestion_run row per job, opened, written through and closed
 * here (the API and the status page read it through {@link IngestionRunViews}). A RUNNING row belongs
 * to the process named in {@code owner} while it renews {@code lease_until} ({@link #keepLeases}); the
 * database allows one per series. Counters and the bar reached are kept in memory while the run goes
 * and written through after every page when the database answers (a lost update costs a figure, never
 * a bar). A run is closed only when every page it sent to the writer has been committed or has failed:
 * no timed wait guesses.
 */
public class IngestionRuns {
    private static final Logger LOG = LoggerFactory.getLogger(IngestionRuns.class);

    private final DataSource dataSource;
    private final Metrics metrics;
    private final RunOwner owner;
    private final Map<Long, RunState> active = new ConcurrentHashMap<>();
    /** Runs that ended while their final row could not be written (the database was away): retried by keepLeases. */
    private final Map<Long, Closing> closing = new ConcurrentHashMap<>();

    public IngestionRuns(DataSource dataSource, Metrics metrics, RunOwner owner) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.owner = owner;
    }

    /**
     * Runs this instance left RUNNING in an earlier life (it was killed) cannot finish: closed at once,
     * instead of after their lease, so a restart resumes their series straight away.
     */
    public void closeRunsOfEarlierLives() throws SQLException {
        int closed = Statements.update(dataSource, """
                update ingestion_run set status = 'FAILED', finished_at = now(),
                       error = 'interrupted: the app stopped during this run; its series resumes from the store'
                where status = 'RUNNING' and starts_with(owner, ?) and owner <> ?""", owner.instance(), owner.id());
        if (closed > 0) {
            LOG.warn("Closed {} ingestion run(s) interrupted by the last stop", closed);
        }
    }

    /**
     * Runs whose owner stopped renewing their lease (it died, or lost the database for longer than the
     * lease) are closed, so their series can be planned again. Never one of this process's own.
     */
    public int closeExpiredRuns() throws SQLException {
        int closed = Statements.update(dataSource, """
                update ingestion_run set status = 'FAILED', finished_at = now(),
                       error = 'lease expired: ' || owner || ' stopped renewing it; its series is planned again'
                where status = 'RUNNING' and lease_until < now() and not (id = any(?))""", (Object) ownIds());
        if (closed > 0) {
            LOG.warn("Closed {} ingestion run(s) whose lease expired", closed);
        }
        return closed;
    }

    /** Renews the lease of every run this process holds, and writes the final row of runs that could not be closed. */
    public void keepLeases() throws SQLException {
        for (Closing run : List.copyOf(closing.values())) {
            persist(run.state, run.status, run.error, true);
            closing.remove(run.state.job.runId());
        }
        Statements.update(dataSource, "update ingestion_run set lease_until = now() + ? * interval '1 millisecond'"
                + " where status = 'RUNNING' and owner = ? and id = any(?)", owner.lease().toMillis(), owner.id(),
                ownIds());
    }

    /** Opens the job's run, or answers empty when its series has one open already (in any instance). */
    public Optional<IngestionJob> open(IngestionJob job, int requestedDays) throws SQLException {
        String sql = """
                insert into ingestion_run(trigger, ticker, timeframe, window_from, window_to, newest_first, status,
                                          requested, owner, lease_until)
                values (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, now() + ? * interval '1 millisecond')
                on conflict (ticker, timeframe) where status = 'RUNNING' do nothing
                returning id""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, job.trigger().code());
            statement.setString(2, job.ticker());
            statement.setString(3, job.timeframe().code());
            statement.setTimestamp(4, Timestamp.from(job.from()));
            statement.setTimestamp(5, Timestamp.from(job.to()));
            statement.setBoolean(6, job.newestFirst());
            statement.setInt(7, requestedDays);
            statement.setString(8, owner.id());
            statement.setLong(9, owner.lease().toMillis());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                IngestionJob opened = job.withRunId(rows.getLong(1));
                active.put(opened.runId(), new RunState(opened));
                return Optional.of(opened);
            }
        }
    }

    /** True when the series' last run ended FAILED less than {@code within} ago, but by an expired lease. */
    public boolean failedWithin(String ticker, Timeframe timeframe, Duration within)
            throws SQLException {
        // a run whose process died (lease expired) failed for no reason of the series': taken over at once
        String sql = """
                select status = 'FAILED' and finished_at > now() - ? * interval '1 millisecond'
                       and not starts_with(coalesce(error, ''), 'lease expired: ')
                from ingestion_run where ticker = ? and timeframe = ? order by started_at desc limit 1""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, within.toMillis());
            statement.setString(2, ticker);
            statement.setString(3, timeframe.code());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    public void apiCall(Long runId) {
        state(runId).ifPresent(run -> {
            synchronized (run) {
                run.apiCalls++;
            }
        });
    }

    public void retry(Long runId) {
        state(runId).ifPresent(run -> {
            synchronized (run) {
                run.retries++;
            }
        });
    }

    /** A page arrived and goes to the writer (with its bars, or only its covered window). */
    public void pageFetched(long runId, int received, int rejected, Instant reachedBar) {
        RunState run = active.get(runId);
        metrics.barsRejected(run.job.ticker(), run.job.timeframe().code(), rejected);
        synchronized (run) {
            run.received += received;
            run.rejected += rejected;
            run.pendingPages++;
            if (reachedBar != null) {
                run.reachedBar = reachedBar;
            }
        }
        writeProgress(run);
    }

    public void batchWritten(List<BarStore.RunCounts> counts) {
        for (BarStore.RunCounts count : counts) {
            RunState run = active.get(count.runId());
            if (run == null) {
                continue;
            }
            metrics.barsWritten(run.job.ticker(), run.job.timeframe().code(), count.inserted(), count.updated());
            synchronized (run) {
                run.inserted += count.inserted();
                run.updated += count.updated();
                run.pendingPages = Math.max(0, run.pendingPages - count.pages());
                run.notifyAll();
            }
            writeProgress(run);
        }
    }

    /** Pages of the run that could not be written: their windows stay holes, and the run ends FAILED. */
    public void pagesFailed(long runId, int pages, Throwable error) {
        RunState run = active.get(runId);
        if (run == null) {
            return;
        }
        synchronized (run) {
            run.writeError = "write failed: " + error.getMessage();
            run.pendingPages = Math.max(0, run.pendingPages - pages);
            run.notifyAll();
        }
    }

    /**
     * Waits until every page the run sent to the writer is committed or failed; answers why writing
     * failed, or null. The writer's own retries are bounded, so this wait is too.
     */
    public String awaitWrites(long runId) throws InterruptedException {
        RunState run = active.get(runId);
        synchronized (run) {
            while (run.pendingPages > 0) {
                run.wait(1000);
            }
            return run.writeError;
        }
    }

    /**
     * Records how the run ended, once its pages are written. {@code fetchFailure}, when present, is why
     * fetching stopped early. A final row the database does not take now is written by keepLeases later,
     * while the lease keeps the run this process's.
     */
    public RunStatus close(long runId, RunStatus failedStatus, String fetchFailure) throws InterruptedException {
        String writeError = awaitWrites(runId);
        RunState run = active.get(runId);
        String error = fetchFailure != null ? fetchFailure : writeError;
        RunStatus status = fetchFailure != null ? failedStatus
                : writeError != null ? RunStatus.FAILED
                : run.rejected > 0 ? RunStatus.PARTIAL : RunStatus.SUCCEEDED;
        try {
            persist(run, status, error, true);
        } catch (SQLException e) {
            LOG.warn("Run {} ended {}, but its row cannot be written yet: {}", runId, status, e.getMessage());
            closing.put(runId, new Closing(run, status, error));
        }
        active.remove(runId);
        return status;
    }

    public IngestionJob job(long runId) {
        return active.get(runId).job;
    }

    private Optional<RunState> state(Long runId) {
        return runId == null ? Optional.empty() : Optional.ofNullable(active.get(runId));
    }

    private Long[] ownIds() {
        return Stream.concat(active.keySet().stream(), closing.keySet().stream())
                .toArray(Long[]::new);
    }

    /** The run's counters so far, when the database takes them; the final row has them all anyway. */
    private void writeProgress(RunState run) {
        try {
            persist(run, RunStatus.RUNNING, null, false);
        } catch (SQLException e) {
            LOG.debug("Run {}: progress not written: {}", run.job.runId(), e.getMessage());
        }
    }

    /**
     * Writes the run's counters through. A closed run is never written again: a batch writer that
     * woke {@link #close} may persist its (older) RUNNING figures after close wrote the final ones.
     */
    private void persist(RunState run, RunStatus status, String error, boolean finished) throws SQLException {
        String sql = """
                update ingestion_run set status = ?, received = ?, inserted = ?, updated = ?, rejected = ?,
                       api_calls = ?, retries = ?, reached_bar = ?, error = ?, finished_at = case when ? then now() end
                where id = ? and finished_at is null""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            synchronized (run) {
                statement.setString(1, status.name());
                statement.setInt(2, run.received);
                statement.setInt(3, run.inserted);
                statement.setInt(4, run.updated);
                statement.setInt(5, run.rejected);
                statement.setInt(6, run.apiCalls);
                statement.setInt(7, run.retries);
                statement.setTimestamp(8, run.reachedBar == null ? null : Timestamp.from(run.reachedBar));
                statement.setString(9, error);
                statement.setBoolean(10, finished);
                statement.setLong(11, run.job.runId());
            }
            statement.executeUpdate();
        }
    }

    /** A run that ended, whose final row waits for the database. */
    private record Closing(RunState state, RunStatus status, String error) {
    }

    private static final class RunState {
        final IngestionJob job;
        int received;
        int inserted;
        int updated;
        int rejected;
        int apiCalls;
        int retries;
        int pendingPages;
        Instant reachedBar;
        String writeError;

        RunState(IngestionJob job) {
            this.job = job;
        }
    }
}
