package tickertape.polygon;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tickertape.api.ApiProblem;
import tickertape.metrics.Metrics;
import tickertape.database.Columns;

/**
 * The dead-letter channel's store: a Polygon request that failed its last attempt, kept with its
 * status, error and attempt count (never the key: it travels in a header, and any apiKey= a URL
 * might carry is cut out) so ops can see it and replay it.
 */
public class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final Pattern API_KEY_PARAMETER = Pattern.compile("(?i)([?&])apiKey=[^&]*&?");

    private final DataSource dataSource;
    private final Metrics metrics;

    public DeadLetters(DataSource dataSource, Metrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    /**
     * Called by the dead-letter channel with the exchange that exhausted its attempts, which tells the
     * caller's run its page did not arrive; while the app stops, attempts end early (a retry's wait is
     * cut short) and nothing is parked.
     */
    public void park(Exchange exchange) throws SQLException {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        PolygonRequest request = PolygonRequest.of(exchange);
        request.parked(cause);
        if (exchange.getContext().isStopping()) {
            // a wait cut short by the stop: the window stays a hole, planned again at the next start
            exchange.getMessage().getHeaders().clear();
            return;
        }
        int status = cause instanceof PolygonFailure failure ? failure.httpStatus() : 0;
        String error = cause == null ? "unknown" : describe(cause);
        // a request that failed before the budget admitted it is recorded as one attempt
        int attempts = Math.max(1, request.attempts());
        String line = "GET " + withoutKey(request.url());
        long id = insert(exchange.getFromRouteId(), request, line, status, error, attempts);
        metrics.deadLetterParked();
        exchange.getMessage().getHeaders().clear(); // the request's headers carry the key
        LOG.warn("Polygon request parked as dead letter {} after {} attempt(s): {} -> {} {}", id, attempts, line,
                status, error);
    }

    private long insert(String route, PolygonRequest request, String line, int status, String error, int attempts)
            throws SQLException {
        String sql = """
                insert into dead_letter(route, run_id, ticker, timeframe, request, http_status, error, attempts)
                values (?, ?, ?, ?, ?, ?, ?, ?) returning id""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, route);
            setNullableLong(statement, 2, request.runId());
            statement.setString(3, request.ticker());
            statement.setString(4, request.timeframe());
            statement.setString(5, line);
            if (status == 0) {
                statement.setNull(6, Types.INTEGER);
            } else {
                statement.setInt(6, status);
            }
            statement.setString(7, error);
            statement.setInt(8, attempts);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    public List<Map<String, Object>> list(Integer limit) throws SQLException {
        int rowsWanted = limit == null ? 100 : Math.max(1, Math.min(limit, 1000));
        String sql = """
                select id, route, run_id, ticker, timeframe, request, http_status, error, attempts, created_at,
                       replayed_at, replay_run_id
                from dead_letter order by created_at desc, id desc limit ?""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, rowsWanted);
            try (ResultSet rows = statement.executeQuery()) {
                List<Map<String, Object>> letters = new ArrayList<>();
                while (rows.next()) {
                    letters.add(row(rows));
                }
                return letters;
            }
        }
    }

    /** The dead letter to replay, marked as replayed by the run that replays it. */
    public Map<String, Object> find(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     select id, route, run_id, ticker, timeframe, request, http_status, error, attempts, created_at,
                            replayed_at, replay_run_id
                     from dead_letter where id = ?""")) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw ApiProblem.notFound("Dead letter", "no dead letter with id " + id);
                }
                return row(rows);
            }
        }
    }

    public void markReplayed(long id, long replayRunId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "update dead_letter set replayed_at = now(), replay_run_id = ? where id = ?")) {
            statement.setLong(1, replayRunId);
            statement.setLong(2, id);
            statement.executeUpdate();
        }
    }

    private static Map<String, Object> row(ResultSet rows) throws SQLException {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("id", rows.getLong("id"));
        letter.put("route", rows.getString("route"));
        letter.put("runId", rows.getObject("run_id"));
        letter.put("ticker", rows.getString("ticker"));
        letter.put("timeframe", rows.getString("timeframe"));
        letter.put("request", rows.getString("request"));
        letter.put("httpStatus", rows.getObject("http_status"));
        letter.put("error", rows.getString("error"));
        letter.put("attempts", rows.getInt("attempts"));
        letter.put("createdAt", Columns.instant(rows, "created_at"));
        letter.put("replayedAt", Columns.instant(rows, "replayed_at"));
        letter.put("replayRunId", rows.getObject("replay_run_id"));
        return letter;
    }

    /** The request line as it may be stored and shown: an apiKey= parameter removed. */
    static String withoutKey(String url) {
        if (url == null) {
            return "";
        }
        String cleaned = API_KEY_PARAMETER.matcher(url).replaceAll("$1");
        return cleaned.endsWith("?") || cleaned.endsWith("&") ? cleaned.substring(0, cleaned.length() - 1) : cleaned;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        String text = cause instanceof PolygonFailure ? cause.getMessage() : cause.getClass().getSimpleName() + message;
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
