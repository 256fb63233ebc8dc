package tickertape.ingest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import tickertape.ingest.BarBatches.BarBatch;
import tickertape.market.Timeframe;

/**
 * Writes a batch of pages in one transaction: one upsert of all its bars (deduplicated on the
 * natural key, since one statement may not touch a row twice), then the roll-up of the derived
 * timeframes (5m 15m 1h 4h) from the 1m bars for the buckets the batch touched. A re-written bar
 * with the same values is not counted: only real inserts and changes are.
 */
public class BarStore {
    /** Overwrites a stored bar only when a value differs, so a same-valued re-write is no change at all. */
    private static final String ON_CONFLICT_CHANGED_ONLY = """
            on conflict (ticker, timeframe, ts) do update
               set open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
                   volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades,
                   source = excluded.source, updated_at = now()
             where (m.open, m.high, m.low, m.close, m.volume, m.vwap, m.trades)
                   is distinct from (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume,
                                     excluded.vwap, excluded.trades)
            """;

    private static final String UPSERT = """
            insert into market_bar as m (ticker, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
            select b.ticker, b.timeframe, timestamptz 'epoch' + b.ms * interval '1 millisecond',
                   b.o, b.h, b.l, b.c, b.v, b.vw, b.n, 'polygon'
            from unnest(?::text[], ?::text[], ?::bigint[], ?::float8[], ?::float8[], ?::float8[], ?::float8[],
                        ?::float8[], ?::float8[], ?::bigint[]) as b(ticker, timeframe, ms, o, h, l, c, v, vw, n)
            """ + ON_CONFLICT_CHANGED_ONLY + """
            returning m.ticker, m.timeframe, (extract(epoch from m.ts) * 1000)::bigint as ms, (m.xmax = 0) as inserted""";

    /**
     * One derived timeframe's bars in [from, to) from the next finer timeframe's (5m from 1m, 15m from
     * 5m, 1h from 15m, 4h from 1h), so each step reads a fifth or less of the rows the last one wrote.
     * Buckets are bins of the timeframe's length aligned from midnight America/New_York, as the source
     * builds them; each nests in the next. vwap is the volume-weighted mean of the parts' vwaps (their
     * dollar volume over their volume, which composes), clamped to the bar's range as the source's is,
     * and null when a part that traded lacks one.
     */
    private static final String ROLL_UP = """
            insert into market_bar as m (ticker, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
            select ticker, ?, bucket,
                   (array_agg(open order by ts))[1], max(high), min(low), (array_agg(close order by ts desc))[1],
                   sum(volume),
                   case when count(*) filter (where vwap is null and volume > 0) = 0 and sum(volume) > 0
                        then least(greatest(sum(vwap * volume) / sum(volume), min(low)), max(high)) end,
                   case when count(trades) = count(*) then sum(trades) end,
                   'rollup'
            from (select part.*,
                         date_bin(?::interval, part.ts at time zone 'America/New_York', timestamp '2000-01-01')
                             at time zone 'America/New_York' as bucket
                  from market_bar part
                  where part.ticker = ? and part.timeframe = ? and part.ts >= ? and part.ts < ?) parts
            group by ticker, bucket
            """ + ON_CONFLICT_CHANGED_ONLY;

    /** Each derived timeframe after the one it is rolled up from: the order the roll-ups must run in. */
    private static final List<Timeframe> DERIVED =
            List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4);
    private static final List<Timeframe> ROLLED_UP_FROM =
            List.of(Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.H1);
    /** The widest derived bucket: rolling up whole 4h buckets covers every narrower one too. */
    private static final Timeframe WIDEST = Timeframe.H4;

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
        int received = batch.pages().stream().mapToInt(page -> page.rows().size()).sum();
        Map<BarKey, BarRow> rows = new LinkedHashMap<>(capacityFor(received));
        Map<BarKey, Long> runOfRow = new HashMap<>(capacityFor(received));
        for (BarPage page : batch.pages()) {
            for (BarRow row : page.rows()) {
                BarKey key = new BarKey(row.ticker(), row.timeframe(), row.tsMillis());
                rows.put(key, row); // the later page wins: it is the newer answer
                runOfRow.put(key, page.runId());
            }
        }
        Map<Long, int[]> counts = new LinkedHashMap<>();
        batch.pages().forEach(page -> counts.computeIfAbsent(page.runId(), run -> new int[3])[2]++);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                upsert(connection, rows.values(), runOfRow, counts);
                rollUpDerived(connection, rows.values());
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        notifyListeners(rows.values());
        return counts.entrySet().stream()
                .map(entry -> new RunCounts(entry.getKey(), entry.getValue()[0], entry.getValue()[1], entry.getValue()[2]))
                .toList();
    }

    private void upsert(Connection connection, Collection<BarRow> rows, Map<BarKey, Long> runOfRow,
                        Map<Long, int[]> counts) throws SQLException {
        int size = rows.size();
        String[] tickers = new String[size];
        String[] timeframes = new String[size];
        Long[] millis = new Long[size];
        Double[] open = new Double[size];
        Double[] high = new Double[size];
        Double[] low = new Double[size];
        Double[] close = new Double[size];
        Double[] volume = new Double[size];
        Double[] vwap = new Double[size];
        Long[] trades = new Long[size];
        int i = 0;
        for (BarRow row : rows) {
            tickers[i] = row.ticker();
            timeframes[i] = row.timeframe();
            millis[i] = row.tsMillis();
            open[i] = row.open();
            high[i] = row.high();
            low[i] = row.low();
            close[i] = row.close();
            volume[i] = row.volume();
            vwap[i] = row.vwap();
            trades[i] = row.trades();
            i++;
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            Object[][] columns = {tickers, timeframes, millis, open, high, low, close, volume, vwap, trades};
            String[] types = {"text", "text", "bigint", "float8", "float8", "float8", "float8", "float8", "float8",
                "bigint"};
            for (int column = 0; column < columns.length; column++) {
                Array array = connection.createArrayOf(types[column], columns[column]);
                statement.setArray(column + 1, array);
            }
            try (ResultSet written = statement.executeQuery()) {
                while (written.next()) {
                    long runId = runOfRow.get(new BarKey(written.getString(1), written.getString(2), written.getLong(3)));
                    counts.get(runId)[written.getBoolean(4) ? 0 : 1]++;
                }
            }
        }
    }

    private void rollUpDerived(Connection connection, Collection<BarRow> rows) throws SQLException {
        Map<String, long[]> minuteSpans = new HashMap<>();
        for (BarRow row : rows) {
            if (row.timeframe().equals(Timeframe.M1.code())) {
                minuteSpans.merge(row.ticker(), new long[] {row.tsMillis(), row.tsMillis()},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        if (minuteSpans.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(ROLL_UP)) {
            for (Map.Entry<String, long[]> span : minuteSpans.entrySet()) {
                Instant from = WIDEST.bucketStart(Instant.ofEpochMilli(span.getValue()[0]));
                Instant to = WIDEST.bucketStart(Instant.ofEpochMilli(span.getValue()[1])).plus(Duration.ofHours(4));
                for (int step = 0; step < DERIVED.size(); step++) {
                    statement.setString(1, DERIVED.get(step).code());
                    statement.setString(2, binWidth(DERIVED.get(step)));
                    statement.setString(3, span.getKey());
                    statement.setString(4, ROLLED_UP_FROM.get(step).code());
                    statement.setTimestamp(5, Timestamp.from(from));
                    statement.setTimestamp(6, Timestamp.from(to));
                    statement.addBatch();
                }
            }
            statement.executeBatch();
        }
    }

    private record Series(String ticker, String timeframe) {
    }

    /** Every series the batch changed, the derived ones of a 1m series included. */
    private void notifyListeners(Collection<BarRow> rows) {
        Set<Series> changed = new HashSet<>();
        for (BarRow row : rows) {
            changed.add(new Series(row.ticker(), row.timeframe()));
            if (row.timeframe().equals(Timeframe.M1.code())) {
                DERIVED.forEach(derived -> changed.add(new Series(row.ticker(), derived.code())));
            }
        }
        for (Series series : changed) {
            listeners.forEach(listener -> listener.barsWritten(series.ticker(), series.timeframe()));
        }
    }

    private static String binWidth(Timeframe timeframe) {
        return timeframe.multiplier() + " " + timeframe.timespan() + "s";
    }

    /** A bar's natural key, as the batch deduplicates on it and the upsert reports it back. */
    private record BarKey(String ticker, String timeframe, long tsMillis) {
    }

    /** A HashMap capacity that holds {@code entries} without rehashing. */
    private static int capacityFor(int entries) {
        return (int) (entries / 0.75f) + 1;
    }
}
