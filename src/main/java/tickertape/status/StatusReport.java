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
import javax.sql.DataSource;
import tickertape.ingest.IngestionRunViews;
import tickertape.ingest.TickerRoutes;
import tickertape.database.Columns;
import tickertape.market.Timeframe;
import tickertape.database.Database;

/**
 * What {@code GET /api/v2/status} answers: the version, where the store is (never a password),
 * the configured tickers and timeframes, what the store holds per series, each ticker's splits check
 * (a failing one with its error), and the last ingestion.
 * It is open to everyone, so it carries nothing secret.
 */
public class StatusReport {
    /**
     * Per series as the triggers on the bar table keep it (sql/V7__series_bar_count.sql): this report is
     * open to everyone, so it reads a row per series, never the bars themselves.
     */
    private static final String SERIES_SQL = """
            select ticker, timeframe, bars, first_bar, last_bar
            from series_bar_count order by ticker, timeframe""";

    /** The newest run Polygon refused the key for, unless a run has succeeded since. */
    private static final String REFUSAL_SQL = """
            select id, ticker, timeframe, error, finished_at from ingestion_run r
            where status = 'NOT_AUTHORIZED'
              and not exists (select 1 from ingestion_run ok
                              where ok.status in ('SUCCEEDED', 'PARTIAL') and ok.started_at > r.started_at)
            order by started_at desc limit 1""";

    /**
     * Each ticker's splits check (sql/V8__splits.sql): when its splits were last fetched and, while the
     * last fetch failed, why and when it is tried again (the failed check keeps its claim until then).
     */
    private static final String SPLIT_CHECKS_SQL = """
            select ticker, checked_at, error, case when error is not null then claimed_until end as retry_at
            from split_check order by ticker""";

    private final Database database;
    private final DataSource api;
    private final TickerRoutes tickers;
    private final IngestionRunViews runs;
    private final String source;
    private final String version = buildVersion();
    private final Instant startedAt = Instant.now();

    /** @param api the API requests' pool, which this open report reads through */
    public StatusReport(Database database, DataSource api, TickerRoutes tickers, IngestionRunViews runs,
                        String source) {
        this.database = database;
        this.api = api;
        this.tickers = tickers;
        this.runs = runs;
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
        try (Connection connection = api.getConnection()) {
            status.put("source", source(connection));
            status.put("series", series(connection));
            status.put("splitChecks", splitChecks(connection));
            status.put("lastIngestionRun", runs.latest());
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
                refusal.put("at", Columns.instant(rows, "finished_at"));
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
                one.put("firstBar", Columns.instant(rows, "first_bar"));
                one.put("lastBar", Columns.instant(rows, "last_bar"));
                series.add(one);
            }
        }
        return series;
    }

    private static List<Map<String, Object>> splitChecks(Connection connection) throws SQLException {
        List<Map<String, Object>> checks = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SPLIT_CHECKS_SQL);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("ticker", rows.getString("ticker"));
                check.put("checkedAt", Columns.instant(rows, "checked_at"));
                check.put("error", rows.getString("error"));
                check.put("retryAt", Columns.instant(rows, "retry_at"));
                checks.add(check);
            }
        }
        return checks;
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
