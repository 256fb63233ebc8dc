package tickertape.api.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import tickertape.AppTestSupport;
import tickertape.bars.LatestBarCache;
import tickertape.bars.MarketBarChanges;
import tickertape.keys.ApiKeys;
import tickertape.keys.Role;

/**
 * The app with its REST API, called through real HTTP with an API key of the role under test; and
 * test data written straight into the store by SQL in a transaction of its own, announced as every
 * writer of market_bar announces its changes (as another process would: nothing tells the cache directly).
 */
public abstract class ApiTestSupport extends AppTestSupport {
    protected static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Role, String> keys = new EnumMap<>(Role.class);

    /** A response with its body parsed as JSON when it is JSON. */
    public record Reply(int status, String body, HttpResponse<String> response) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    protected Reply get(Role role, String pathAndQuery, String... headers) throws Exception {
        return send(role, request(pathAndQuery, headers).GET());
    }

    protected Reply post(Role role, String path, String jsonBody) throws Exception {
        return send(role, request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    protected Reply send(Role role, HttpRequest.Builder request) throws Exception {
        // an answer that never comes fails the test instead of holding the build until CI's limit
        HttpResponse<String> response = HTTP.send(authorize(request, role).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response);
    }

    protected HttpRequest.Builder request(String pathAndQuery, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    /**
     * The one place requests get their credentials: a key of {@code role}, issued once per test class.
     * (Until the API platform binds its key store, the endpoints are open and no key is sent.)
     */
    protected HttpRequest.Builder authorize(HttpRequest.Builder request, Role role) throws Exception {
        ApiKeys apiKeys = context.getRegistry().findSingleByType(ApiKeys.class);
        return apiKeys == null ? request : request.header("Authorization", "Bearer " + key(apiKeys, role));
    }

    /** A key of {@code role} with a rate limit no test reaches. */
    protected String key(ApiKeys apiKeys, Role role) throws Exception {
        if (!keys.containsKey(role)) {
            keys.put(role, apiKeys.issue(role, "test " + role.code(), 1_000_000).secret());
        }
        return keys.get(role);
    }

    /** Registers a ticker that no route ingests, so the sandbox backfill leaves its series alone. */
    protected void addTicker(String symbol) throws Exception {
        execute("insert into ticker(symbol) values ('" + symbol + "') on conflict do nothing");
    }

    /**
     * Writes bars of a synthetic walk, one per {@code step}, from {@code first}, and announces the series
     * in the same transaction; returns the last start.
     */
    protected Instant insertBars(String ticker, String timeframe, Instant first, java.time.Duration step, int count)
            throws Exception {
        String sql = "insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume, vwap, trades)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        Instant ts = first;
        try (Connection connection = dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            connection.setAutoCommit(false);
            for (int i = 0; i < count; i++, ts = ts.plus(step)) {
                double close = closeAt(i);
                insert.setString(1, ticker);
                insert.setString(2, timeframe);
                insert.setTimestamp(3, Timestamp.from(ts));
                insert.setDouble(4, close - 0.5);
                insert.setDouble(5, close + 1);
                insert.setDouble(6, close - 1);
                insert.setDouble(7, close);
                insert.setDouble(8, 1000 + i + 0.5);
                insert.setDouble(9, close - 0.25);
                insert.setLong(10, 10 + i);
                insert.addBatch();
            }
            insert.executeBatch();
            announce(connection, ticker, timeframe);
            connection.commit();
        }
        return ts.minus(step);
    }

    /** The close of the i-th bar {@link #insertBars} writes. */
    protected static double closeAt(int i) {
        return 100 + i;
    }

    /** Announces a change to the series on {@code connection}, as every writer of market_bar does in its transaction. */
    protected static void announce(Connection connection, String ticker, String timeframe) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(MarketBarChanges.ANNOUNCE)) {
            statement.setArray(1, connection.createArrayOf("text",
                    new String[] {MarketBarChanges.payload(ticker, timeframe)}));
            statement.executeQuery().close();
        }
    }

    /** The backend pid of the change listener's own connection (found by its application name). */
    protected int listenerPid() throws Exception {
        Integer pid = listenerPidOrNull();
        if (pid == null) {
            throw new AssertionError("the change listener has no backend");
        }
        return pid;
    }

    protected Integer listenerPidOrNull() throws Exception {
        try (Connection connection = dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select pid from pg_stat_activity where application_name = 'tickertape change listener'")) {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    protected LatestBarCache latestBarCache() {
        return context.getRegistry().lookupByNameAndType("latestBarCache", LatestBarCache.class);
    }

    protected void execute(String sql) throws Exception {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
