package tickertape.status;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import tickertape.ingest.TickerRoutes;
import tickertape.market.Timeframe;
import tickertape.store.Database;

/**
 * What {@code GET /api/v2/status} answers: the version, where the store is (never a password),
 * the configured tickers and timeframes, what the store holds per series, and the last ingestion.
 * It is open to everyone, so it carries nothing secret.
 */
public class StatusReport {
    private static final String SERIES_SQL = """
            select ticker, timeframe, count(*) as bars, min(ts) as first_bar, max(ts) as last_bar
            from market_bar group by ticker, timeframe order by ticker, timeframe""";
    private static final String LAST_RUN_SQL = """
            select id, trigger, ticker, timeframe, status, started_at, finished_at, error
            from ingestion_run order by started_at desc, id desc limit 1""";

    /** The newest run Polygon refused the key for, unless a run has succeeded since. */
    private static final String REFUSAL_SQL = """
            select id, ticker, timeframe, error, finished_at from ingestion_run r
            where status = 'NOT_AUTHORIZED'
              and not exists (select 1 from ingestion_run ok
                              where ok.status in ('SUCCEEDED', 'PARTIAL') and ok.started_at > r.started_at)
            order by started_at desc limit 1""";

    private final Database database;
    private final TickerRoutes tickers;
    private final String source;
    private final String version = buildVersion();
    private final Instant startedAt = Instant.now();

    public StatusReport(Database database, TickerRoutes tickers, String source) {
        this.database = database;
        this.tickers = tickers;
        this.source = source;
    }

    public Map<String, Object> report() throws SQLException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("name", "tickertape");
        status.put("version", version);
        status.put("startedAt", startedAt);
        status.put("storage", storage());
        status.put("tickers", tickers.configuredSymbols());
        status.put("timeframes", Arrays.stream(Timeframe.values()).map(Timeframe::code).toList());
        try (Connection connection = database.dataSource().getConnection()) {
            status.put("source", source(connection));
            status.put("series", series(connection));
            status.put("lastIngestionRun", lastRun(connection));
        }
        return status;
    }

    private Map<String, Object> storage() {
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("mode", database.settings().isEmbedded() ? "embedded" : "external");
        storage.put("location", database.settings().describe());
        storage.put("healthy", database.isHealthy());
        return storage;
    }

    /** Where bars come from, and Polygon's refusal of the key when that is why ingestion stopped. */
    private Map<String, Object> source(Connection connection) throws SQLException {
        Map<String, Object> polygon = new LinkedHashMap<>();
        polygon.put("name", source);
        polygon.put("sandbox", source.startsWith("sandbox"));
        try (PreparedStatement statement = connection.prepareStatement(REFUSAL_SQL);
             ResultSet rows = statement.executeQuery()) {
            if (rows.next()) {
                Map<String, Object> refusal = new LinkedHashMap<>();
                refusal.put("runId", rows.getLong("id"));
                refusal.put("ticker", rows.getString("ticker"));
                refusal.put("timeframe", rows.getString("timeframe"));
                refusal.put("message", rows.getString("error"));
                refusal.put("at", instant(rows.getTimestamp("finished_at")));
                polygon.put("notAuthorized", refusal);
            }
        }
        return polygon;
    }

    private static List<Map<String, Object>> series(Connection connection) throws SQLException {
        List<Map<String, Object>> series = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SERIES_SQL);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("ticker", rows.getString("ticker"));
                one.put("timeframe", rows.getString("timeframe"));
                one.put("bars", rows.getLong("bars"));
                one.put("firstBar", instant(rows.getTimestamp("first_bar")));
                one.put("lastBar", instant(rows.getTimestamp("last_bar")));
                series.add(one);
            }
        }
        return series;
    }

    private static Map<String, Object> lastRun(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LAST_RUN_SQL);
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                return null;
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("id", rows.getLong("id"));
            run.put("trigger", rows.getString("trigger"));
            run.put("ticker", rows.getString("ticker"));
            run.put("timeframe", rows.getString("timeframe"));
            run.put("status", rows.getString("status"));
            run.put("startedAt", instant(rows.getTimestamp("started_at")));
            run.put("finishedAt", instant(rows.getTimestamp("finished_at")));
            run.put("error", rows.getString("error"));
            return run;
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String buildVersion() {
        try (InputStream in = StatusReport.class.getResourceAsStream("/tickertape-build.properties")) {
            Properties build = new Properties();
            build.load(in);
            return build.getProperty("version");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
