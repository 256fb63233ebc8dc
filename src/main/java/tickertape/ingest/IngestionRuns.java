package tickertape.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.api.ApiProblem;
import tickertape.metrics.Metrics;
import tickertape.store.Columns;

/**
 * The ingestion log: one ingestion_run row per job, its counters kept in memory while it runs and
 * written through after every page, so the table is always current and a crash loses at most a page
 * of counting. A run is closed only when every page it queued has been written (or failed).
 */
public class IngestionRuns {
    private static final Logger LOG = LoggerFactory.getLogger(IngestionRuns.class);
    private static final Duration WRITE_WAIT = Duration.ofMinutes(2);

    private final DataSource dataSource;
    private final Metrics metrics;
    private final Map<Long, RunState> active = new ConcurrentHashMap<>();

    public IngestionRuns(DataSource dataSource, Metrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    /** Runs left RUNNING by a process that died cannot finish: say so instead of showing them running forever. */
    public void closeInterruptedRuns() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     update ingestion_run set status = 'FAILED', finished_at = now(),
                            error = 'interrupted: the app stopped during this run; its series resumes from the store'
                     where status = 'RUNNING'""")) {
            int closed = statement.executeUpdate();
            if (closed > 0) {
                LOG.warn("Closed {} ingestion run(s) interrupted by the last stop", closed);
            }
        }
    }

    public IngestionJob open(IngestionJob job, int requestedDays) throws SQLException {
        String sql = """
                insert into ingestion_run(trigger, ticker, timeframe, window_from, window_to, status, requested)
                values (?, ?, ?, ?, ?, 'RUNNING', ?) returning id""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, job.trigger());
            statement.setString(2, job.ticker());
            statement.setString(3, job.timeframe().code());
            statement.setTimestamp(4, Timestamp.from(job.from()));
            statement.setTimestamp(5, Timestamp.from(job.to()));
            statement.setInt(6, requestedDays);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                long id = rows.getLong(1);
                active.put(id, new RunState(job.withRunId(id), Instant.now()));
                return job.withRunId(id);
            }
        }
    }

    /** The run already queued or running for this series, if any. */
    public Optional<Long> activeRunFor(String ticker, String timeframe) {
        return active.values().stream()
                .filter(run -> run.job.ticker().equals(ticker) && run.job.timeframe().code().equals(timeframe))
                .map(run -> run.job.runId())
                .findFirst();
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

    public void pageFetched(long runId, int received, int rejected, Instant reachedBar) throws SQLException {
        RunState run = active.get(runId);
        metrics.barsRejected(run.job.ticker(), run.job.timeframe().code(), rejected);
        synchronized (run) {
            run.received += received;
            run.rejected += rejected;
            if (received > rejected) {
                run.pendingPages++;
            }
            if (reachedBar != null) {
                run.reachedBar = reachedBar;
            }
        }
        persist(run, "RUNNING", null, false);
    }

    public void batchWritten(List<BarStore.RunCounts> counts) throws SQLException {
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
            persist(run, "RUNNING", null, false);
        }
    }

    public void batchFailed(List<Long> runIds, Throwable error) {
        for (Long runId : runIds) {
            RunState run = active.get(runId);
            if (run == null) {
                continue;
            }
            synchronized (run) {
                run.writeError = "write failed: " + error.getMessage();
                run.pendingPages = 0;
                run.notifyAll();
            }
        }
    }

    /**
     * Waits for the run's pages to be written, then records how it ended. {@code fetchFailure}, when
     * present, is why fetching stopped early.
     */
    public String close(long runId, String failedStatus, String fetchFailure) throws SQLException, InterruptedException {
        RunState run = active.get(runId);
        long deadline = System.nanoTime() + WRITE_WAIT.toNanos();
        synchronized (run) {
            while (run.pendingPages > 0 && System.nanoTime() < deadline) {
                run.wait(500);
            }
        }
        String error = fetchFailure != null ? fetchFailure : run.writeError;
        String status = fetchFailure != null ? failedStatus
                : run.writeError != null ? "FAILED"
                : run.rejected > 0 ? "PARTIAL" : "SUCCEEDED";
        persist(run, status, error, true);
        active.remove(runId);
        return status;
    }

    public IngestionJob job(long runId) {
        return active.get(runId).job;
    }

    private Optional<RunState> state(Long runId) {
        return runId == null ? Optional.empty() : Optional.ofNullable(active.get(runId));
    }

    /**
     * Writes the run's counters through. A closed run is never written again: a batch writer that
     * woke {@link #close} may persist its (older) RUNNING figures after close wrote the final ones.
     */
    private void persist(RunState run, String status, String error, boolean finished) throws SQLException {
        String sql = """
                update ingestion_run set status = ?, received = ?, inserted = ?, updated = ?, rejected = ?,
                       api_calls = ?, retries = ?, error = ?, finished_at = case when ? then now() end
                where id = ? and finished_at is null""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            synchronized (run) {
                statement.setString(1, status);
                statement.setInt(2, run.received);
                statement.setInt(3, run.inserted);
                statement.setInt(4, run.updated);
                statement.setInt(5, run.rejected);
                statement.setInt(6, run.apiCalls);
                statement.setInt(7, run.retries);
                statement.setString(8, error);
                statement.setBoolean(9, finished);
                statement.setLong(10, run.job.runId());
            }
            statement.executeUpdate();
        }
    }

    /** Running and recent runs, newest first, with progress and an ETA for the running ones. */
    public Map<String, Object> overview(int recent) throws SQLException {
        Map<String, Object> overview = new LinkedHashMap<>();
        List<Map<String, Object>> running = new ArrayList<>();
        for (RunState run : active.values()) {
            running.add(progressOf(run));
        }
        overview.put("running", running);
        overview.put("recent", recentRuns(recent));
        return overview;
    }

    public Map<String, Object> find(String runId) throws SQLException {
        long id = parseId("id", runId);
        RunState run = active.get(id);
        if (run != null) {
            return progressOf(run);
        }
        List<Map<String, Object>> found = query("select * from ingestion_run where id = ?", id);
        if (found.isEmpty()) {
            throw ApiProblem.notFound("Ingestion run", "no ingestion run with id " + id);
        }
        return found.get(0);
    }

    /** A path id as a number, or a 400 naming the parameter. */
    static long parseId(String parameter, String value) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.invalidParameter(parameter, parameter + " must be a positive whole number");
    }

    /** The newest run, or null before the first one. */
    public Map<String, Object> latest() throws SQLException {
        List<Map<String, Object>> newest = recentRuns(1);
        return newest.isEmpty() ? null : newest.get(0);
    }

    private List<Map<String, Object>> recentRuns(int limit) throws SQLException {
        return query("select * from ingestion_run order by started_at desc, id desc limit ?", limit);
    }

    private Map<String, Object> progressOf(RunState run) throws SQLException {
        Map<String, Object> row = query("select * from ingestion_run where id = ?", run.job.runId()).get(0);
        IngestionJob job = run.job;
        double span = Duration.between(job.from(), job.to()).toMillis();
        double progress = 0;
        if (run.reachedBar != null && span > 0) {
            Duration covered = job.newestFirst() ? Duration.between(run.reachedBar, job.to())
                    : Duration.between(job.from(), run.reachedBar);
            progress = Math.max(0, Math.min(1, covered.toMillis() / span));
        }
        row.put("progress", Math.round(progress * 1000) / 1000.0);
        if (progress > 0 && progress < 1) {
            long elapsed = Duration.between(run.startedAt, Instant.now()).toMillis();
            row.put("eta", Instant.now().plusMillis((long) (elapsed * (1 - progress) / progress)));
        }
        return row;
    }

    private List<Map<String, Object>> query(String sql, long parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                List<Map<String, Object>> runs = new ArrayList<>();
                while (rows.next()) {
                    runs.add(runRow(rows));
                }
                return runs;
            }
        }
    }

    private static Map<String, Object> runRow(ResultSet rows) throws SQLException {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", rows.getLong("id"));
        run.put("trigger", rows.getString("trigger"));
        run.put("ticker", rows.getString("ticker"));
        run.put("timeframe", rows.getString("timeframe"));
        run.put("windowFrom", Columns.instant(rows, "window_from"));
        run.put("windowTo", Columns.instant(rows, "window_to"));
        run.put("status", rows.getString("status"));
        for (String count : List.of("requested", "received", "inserted", "updated", "rejected", "retries")) {
            run.put(count, rows.getInt(count));
        }
        run.put("apiCalls", rows.getInt("api_calls"));
        run.put("error", rows.getString("error"));
        run.put("startedAt", Columns.instant(rows, "started_at"));
        run.put("finishedAt", Columns.instant(rows, "finished_at"));
        return run;
    }

    private static final class RunState {
        final IngestionJob job;
        final Instant startedAt;
        int received;
        int inserted;
        int updated;
        int rejected;
        int apiCalls;
        int retries;
        int pendingPages;
        Instant reachedBar;
        String writeError;

        RunState(IngestionJob job, Instant startedAt) {
            this.job = job;
            this.startedAt = startedAt;
        }
    }
}
