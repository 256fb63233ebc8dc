package tickertape.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;

/**
 * {@code api_key.last_used_at}, kept off the request path: a request notes its key's use in memory
 * (a map read, and a write at most once per resolution per key), and {@link #write()} stores the
 * noted uses in one batch, run by the {@code api-key-uses} route every resolution, and once more when
 * the app stops. A listing may so show a use up to twice the resolution late; that is its precision.
 * A write that fails loses its batch: the key's next use after the resolution is noted again.
 */
public final class KeyUses extends ServiceSupport {
    private final DataSource dataSource;
    private final Clock clock;
    private final long resolutionMillis;
    /** The last use noted per key id, in epoch millis. */
    private final ConcurrentMap<Long, Long> noted = new ConcurrentHashMap<>();
    /** Uses noted and not yet written, per key id. */
    private final ConcurrentMap<Long, Long> unwritten = new ConcurrentHashMap<>();

    public KeyUses(DataSource dataSource, Clock clock, Duration resolution) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.resolutionMillis = resolution.toMillis();
    }

    void note(ApiKey key) {
        long now = clock.millis();
        Long last = noted.get(key.id());
        if (last == null || now - last >= resolutionMillis) {
            noted.put(key.id(), now);
            unwritten.put(key.id(), now);
        }
    }

    /** Stores the uses noted since the last write, in one batch. */
    public void write() throws SQLException {
        if (unwritten.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update api_key set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)")) {
            for (Map.Entry<Long, Long> use : unwritten.entrySet()) {
                if (unwritten.remove(use.getKey(), use.getValue())) {
                    Timestamp at = Timestamp.from(Instant.ofEpochMilli(use.getValue()));
                    update.setTimestamp(1, at);
                    update.setLong(2, use.getKey());
                    update.setTimestamp(3, at);
                    update.addBatch();
                }
            }
            update.executeBatch();
        }
    }

    @Override
    protected void doStop() throws SQLException {
        write();
    }
}
