package tickertape.keys;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.camel.support.service.ServiceSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link KeyCache} honest: LISTENs on {@code api_key_changed} (announced by a trigger on
 * every change that matters, whoever makes it: sql/V2__api_key_change_notify.sql) and empties the
 * cache on each announcement, on a thread and a connection of its own (outside the pool, which stays
 * whole for requests).
 *
 * <p>Every heartbeat it runs one query on that connection: PostgreSQL delivers a listener's pending
 * announcements before it answers, so once the answer is in, every change committed before the query
 * was sent has been seen, and the cache is trusted for two heartbeats from then. A connection that
 * fails or dies (a restart, {@code pg_terminate_backend}, a network cut the heartbeat runs into) ends
 * the trust at once, or at the latest when the lease runs out; requests then query the store, and the
 * listener reconnects with a growing delay. On reconnecting it empties the cache, as announcements
 * made while it was away reached no one.
 */
public final class KeyChangeListener extends ServiceSupport {
    static final String CHANNEL = "api_key_changed";
    private static final Logger LOG = LoggerFactory.getLogger(KeyChangeListener.class);
    /** The first wait before reconnecting, doubled after each failure up to the configured maximum. */
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(250);

    /** Opens the listener's own connection. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;
    private final KeyCache cache;
    private final Duration heartbeat;
    private final Duration maxReconnectDelay;
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;
    /** Touched by the listener thread only. */
    private Duration reconnectDelay = FIRST_RECONNECT_DELAY;
    private boolean warned;

    public KeyChangeListener(Connections connections, KeyCache cache, Duration heartbeat, Duration maxReconnectDelay) {
        this.connections = connections;
        this.cache = cache;
        this.heartbeat = heartbeat;
        this.maxReconnectDelay = maxReconnectDelay;
    }

    @Override
    protected void doStart() {
        running = true;
        thread = new Thread(this::run, "tickertape-key-changes");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        Connection listening = connection;
        if (listening != null) {
            try {
                // Closes the socket under a blocked wait for announcements, which a close would wait out.
                listening.abort(Runnable::run);
            } catch (SQLException e) {
                LOG.debug("Aborting the key listener's connection", e);
            }
        }
        thread.interrupt();
        thread.join(Duration.ofSeconds(10).toMillis());
    }

    private void run() {
        while (running) {
            try (Connection opened = connections.open()) {
                connection = opened;
                if (running) {
                    listen(opened);
                }
            } catch (SQLException | RuntimeException e) {
                cache.distrust();
                if (running) {
                    waitBeforeReconnecting(e);
                }
            } finally {
                connection = null;
            }
        }
        cache.distrust();
    }

    /** Returns when stopped; throws when the connection fails. */
    private void listen(Connection opened) throws SQLException {
        PGConnection postgres = opened.unwrap(PGConnection.class);
        try (Statement statement = opened.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
            // Changes made before LISTEN reached no one: forget what was cached meanwhile.
            cache.invalidateAll();
            if (warned) {
                LOG.info("Listening for API key changes again: authenticated keys are kept in memory once more");
                warned = false;
            }
            reconnectDelay = FIRST_RECONNECT_DELAY;
            int heartbeatMillis = (int) heartbeat.toMillis();
            while (running) {
                long asOf = System.nanoTime();
                statement.execute("SELECT 1");
                invalidateOnAnnouncement(postgres.getNotifications());
                cache.trustUntil(asOf + 2 * heartbeat.toNanos());
                invalidateOnAnnouncement(postgres.getNotifications(heartbeatMillis));
            }
        }
    }

    private void invalidateOnAnnouncement(PGNotification[] announcements) {
        if (announcements != null && announcements.length > 0) {
            cache.invalidateAll();
        }
    }

    private void waitBeforeReconnecting(Exception failure) {
        // One warning per outage; the message never holds a password (pgjdbc does not put one in).
        if (!warned) {
            LOG.warn("Not listening for API key changes ({}): each request looks its key up in the store until"
                    + " the listener reconnects", failure.getMessage());
            warned = true;
        } else {
            LOG.debug("Key listener still not connected", failure);
        }
        try {
            Thread.sleep(reconnectDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        reconnectDelay = reconnectDelay.multipliedBy(2).compareTo(maxReconnectDelay) > 0
                ? maxReconnectDelay : reconnectDelay.multipliedBy(2);
    }
}
