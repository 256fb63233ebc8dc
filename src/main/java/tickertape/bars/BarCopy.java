package tickertape.bars;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Appends bars that are not stored yet with {@code COPY}, PostgreSQL's bulk path: one stream for all
 * of a batch's new bars, several rows per heap write, no statement per row. Rows are sent as they are
 * added, so PostgreSQL stores them while the caller works out the next ones. The caller knows they
 * are new (it read the spans under a lock); a bar stored meanwhile by another writer fails the primary
 * key and rolls the whole batch back, so a bar is never stored twice.
 *
 * <p>The binary format: doubles travel as their IEEE bits and timestamps as microseconds, so neither
 * side formats or parses a number (text COPY spent more of both cores on that than on the rows).
 * The COPY starts with the first bar; until {@link #close()} ends it the connection can run nothing else.
 */
final class BarCopy implements AutoCloseable {
    private static final String COPY = "copy market_bar (ticker, timeframe, ts, open, high, low, close, volume, "
            + "vwap, trades, source) from stdin (format binary)";
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final short FIELDS = 11;
    /** PostgreSQL's timestamps count from 2000-01-01T00:00Z. */
    private static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;
    private static final int BUFFER_BYTES = 1 << 16;

    private final Connection connection;
    /** Symbols, timeframes and sources repeat on every row: each is encoded once. */
    private final Map<String, byte[]> texts = new HashMap<>();
    private PGCopyOutputStream copy;
    private DataOutputStream out;

    BarCopy(Connection connection) {
        this.connection = connection;
    }

    void add(BarRow bar, String source) throws SQLException {
        try {
            if (out == null) {
                start();
            }
            writeRow(bar, source);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Ends the COPY, if one started: PostgreSQL has then checked and stored every row. */
    @Override
    public void close() throws SQLException {
        if (out == null) {
            return;
        }
        try {
            out.writeShort(-1); // end of data
            out.close();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private void start() throws SQLException, IOException {
        copy = new PGCopyOutputStream(connection.unwrap(PGConnection.class), COPY, BUFFER_BYTES);
        out = new DataOutputStream(new BufferedOutputStream(copy, BUFFER_BYTES));
        out.write(SIGNATURE);
        out.writeInt(0); // flags
        out.writeInt(0); // header extension length
    }

    /** The server's own error (a violated key or check) when there is one; the COPY is cancelled. */
    private SQLException failed(IOException e) throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
        return e.getCause() instanceof SQLException sql ? sql : new SQLException("COPY of new bars failed", e);
    }

    private void writeRow(BarRow bar, String source) throws IOException {
        out.writeShort(FIELDS);
        writeText(bar.ticker());
        writeText(bar.timeframe());
        out.writeInt(8);
        out.writeLong((bar.tsMillis() - POSTGRES_EPOCH_MILLIS) * 1000);
        writeDouble(bar.open());
        writeDouble(bar.high());
        writeDouble(bar.low());
        writeDouble(bar.close());
        writeDouble(bar.volume());
        if (bar.vwap() == null) {
            out.writeInt(-1);
        } else {
            writeDouble(bar.vwap());
        }
        if (bar.trades() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(8);
            out.writeLong(bar.trades());
        }
        writeText(source);
    }

    private void writeDouble(double value) throws IOException {
        out.writeInt(8);
        out.writeDouble(value);
    }

    private void writeText(String text) throws IOException {
        byte[] bytes = texts.computeIfAbsent(text, value -> value.getBytes(StandardCharsets.UTF_8));
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}
