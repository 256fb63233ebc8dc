package tickertape.bars;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;

/**
 * A response body that reads its bars from a database cursor as the client consumes it, so a page of
 * a million bars costs the memory of one chunk. camel-platform-http-vertx pumps an InputStream body
 * to the response on a worker thread, with back-pressure, and closes it at the end.
 *
 * <p>PostgreSQL's JDBC driver only fetches {@code fetchSize} rows at a time inside a transaction
 * (autocommit off); otherwise it would read the whole result into memory. (camel-sql and camel-jdbc
 * run queries with autocommit on, which is why this is not a route.) The connection goes back to
 * the pool when the last bar is written or the stream is closed, whichever comes first.
 */
public final class BarStream extends InputStream {
    /** Bars written per refill of the buffer: about 60 KB of JSON. */
    private static final int BARS_PER_CHUNK = 500;

    private final Connection connection;
    private final ResultSet rows;
    private final Runnable release;
    private final SplitAdjustment.Stepper adjustment;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream(64 * 1024);
    private BarWriter writer;
    private byte[] chunk = new byte[0];
    private int position;
    private boolean exhausted;
    private boolean closed;

    private BarStream(Connection connection, ResultSet rows, Runnable release, SplitAdjustment.Stepper adjustment) {
        this.connection = connection;
        this.rows = rows;
        this.release = release;
        this.adjustment = adjustment;
    }

    /**
     * Runs the query of bars in [from, to) now, so a failure is still an error response, and returns
     * the stream that writes them, each scaled by {@code adjustment}, with the writer {@code opener}
     * makes. The stream runs {@code release} once, when it closes; if opening fails, the caller still
     * holds what it would release.
     */
    public static BarStream open(DataSource dataSource, int fetchSize, String ticker, Timeframe timeframe,
                                 Instant from, Instant to, SplitAdjustment.Stepper adjustment, WriterOpener opener,
                                 Runnable release) throws SQLException, IOException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            PreparedStatement statement = BarQueries.range(connection, BarQueries.RANGE_SQL, ticker, timeframe, from, to);
            statement.setFetchSize(fetchSize);
            BarStream stream = new BarStream(connection, statement.executeQuery(), release, adjustment);
            stream.writer = opener.open(stream.written);
            return stream;
        } catch (SQLException | IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Writes the bars it receives in order in a format (the API's JSON or CSV), then {@link #finish};
     * {@link #flush} pushes what is written to the stream.
     */
    public interface BarWriter {
        void bar(Bar bar) throws IOException;

        void flush() throws IOException;

        void finish() throws IOException;
    }

    /** Makes the page's writer over the stream's buffer (writing the page's opening into it). */
    @FunctionalInterface
    public interface WriterOpener {
        BarWriter open(OutputStream out) throws IOException;
    }

    @Override
    public int read() throws IOException {
        if (!ensureAvailable()) {
            return -1;
        }
        return chunk[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!ensureAvailable()) {
            return -1;
        }
        int count = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, count);
        position += count;
        return count;
    }

    @Override
    public int available() {
        return chunk.length - position;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        exhausted = true;
        try {
            connection.rollback(); // read-only: nothing to keep; ends the transaction holding the cursor
            connection.close();
        } catch (SQLException e) {
            throw new IOException("cannot release the connection of a bar stream", e);
        } finally {
            release.run();
        }
    }

    /** True when unread bytes are buffered, writing the next chunk of bars if needed. */
    private boolean ensureAvailable() throws IOException {
        while (position == chunk.length) {
            if (exhausted) {
                return false;
            }
            writeNextChunk();
        }
        return true;
    }

    private void writeNextChunk() throws IOException {
        try {
            int count = 0;
            while (count < BARS_PER_CHUNK && rows.next()) {
                Bar bar = Bar.of(rows);
                writer.bar(bar.scaled(adjustment.multiplier(bar.ts().toEpochMilli())));
                count++;
            }
            if (count < BARS_PER_CHUNK) {
                writer.finish();
                close();
            } else {
                writer.flush();
            }
        } catch (SQLException e) {
            close();
            throw new IOException("reading bars failed mid-stream", e);
        }
        chunk = written.toByteArray();
        written.reset();
        position = 0;
    }
}
