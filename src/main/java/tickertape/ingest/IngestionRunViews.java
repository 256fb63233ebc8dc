package tickertape.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import tickertape.api.ApiProblem;
import tickertape.api.ClientInput;
import tickertape.database.Columns;

/**
 * The ingestion log as the API (GET /api/v2/data/ingest/status and /ingest/{id}) and the status pages
 * read it. A running run's progress and ETA are computed from its row alone (the bar its owner wrote
 * through it has reached), so every instance answers the same for every run, whoever fetches it.
 */
public class IngestionRunViews {
    /**
     * Each run with, while it runs, {@code progress}: the share of its window covered from the end it
     * starts at (0..1, 3 decimals), and {@code eta}, only between 0 and 1: now plus the time taken so
     * far scaled by the share left.
     */
    private static final String WITH_PROGRESS = """
            select run.*, round(covered.share::numeric, 3)::float8 as progress,
                   case when covered.share > 0 and covered.share < 1
                        then now() + (now() - run.started_at) * ((1 - covered.share) / covered.share) end as eta
            from ingestion_run run
            cross join lateral (
                select case when run.status = 'RUNNING' then greatest(0, least(1, coalesce(
                           extract(epoch from case when run.newest_first then run.window_to - run.reached_bar
                                                   else run.reached_bar - run.window_from end)
                           / nullif(extract(epoch from run.window_to - run.window_from), 0), 0)))::float8
                       end as share) covered
            """;

    private final DataSource dataSource;

    /** @param dataSource the API requests' pool */
    public IngestionRunViews(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Running runs (oldest first, with progress and ETA) and the recent ones (newest first, as stored). */
    public Map<String, Object> overview(int recent) throws SQLException {
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("running", query(WITH_PROGRESS + "where run.status = 'RUNNING' order by run.started_at, run.id",
                IngestionRunViews::withProgress));
        overview.put("recent", recentRuns(recent));
        return overview;
    }

    /** The run of a path id, with progress and ETA while it runs; 400 on a bad id, 404 on an unknown one. */
    public Map<String, Object> find(String runId) throws SQLException {
        long id = ClientInput.id("id", runId);
        List<Map<String, Object>> found = query(WITH_PROGRESS + "where run.id = ?",
                IngestionRunViews::withProgress, id);
        if (found.isEmpty()) {
            throw ApiProblem.notFound("Ingestion run", "no ingestion run with id " + id);
        }
        return found.get(0);
    }

    /** The newest run, or null before the first one. */
    public Map<String, Object> latest() throws SQLException {
        List<Map<String, Object>> newest = recentRuns(1);
        return newest.isEmpty() ? null : newest.get(0);
    }

    private List<Map<String, Object>> recentRuns(int limit) throws SQLException {
        return query("select * from ingestion_run order by started_at desc, id desc limit ?",
                IngestionRunViews::runRow, limit);
    }

    private List<Map<String, Object>> query(String sql, RowReader reader, long... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setLong(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                List<Map<String, Object>> runs = new ArrayList<>();
                while (rows.next()) {
                    runs.add(reader.read(rows));
                }
                return runs;
            }
        }
    }

    /** The row's fields, and progress (with eta when there is one) when it is running. */
    private static Map<String, Object> withProgress(ResultSet rows) throws SQLException {
        Map<String, Object> run = runRow(rows);
        double progress = rows.getDouble("progress");
        if (!rows.wasNull()) {
            run.put("progress", progress);
            Instant eta = Columns.instant(rows, "eta");
            if (eta != null) {
                run.put("eta", eta);
            }
        }
        return run;
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

    /** Reads one row of a result into its JSON fields. */
    private interface RowReader {
        Map<String, Object> read(ResultSet rows) throws SQLException;
    }
}
