package tickertape.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether the server answers now, asked on a connection of the probe's own, with short timeouts.
 *
 * <p>Not through the pool: while the server is down, the pool waits its whole connection timeout
 * (10 s) for a connection, and a health probe with a shorter timeout got no answer at all. The
 * connection is kept between probes, so a probe costs one round trip rather than a login; one that
 * fails is dropped, and the next probe logs in again. Probes take turns: status pages share it.
 */
final class ServerProbe implements AutoCloseable {
    interface Connections {
        /** A connection whose connect and login give up within about a second. */
        Connection open() throws SQLException;
    }

    /** A round trip on a live connection takes milliseconds; a server that does not answer in this is down. */
    private static final int ANSWER_TIMEOUT_MILLIS = 500;

    private final Connections connections;
    private Connection connection;

    ServerProbe(Connections connections) {
        this.connections = connections;
    }

    synchronized boolean answers() {
        try {
            if (connection == null) {
                connection = connections.open();
                connection.setNetworkTimeout(Runnable::run, ANSWER_TIMEOUT_MILLIS);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("select 1");
            }
            return true;
        } catch (SQLException e) {
            close();
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // a connection to a server that is gone: nothing left to release
        }
        connection = null;
    }
}
