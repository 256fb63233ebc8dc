package tickertape.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import javax.sql.DataSource;
import tickertape.bars.MarketBarChanges;

/**
 * Writes while the latest bar is measured, so the figures include invalidation: a new newest SPY 1m bar
 * every {@link #EVERY}, inserted and announced in one transaction on the app's pool (as the ingest
 * writer does), and after each commit the time until GET latest answers it: how long the cache can be
 * stale. Its bars are deleted (and announced) at the end, leaving the store as it found it.
 */
final class LatestFeed implements AutoCloseable {
    private static final Duration EVERY = Duration.ofMillis(100);
    private static final Duration GIVE_UP = Duration.ofSeconds(5);
    private static final String INSERT = "insert into market_bar(ticker, timeframe, ts, open, high, low, close, volume)"
            + " values ('SPY', '1m', ?, ?, ?, ?, ?, 1000)";

    private final DataSource pool;
    private final HttpRequest latest;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Instant newestBefore;
    private final List<Double> lagsMillis = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private Instant newest;
    private long stale;
    private String failure;

    LatestFeed(DataSource pool, String url, String key) throws SQLException {
        this.pool = pool;
        this.latest = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).build();
        this.newestBefore = newestSpyMinute();
        this.newest = newestBefore;
        this.thread = new Thread(this::run, "bench-latest-feed");
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                long next = System.nanoTime() + EVERY.toNanos();
                newest = newest.plus(Duration.ofMinutes(1));
                write(newest, 500 + lagsMillis.size() % 100);
                lagsMillis.add(millisUntilServed(newest));
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            }
        } catch (Exception e) {
            failure = e.toString();
        }
    }

    /** Milliseconds from the commit until GET latest answers the bar starting at {@code ts}. */
    private double millisUntilServed(Instant ts) throws Exception {
        long committed = System.nanoTime();
        String expected = "\"ts\":\"" + ts + "\"";
        while (!client.send(latest, HttpResponse.BodyHandlers.ofString()).body().contains(expected)) {
            if (System.nanoTime() - committed > GIVE_UP.toNanos()) {
                stale++;
                break;
            }
        }
        return (System.nanoTime() - committed) / 1e6;
    }

    private void write(Instant ts, double price) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(false);
            insert.setTimestamp(1, Timestamp.from(ts));
            for (int column = 2; column <= 5; column++) {
                insert.setDouble(column, price);
            }
            insert.executeUpdate();
            announceSpyMinutes(connection);
            connection.commit();
        }
    }

    private static void announceSpyMinutes(Connection connection) throws SQLException {
        try (PreparedStatement announce = connection.prepareStatement(MarketBarChanges.ANNOUNCE)) {
            announce.setArray(1, connection.createArrayOf("text", new String[] {MarketBarChanges.payload("SPY", "1m")}));
            announce.executeQuery().close();
        }
    }

    private Instant newestSpyMinute() throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "select max(ts) from market_bar where ticker = 'SPY' and timeframe = '1m'");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getTimestamp(1).toInstant();
        }
    }

    /** Writes, how stale the answer was after each (p50, p99, max), and answers never seen within the give-up time. */
    Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("writes", lagsMillis.size());
        figures.put("every_ms", EVERY.toMillis());
        figures.put("served_after_commit_p50_ms", Stats.sig(Stats.median(lagsMillis)));
        figures.put("served_after_commit_p99_ms", Stats.sig(percentile(lagsMillis, 0.99)));
        figures.put("served_after_commit_max_ms", Stats.sig(lagsMillis.stream().mapToDouble(d -> d).max().orElse(Double.NaN)));
        figures.put("never_served_within_5s", stale);
        figures.put("failure", failure);
        return figures;
    }

    private static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    /** Stops writing, then deletes the feed's bars. */
    @Override
    public void close() throws Exception {
        running = false;
        thread.join();
        try (Connection connection = pool.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "delete from market_bar where ticker = 'SPY' and timeframe = '1m' and ts > ?")) {
            connection.setAutoCommit(false);
            delete.setTimestamp(1, Timestamp.from(newestBefore));
            delete.executeUpdate();
            announceSpyMinutes(connection);
            connection.commit();
        }
    }
}
