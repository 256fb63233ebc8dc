package tickertape.bars;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import tickertape.market.Timeframe;

/**
 * Writes a batch of pages in one transaction, with the derived timeframes (5m 15m 1h 4h) rolled up
 * from its 1m bars. Under a lock per ticker it reads what is stored in the spans the batch covers,
 * computes what should be stored, and writes only the difference: new bars by COPY, changed bars by
 * one upsert. A re-written bar with the same values is no change and is not counted. Each changed
 * series is announced in the same transaction (MarketBarChanges), for every process's latest-bar cache.
 *
 * <p>Reading first costs one indexed range scan per span and spares PostgreSQL an upsert per row
 * (a conflict check and a WAL record each): the common case, new bars appended at the end of a
 * series, becomes a bulk COPY. The lock serialises batches of the same ticker, whose roll-ups can
 * share a 4h bucket at their edges; batches of different tickers never wait for each other.
 */
public class BarStore {
    private static final String SOURCE = "polygon";

    /** Each ticker's lock, taken in one order so two batches never wait for each other in a cycle. */
    private static final String LOCK_TICKERS = """
            select pg_advisory_xact_lock(hashtext('market_bar'), hashtext(symbol))
            from (select symbol from unnest(?::text[]) as symbol order by symbol) as tickers""";

    private static final String READ_SPAN = """
            select timeframe, (extract(epoch from ts) * 1000)::bigint, open, high, low, close, volume, vwap, trades
            from market_bar
            where ticker = ? and timeframe = any(?::text[]) and ts >= ? and ts < ?""";

    /** Changed bars: overwritten only where a value differs, in case another writer got there first. */
    private static final String UPSERT_CHANGED = """
            insert into market_bar as m (ticker, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
            select b.ticker, b.timeframe, timestamptz 'epoch' + b.ms * interval '1 millisecond',
                   b.o, b.h, b.l, b.c, b.v, b.vw, b.n, b.source
            from unnest(?::text[], ?::text[], ?::bigint[], ?::float8[], ?::float8[], ?::float8[], ?::float8[],
                        ?::float8[], ?::float8[], ?::bigint[], ?::text[])
                 as b(ticker, timeframe, ms, o, h, l, c, v, vw, n, source)
            on conflict (ticker, timeframe, ts) do update
               set open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
                   volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades,
                   source = excluded.source, updated_at = now()
             where (m.open, m.high, m.low, m.close, m.volume, m.vwap, m.trades)
                   is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume,
                                     excluded.vwap, excluded.trades)""";

    /** The derived timeframes, each rolled up from the one before it (5m from 1m): the order the roll-ups run in. */
    private static final List<Timeframe> DERIVED =
            List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4);
    private static final List<String> MINUTES_AND_DERIVED = Stream.concat(Stream.of(Timeframe.M1), DERIVED.stream())
            .map(Timeframe::code).toList();
    /** The widest derived bucket: a span of whole 4h buckets holds whole buckets of every narrower one. */
    private static final Timeframe WIDEST = Timeframe.H4;
    /**
     * A 4h bucket lasts 3 to 5 hours (daylight saving changes happen inside the first of the day), and
     * the next one at least 3: five hours after a bucket's start always falls in the next bucket.
     */
    private static final Duration PAST_WIDEST_BUCKET = Duration.ofHours(5);
    /** 1m bars this close are rolled up in one span: nights, weekends and holidays cost one read, not several. */
    private static final Duration JOIN_SPANS_WITHIN = Duration.ofDays(5);

    private final DataSource dataSource;
    private final List<BarWriteListener> listeners;

    public BarStore(DataSource dataSource, List<BarWriteListener> listeners) {
        this.dataSource = dataSource;
        this.listeners = listeners;
    }

    /** Inserted and changed bars per run, and how many of the run's pages the batch held. */
    public record RunCounts(long runId, int inserted, int updated, int pages) {
    }

    public List<RunCounts> write(BarBatch batch) throws SQLException {
        Map<Series, NavigableMap<Long, Received>> received = receivedBySeries(batch);
        Map<Long, int[]> counts = new LinkedHashMap<>();
        batch.pages().forEach(page -> counts.computeIfAbsent(page.runId(), run -> new int[3])[2]++);
        Changes changes;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                lockTickers(connection, batch.pages());
                // every read before the COPY starts: the connection carries one statement at a time
                List<Span> spans = readSpans(connection, received);
                try (BarCopy copy = new BarCopy(connection)) {
                    changes = new Changes(copy);
                    for (Span span : spans) {
                        span.plan(changes, counts);
                    }
                }
                upsert(connection, changes.updates);
                recordCoverage(connection, batch.pages());
                announce(connection, changes.series);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        }
        notifyListeners(changes.series);
        return counts.entrySet().stream()
                .map(entry -> new RunCounts(entry.getKey(), entry.getValue()[0], entry.getValue()[1], entry.getValue()[2]))
                .toList();
    }

    /** Rolls back after a failure; a connection already lost cannot, and the failure that lost it is the one to report. */
    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** A bar to write and where it came from ({@code market_bar.source}). */
    private record SourcedBar(BarRow bar, String source) {
    }

    /** A received bar and the run whose page brought it. */
    private record Received(BarRow bar, long runId) {
    }

    private record Series(String ticker, String timeframe) {
    }

    /**
     * The batch's bars per series in time order; of a bar received twice the later page's wins (the
     * newer answer).
     *
     * @throws IllegalArgumentException for bars of a derived timeframe: those are only ever rolled up
     *     here (SeriesPlanner fetches 1m and 1d), and a fetched one would compete with its roll-up
     */
    private static Map<Series, NavigableMap<Long, Received>> receivedBySeries(BarBatch batch) {
        Map<Series, NavigableMap<Long, Received>> received = new LinkedHashMap<>();
        for (BarPage page : batch.pages()) {
            if (Timeframe.ofCode(page.timeframe()).map(Timeframe::isDerivedFromMinutes).orElse(false)) {
                throw new IllegalArgumentException("run " + page.runId() + " sent " + page.timeframe()
                        + " bars: derived timeframes are rolled up from 1m, never fetched");
            }
            for (BarRow row : page.rows()) {
                received.computeIfAbsent(new Series(row.ticker(), row.timeframe()), series -> new TreeMap<>())
                        .put(row.tsMillis(), new Received(row, page.runId()));
            }
        }
        return received;
    }

    private static void lockTickers(Connection connection, List<BarPage> pages) throws SQLException {
        String[] tickers = pages.stream().map(BarPage::ticker).distinct().toArray(String[]::new);
        try (PreparedStatement lock = connection.prepareStatement(LOCK_TICKERS)) {
            lock.setArray(1, connection.createArrayOf("text", tickers));
            lock.executeQuery().close();
        }
    }

    /**
     * A stretch of one received series with what is stored there: for 1m, whole 4h buckets and the
     * derived timeframes too (their roll-ups are redone); for 1d, the received days.
     */
    private record Span(Series series, NavigableMap<Long, Received> received,
                        Map<String, NavigableMap<Long, BarRow>> stored) {

        /**
         * The received bars against the stored ones; for 1m then each derived timeframe in turn, rolled
         * up from the finer one's bars as the store will hold them (stored, with the batch's over them).
         */
        void plan(Changes changes, Map<Long, int[]> counts) throws SQLException {
            NavigableMap<Long, BarRow> level = changes.planReceived(series, received, stored.get(series.timeframe()),
                    counts);
            if (series.timeframe().equals(Timeframe.M1.code())) {
                for (Timeframe derived : DERIVED) {
                    level = changes.planRollUp(new Series(series.ticker(), derived.code()),
                            RollUp.bars(derived, level.values()), stored.get(derived.code()));
                }
            }
        }
    }

    private static List<Span> readSpans(Connection connection, Map<Series, NavigableMap<Long, Received>> received)
            throws SQLException {
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<Series, NavigableMap<Long, Received>> entry : received.entrySet()) {
            Series series = entry.getKey();
            NavigableMap<Long, Received> bars = entry.getValue();
            if (series.timeframe().equals(Timeframe.M1.code())) {
                for (long[] span : spansOf(bars.navigableKeySet())) {
                    spans.add(new Span(series, bars.subMap(span[0], true, span[1], false),
                            readSpan(connection, series.ticker(), MINUTES_AND_DERIVED, span[0], span[1])));
                }
            } else {
                spans.add(new Span(series, bars, readSpan(connection, series.ticker(), List.of(series.timeframe()),
                        bars.firstKey(), bars.lastKey() + 1)));
            }
        }
        return spans;
    }

    /** Each page's window is answered for: covered in the ledger, in the transaction that stores its bars. */
    private static void recordCoverage(Connection connection, List<BarPage> pages) throws SQLException {
        for (BarPage page : pages) {
            CoverageLedger.record(connection, page.ticker(), page.timeframe(), page.coveredFrom(), page.coveredTo());
        }
    }

    /** [from, to) of whole 4h buckets holding the given 1m bar starts, neighbouring ones joined. */
    private static List<long[]> spansOf(Collection<Long> minuteStarts) {
        List<long[]> spans = new ArrayList<>();
        long[] span = null;
        for (long start : minuteStarts) {
            if (span != null && start < span[1]) {
                continue;
            }
            long bucket = WIDEST.bucketStart(Instant.ofEpochMilli(start)).toEpochMilli();
            long end = WIDEST.bucketStart(Instant.ofEpochMilli(bucket).plus(PAST_WIDEST_BUCKET)).toEpochMilli();
            if (span != null && bucket - span[1] <= JOIN_SPANS_WITHIN.toMillis()) {
                span[1] = end;
            } else {
                span = new long[] {bucket, end};
                spans.add(span);
            }
        }
        return spans;
    }

    /** The stored bars of one ticker's timeframes in [from, to), by timeframe and start. */
    private static Map<String, NavigableMap<Long, BarRow>> readSpan(Connection connection, String ticker,
                                                                    List<String> timeframes, long from, long to)
            throws SQLException {
        Map<String, NavigableMap<Long, BarRow>> stored = new LinkedHashMap<>();
        timeframes.forEach(timeframe -> stored.put(timeframe, new TreeMap<>()));
        try (PreparedStatement read = connection.prepareStatement(READ_SPAN)) {
            read.setString(1, ticker);
            read.setArray(2, connection.createArrayOf("text", timeframes.toArray()));
            read.setObject(3, OffsetDateTime.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC));
            read.setObject(4, OffsetDateTime.ofInstant(Instant.ofEpochMilli(to), ZoneOffset.UTC));
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    String timeframe = rows.getString(1);
                    long ts = rows.getLong(2);
                    Double vwap = rows.getObject(8) == null ? null : rows.getDouble(8);
                    Long trades = rows.getObject(9) == null ? null : rows.getLong(9);
                    stored.get(timeframe).put(ts, new BarRow(ticker, timeframe, ts, rows.getDouble(3), rows.getDouble(4),
                            rows.getDouble(5), rows.getDouble(6), rows.getDouble(7), vwap, trades));
                }
            }
        }
        return stored;
    }

    /** What the batch writes: bars not stored yet, bars whose values changed, and the series they belong to. */
    private static final class Changes {
        private final BarCopy inserts;
        private final List<SourcedBar> updates = new ArrayList<>();
        private final Set<Series> series = new HashSet<>();

        Changes(BarCopy inserts) {
            this.inserts = inserts;
        }

        /**
         * Received bars against the stored ones, counted for their runs; returns the series' bars as
         * they will be stored (the stored map, updated in place).
         */
        NavigableMap<Long, BarRow> planReceived(Series of, NavigableMap<Long, Received> bars,
                                                NavigableMap<Long, BarRow> stored, Map<Long, int[]> counts)
                throws SQLException {
            for (Received received : bars.values()) {
                int outcome = plan(of, received.bar(), SOURCE, stored);
                if (outcome >= 0) {
                    counts.get(received.runId())[outcome]++;
                }
            }
            return stored;
        }

        /** Rolled-up bars against the stored ones; returns the series' bars as they will be stored. */
        NavigableMap<Long, BarRow> planRollUp(Series of, List<BarRow> bars, NavigableMap<Long, BarRow> stored)
                throws SQLException {
            for (BarRow bar : bars) {
                plan(of, bar, RollUp.SOURCE, stored);
            }
            return stored;
        }

        /** 0 for a new bar (sent to the COPY at once), 1 for a changed one, -1 for the same values as stored. */
        private int plan(Series of, BarRow bar, String source, NavigableMap<Long, BarRow> stored) throws SQLException {
            BarRow before = stored.put(bar.tsMillis(), bar);
            if (bar.equals(before)) {
                return -1;
            }
            series.add(of);
            if (before == null) {
                inserts.add(bar, source);
                return 0;
            }
            updates.add(new SourcedBar(bar, source));
            return 1;
        }
    }

    private static void upsert(Connection connection, List<SourcedBar> bars) throws SQLException {
        if (bars.isEmpty()) {
            return;
        }
        int size = bars.size();
        Object[][] columns = new Object[11][];
        String[] types = {"text", "text", "bigint", "float8", "float8", "float8", "float8", "float8", "float8",
            "bigint", "text"};
        columns[0] = new String[size];
        columns[1] = new String[size];
        columns[2] = new Long[size];
        for (int column = 3; column <= 8; column++) {
            columns[column] = new Double[size];
        }
        columns[9] = new Long[size];
        columns[10] = new String[size];
        for (int i = 0; i < size; i++) {
            BarRow row = bars.get(i).bar();
            Object[] values = {row.ticker(), row.timeframe(), row.tsMillis(), row.open(), row.high(), row.low(),
                row.close(), row.volume(), row.vwap(), row.trades(), bars.get(i).source()};
            for (int column = 0; column < values.length; column++) {
                columns[column][i] = values[column];
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT_CHANGED)) {
            for (int column = 0; column < columns.length; column++) {
                Array array = connection.createArrayOf(types[column], columns[column]);
                statement.setArray(column + 1, array);
            }
            statement.executeUpdate();
        }
    }

    /**
     * Announces every series the batch changed (MarketBarChanges), in its transaction: delivered to
     * every process's latest-bar cache once, and only if, the batch commits.
     */
    private static void announce(Connection connection, Set<Series> changed) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        String[] payloads = changed.stream()
                .map(series -> MarketBarChanges.payload(series.ticker(), series.timeframe())).toArray(String[]::new);
        try (PreparedStatement statement = connection.prepareStatement(MarketBarChanges.ANNOUNCE)) {
            statement.setArray(1, connection.createArrayOf("text", payloads));
            statement.executeQuery().close();
        }
    }

    /** Every series the batch changed, derived ones included. */
    private void notifyListeners(Set<Series> changed) {
        for (Series series : changed) {
            listeners.forEach(listener -> listener.barsWritten(series.ticker(), series.timeframe()));
        }
    }
}
