package tickertape.bars;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import tickertape.database.Columns;
import tickertape.market.Timeframe;

/**
 * The reads of market_bar other areas make, each a range or a probe of its primary key (ticker,
 * timeframe, ts), on the caller's connection: a caller reads bars with the other rows it needs in one
 * connection (or one transaction) of the pool it chose. Those that stream read with a cursor,
 * {@code fetchSize} rows at a time, which the driver does only inside a transaction (autocommit off):
 * the caller's.
 */
public final class BarQueries {
    /** The bars of a series in [from, to), oldest first. */
    static final String RANGE_SQL = "select " + Bar.COLUMNS
            + " from market_bar where ticker = ? and timeframe = ? and ts >= ? and ts < ? order by ts";

    /** A page's summary: how many of the first limit+1 bars exist, the last of them, the newest write. */
    private static final String PAGE_SQL = """
            select count(*), max(ts), max(updated_at)
            from (select ts, updated_at from market_bar
                  where ticker = ? and timeframe = ? and ts >= ? and ts < ? order by ts limit ?) page""";

    private static final String STARTS_SQL =
            "select ts from market_bar where ticker = ? and timeframe = ? and ts >= ? and ts < ? order by ts ";

    /**
     * The rules ingest's BarValidator applies and market_bar's checks enforce, so a row breaking them
     * should not exist: checked anyway, in case a check was dropped or a row written around the app.
     */
    private static final String CHECKED_SQL = """
            select ts, not (open > 0 and high > 0 and low > 0 and close > 0
                 and open < 'Infinity' and high < 'Infinity' and low < 'Infinity' and close < 'Infinity'
                 and high >= greatest(open, close) and low <= least(open, close)
                 and volume >= 0 and volume < 'Infinity'
                 and (vwap is null or (vwap > 0 and vwap < 'Infinity'))
                 and (trades is null or trades >= 0))
            from market_bar where ticker = ? and timeframe = ? and ts >= ? and ts < ? order by ts""";

    private static final String NEWEST_START_SQL = "select max(ts) from market_bar where ticker = ? and timeframe = ?";

    /**
     * Oldest and newest bar of each series (two probes of the primary key), and where the source's
     * answers start (the coverage ledger, an old adjusted store's held windows included).
     */
    private static final String EXTENTS_SQL = """
            select s.ticker, tf.code,
                   (select min(ts) from market_bar m where m.ticker = s.ticker and m.timeframe = tf.code) as oldest,
                   (select max(ts) from market_bar m where m.ticker = s.ticker and m.timeframe = tf.code) as newest,
                   (select lower(covered + adjusted_held) from series_coverage c
                     where c.ticker = s.ticker and c.timeframe = tf.code) as covered_from
            from unnest(?::text[]) as s(ticker) cross join unnest(?::text[]) as tf(code)""";

    /** The closes in [from, to), and the one before from. */
    private static final String CLOSES_SQL = """
            select ts, close from market_bar
            where ticker = ? and timeframe = ? and ts < ?
              and ts >= coalesce((select max(ts) from market_bar
                                  where ticker = ? and timeframe = ? and ts < ?), ?)
            order by ts""";

    /** The last closes of each ticker's series (one backward index scan each), by ticker, oldest first. */
    private static final String LATEST_CLOSES_SQL = """
            select t.symbol, c.ts, c.close
            from unnest(?::text[]) as t(symbol) cross join lateral (
                select ts, close from market_bar m where m.ticker = t.symbol and m.timeframe = ?
                order by ts desc limit ?) c
            order by t.symbol, c.ts""";

    private BarQueries() {
    }

    /** count: bars in the page; nextStart: the first bar of the next page, if any; lastWrite: newest write seen. */
    public record PageSummary(int count, Optional<Instant> nextStart, Instant lastWrite) {
    }

    /** A stored bar's start, and whether it breaks the rules of a bar (a price not positive, high below low, ...). */
    public record CheckedBar(Instant start, boolean breaksOhlcRules) {
    }

    /**
     * Where a series' bars lie: the start of its oldest and newest bar (null without bars), and where
     * the source's answers for it start (null when it has answered for none).
     */
    public record SeriesExtent(String ticker, Timeframe timeframe, Instant oldest, Instant newest,
                               Instant coveredFrom) {
    }

    /** A bar's start and close. */
    public record Close(Instant ts, double close) {
    }

    /** The page of at most {@code limit} bars of a series from {@code start} to {@code to}: one query over its keys. */
    public static PageSummary pageSummary(Connection connection, String ticker, Timeframe timeframe, Instant start,
                                          Instant to, int limit) throws SQLException {
        try (PreparedStatement statement = range(connection, PAGE_SQL, ticker, timeframe, start, to)) {
            statement.setInt(5, limit + 1);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                int found = row.getInt(1);
                Timestamp last = row.getTimestamp(2);
                Timestamp lastWrite = row.getTimestamp(3);
                boolean more = found > limit;
                return new PageSummary(Math.min(found, limit),
                        more ? Optional.of(last.toInstant()) : Optional.empty(),
                        lastWrite == null ? Instant.EPOCH : lastWrite.toInstant());
            }
        }
    }

    /**
     * Hands the bar starts (epoch milliseconds) of a series in [from, to), oldest first or newest first,
     * to {@code visitor} until it returns false; streamed.
     */
    public static void starts(Connection connection, String ticker, Timeframe timeframe, Instant from, Instant to,
                              boolean newestFirst, int fetchSize, LongPredicate visitor) throws SQLException {
        String sql = STARTS_SQL + (newestFirst ? "desc" : "asc");
        try (PreparedStatement statement = range(connection, sql, ticker, timeframe, from, to)) {
            statement.setFetchSize(fetchSize);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (!visitor.test(rows.getTimestamp(1).getTime())) {
                        return;
                    }
                }
            }
        }
    }

    /** Hands the bars of a series in [from, to) to {@code consumer}, oldest first; streamed. */
    public static void bars(Connection connection, String ticker, Timeframe timeframe, Instant from, Instant to,
                            int fetchSize, Consumer<Bar> consumer) throws SQLException {
        stream(connection, RANGE_SQL, ticker, timeframe, from, to, fetchSize, Bar::of, consumer);
    }

    /** Hands each bar of a series in [from, to), oldest first, checked against the rules of a bar; streamed. */
    public static void checkedBars(Connection connection, String ticker, Timeframe timeframe, Instant from, Instant to,
                                   int fetchSize, Consumer<CheckedBar> consumer) throws SQLException {
        stream(connection, CHECKED_SQL, ticker, timeframe, from, to, fetchSize,
                row -> new CheckedBar(row.getTimestamp(1).toInstant(), row.getBoolean(2)), consumer);
    }

    /** The start of the series' newest bar, or null when it has none (one index probe). */
    public static Instant newestStart(Connection connection, String ticker, Timeframe timeframe) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(NEWEST_START_SQL)) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe.code());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return Columns.instant(rows, 1);
            }
        }
    }

    /** The extent of every series of {@code tickers} in {@code timeframes}, in one statement. */
    public static List<SeriesExtent> extents(Connection connection, Collection<String> tickers,
                                             Collection<Timeframe> timeframes) throws SQLException {
        List<SeriesExtent> extents = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(EXTENTS_SQL)) {
            statement.setArray(1, connection.createArrayOf("text", tickers.toArray()));
            statement.setArray(2, connection.createArrayOf("text", timeframes.stream().map(Timeframe::code).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    extents.add(new SeriesExtent(rows.getString("ticker"),
                            Timeframe.ofCode(rows.getString("code")).orElseThrow(), Columns.instant(rows, "oldest"),
                            Columns.instant(rows, "newest"), Columns.instant(rows, "covered_from")));
                }
            }
        }
        return extents;
    }

    /**
     * The closes of the series' bars starting in [from, to), oldest first, after the close of the last
     * bar before from when there is one (the first close's previous one).
     */
    public static List<Close> closesAfterThePreviousOne(Connection connection, String ticker, Timeframe timeframe,
                                                        Instant from, Instant to) throws SQLException {
        List<Close> closes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(CLOSES_SQL)) {
            statement.setString(1, ticker);
            statement.setString(2, timeframe.code());
            statement.setTimestamp(3, Timestamp.from(to));
            statement.setString(4, ticker);
            statement.setString(5, timeframe.code());
            statement.setTimestamp(6, Timestamp.from(from));
            statement.setTimestamp(7, Timestamp.from(from));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    closes.add(new Close(rows.getTimestamp("ts").toInstant(), rows.getDouble("close")));
                }
            }
        }
        return closes;
    }

    /** The last {@code count} closes of each ticker's series in {@code timeframe}, by ticker in order, oldest first. */
    public static Map<String, List<Close>> latestCloses(Connection connection, Collection<String> tickers,
                                                        Timeframe timeframe, int count) throws SQLException {
        Map<String, List<Close>> closes = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(LATEST_CLOSES_SQL)) {
            statement.setArray(1, connection.createArrayOf("text", tickers.toArray()));
            statement.setString(2, timeframe.code());
            statement.setInt(3, count);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    closes.computeIfAbsent(rows.getString(1), ticker -> new ArrayList<>())
                            .add(new Close(rows.getTimestamp(2).toInstant(), rows.getDouble(3)));
                }
            }
        }
        return closes;
    }

    /** How one row of a result becomes a value. */
    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Hands each row of {@code sql} over a series in [from, to), made by {@code reader}, to {@code consumer}. */
    private static <T> void stream(Connection connection, String sql, String ticker, Timeframe timeframe, Instant from,
                                   Instant to, int fetchSize, RowReader<T> reader, Consumer<T> consumer)
            throws SQLException {
        try (PreparedStatement statement = range(connection, sql, ticker, timeframe, from, to)) {
            statement.setFetchSize(fetchSize);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    consumer.accept(reader.read(rows));
                }
            }
        }
    }

    /** {@code sql} with the series and [from, to) bound as its first four parameters. */
    static PreparedStatement range(Connection connection, String sql, String ticker, Timeframe timeframe,
                                           Instant from, Instant to) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setString(1, ticker);
        statement.setString(2, timeframe.code());
        statement.setTimestamp(3, Timestamp.from(from));
        statement.setTimestamp(4, Timestamp.from(to));
        return statement;
    }
}
