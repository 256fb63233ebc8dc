package tickertape.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.support.service.ServiceSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link AnnouncedCache}s honest: LISTENs on each one's channel and hands it every
 * announcement, on a thread and a connection of its own (outside the pool, which stays whole for
 * requests). One connection serves every channel.
 *
 * <p>Every heartbeat it runs one query on that connection: PostgreSQL delivers a listener's pending
 * announcements before it answers, so once the answer is in, every change committed before the query
 * was sent has been seen, and the caches are trusted for two heartbeats from then. A connection that
 * fails or dies (a restart, {@code pg_terminate_backend}, a network cut the heartbeat runs into) ends
 * the trust at once, or at the latest when the lease runs out; requests then query the store, and the
 * listener reconnects with a growing delay. On reconnecting it empties the caches, as announcements
 * made while it was away reached no one.
 */
public final class ChangeListener extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    /** The first wait before reconnecting, doubled after each failure up to the configured maximum. */
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(250);

    /** Opens the listener's own connection. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;
    private final Map<String, AnnouncedCache<?, ?>> cachesByChannel;
    private final Duration heartbeat;
    private final Duration maxReconnectDelay;
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;
    /** Touched by the listener thread only. */
    private Duration reconnectDelay = FIRST_RECONNECT_DELAY;
    private boolean warned;

    public ChangeListener(Connections connections, List<AnnouncedCache<?, ?>> caches, Duration heartbeat,
                          Duration maxReconnectDelay) {
        this.connections = connections;
        this.cachesByChannel = caches.stream().collect(Collectors.toMap(AnnouncedCache::channel, Function.identity()));
        this.heartbeat = heartbeat;
        this.maxReconnectDelay = maxReconnectDelay;
    }

    @Override
    protected void doStart() {
        running = true;
        thread = new Thread(this::run, "tickertape-store-changes");
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
                LOG.debug("Aborting the change listener's connection", e);
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
                cachesByChannel.values().forEach(AnnouncedCache::distrust);
                if (running) {
                    waitBeforeReconnecting(e);
                }
            } finally {
                connection = null;
            }
        }
        cachesByChannel.values().forEach(AnnouncedCache::distrust);
    }

    /** Returns when stopped; throws when the connection fails. */
    private void listen(Connection opened) throws SQLException {
        PGConnection postgres = opened.unwrap(PGConnection.class);
        try (Statement statement = opened.createStatement()) {
            for (String channel : cachesByChannel.keySet()) {
                statement.execute("LISTEN " + channel);
            }
            // Changes made before LISTEN reached no one: forget what was cached meanwhile.
            cachesByChannel.values().forEach(AnnouncedCache::invalidateAll);
            if (warned) {
                LOG.info("Listening for changes to the store again on {}: the caches are in use once more",
                        cachesByChannel.keySet());
                warned = false;
            }
            reconnectDelay = FIRST_RECONNECT_DELAY;
            int heartbeatMillis = (int) heartbeat.toMillis();
            while (running) {
                long asOf = System.nanoTime();
                statement.execute("SELECT 1");
                deliver(postgres.getNotifications());
                cachesByChannel.values().forEach(cache -> cache.trustUntil(asOf + 2 * heartbeat.toNanos()));
                deliver(postgres.getNotifications(heartbeatMillis));
            }
        }
    }

    private void deliver(PGNotification[] announcements) {
        if (announcements == null) {
            return;
        }
        for (PGNotification announcement : announcements) {
            cachesByChannel.get(announcement.getName()).announced(announcement.getParameter());
        }
    }

    private void waitBeforeReconnecting(Exception failure) {
        // One warning per outage; the message never holds a password (pgjdbc does not put one in).
        if (!warned) {
            LOG.warn("Not listening for changes to the store on {} ({}): every request reads the store until"
                    + " the listener reconnects", cachesByChannel.keySet(), failure.getMessage());
            warned = true;
        } else {
            LOG.debug("Change listener still not connected", failure);
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
