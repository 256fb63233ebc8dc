package tickertape.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import tickertape.bars.BarPage;
import tickertape.bars.BarRow;
import tickertape.sandbox.Aggregate;

/** SQL the bench runs itself: resets, COPY (the physical reference) and plain queries. */
final class Store {
    /** market_bar's columns in the order of the CSV {@link #csv} makes and {@link #copyOutBars} gives. */
    private static final String BARS = "market_bar (ticker, timeframe, ts, open, high, low, close, volume, vwap, trades, "
            + "source)";
    private static final String COPY_IN = "COPY " + BARS + " FROM STDIN (FORMAT csv)";

    private final DataSource dataSource;

    Store(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    void addTicker(String symbol) throws SQLException {
        execute("insert into ticker (symbol, active) values ('" + symbol + "', true) on conflict do nothing");
    }

    /** An empty bar table, and no dirty pages or WAL of an earlier run left to slow the next one. */
    void reset() throws SQLException {
        execute("truncate market_bar, series_coverage");
        execute("checkpoint");
    }

    /** Same as reset, keeping what is there: the starting line of a timed run. */
    void settle() throws SQLException {
        execute("vacuum analyze market_bar");
        execute("checkpoint");
    }

    /** The rows as COPY's CSV input, built before the clock starts. */
    static byte[] csv(List<Series> series, boolean olderHalfOnly, boolean newerHalfOnly) {
        StringBuilder text = new StringBuilder();
        for (Series one : series) {
            List<Aggregate> bars = olderHalfOnly ? one.olderHalf() : newerHalfOnly ? one.newerHalf() : one.bars();
            for (Aggregate bar : bars) {
                text.append(one.ticker()).append(",1m,").append(Instant.ofEpochMilli(bar.startMillis())).append(',')
                        .append(bar.open()).append(',').append(bar.high()).append(',').append(bar.low()).append(',')
                        .append(bar.close()).append(',').append(bar.volume()).append(',').append(bar.vwap())
                        .append(',').append(bar.trades()).append(",polygon\n");
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** COPY of the rows into market_bar; seconds. */
    double copyIn(byte[] csv) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            long start = System.nanoTime();
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_IN, new ByteArrayInputStream(csv));
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Every stored bar as the CSV {@link #copyIn} reads. */
    byte[] copyOutBars() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + BARS + " TO STDOUT (FORMAT csv)", csv);
            return csv.toByteArray();
        }
    }

    /** COPY (query) TO STDOUT into a counting sink; returns {seconds, bytes}. */
    double[] copyOut(String query) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            CountingSink sink = new CountingSink();
            long start = System.nanoTime();
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT (FORMAT csv)", sink);
            return new double[] {(System.nanoTime() - start) / 1e9, sink.bytes};
        }
    }

    /** A page of 1m bars as the page loop hands it to the writer: answered from its first bar to just past its last. */
    static BarPage page(String ticker, List<BarRow> rows) {
        return new BarPage(0, ticker, "1m", rows, Instant.ofEpochMilli(rows.get(0).tsMillis()),
                Instant.ofEpochMilli(rows.get(rows.size() - 1).tsMillis() + 1));
    }

    static List<BarRow> rows(String ticker, List<Aggregate> bars) {
        List<BarRow> rows = new ArrayList<>(bars.size());
        for (Aggregate bar : bars) {
            rows.add(new BarRow(ticker, "1m", bar.startMillis(), bar.open(), bar.high(), bar.low(), bar.close(),
                    bar.volume(), bar.vwap(), bar.trades()));
        }
        return rows;
    }

    /** Runs of ids that are still RUNNING. */
    long stillRunning(List<Long> ids) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select count(*) from ingestion_run where id = any(?) and status = 'RUNNING'")) {
            statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** True while any run is RUNNING. */
    boolean anyRunning() throws SQLException {
        return queryLong("select count(*) from ingestion_run where status = 'RUNNING'") > 0;
    }

    /** {inserted, updated, received, apiCalls, statuses} of the runs. */
    Object[] runTotals(List<Long> ids) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select coalesce(sum(inserted),0), coalesce(sum(updated),0), coalesce(sum(received),0), "
                             + "coalesce(sum(api_calls),0), string_agg(distinct status, ',') "
                             + "from ingestion_run where id = any(?)")) {
            statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Object[] {rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getString(5)};
            }
        }
    }

    private static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
