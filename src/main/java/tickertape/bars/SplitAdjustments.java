package tickertape.bars;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import tickertape.market.Split;
import tickertape.market.SplitAdjustment;
import tickertape.market.SplitAdjustment.Window;
import tickertape.market.Timeframe;
import tickertape.database.AnnouncedCache;

/**
 * The {@link SplitAdjustment} of a read: each ticker's splits kept in memory until a change to the
 * split table is announced (channel {@value #CHANNEL}, sql/V8__splits.sql; every instance hears it),
 * today's New York date from the clock at each read (a split takes effect at midnight without any
 * announcement), and the held windows of the series read with the request's own connection.
 */
public final class SplitAdjustments extends AnnouncedCache<String, List<Split>> {
    public static final String CHANNEL = "split_changed";
    private static final String SPLITS_SQL =
            "select execution_date, split_from, split_to from split where ticker = ? order by execution_date";
    /** The held windows of a fetched series that overlap [from, to), as half-open bounds (null: unbounded). */
    private static final String HELD_SQL = """
            select lower(held) as lower_bound, lower_inc(held) as lower_inc, upper(held) as upper_bound,
                   upper_inc(held) as upper_inc
            from series_coverage, unnest(adjusted_held) as held
            where ticker = ? and timeframe = ? and held && tstzrange(?, ?)""";

    private final DataSource dataSource;
    private final Clock clock;

    public SplitAdjustments(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The adjustment of the bars of a series in [from, to), in the mode asked for. */
    public SplitAdjustment of(Connection connection, String ticker, Timeframe timeframe, Instant from, Instant to,
                              boolean adjusted) throws SQLException {
        return SplitAdjustment.of(adjusted, splits(ticker), clock, held(connection, ticker, timeframe, from, to));
    }

    /**
     * The splits alone, no held windows: for one bar whose held state is known ({@link SplitAdjustment#multiplier}),
     * or rows that are not stored bars (features, predictions).
     */
    public SplitAdjustment splitsOnly(String ticker, boolean adjusted) {
        return SplitAdjustment.of(adjusted, splits(ticker), clock, List.of());
    }

    /** Every split of the ticker, future ones included; cached until the split table changes. */
    public List<Split> splits(String ticker) {
        List<Split> cached = get(ticker);
        if (cached != null) {
            return cached;
        }
        long generation = generation();
        List<Split> loaded = load(ticker);
        put(ticker, loaded, generation);
        return loaded;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    /** The trigger announces 'all': any change forgets every ticker's splits (the table is tiny). */
    @Override
    public void announced(String payload) {
        invalidateAll();
    }

    private List<Split> load(String ticker) {
        List<Split> splits = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(SPLITS_SQL)) {
            select.setString(1, ticker);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    splits.add(new Split(rows.getObject("execution_date", LocalDate.class), rows.getDouble("split_from"),
                            rows.getDouble("split_to")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the splits of " + ticker, e);
        }
        return List.copyOf(splits);
    }

    /** The fetched series whose held windows a timeframe's bars follow: 1m for every intraday timeframe (rolled up from it), 1d for itself. */
    static Timeframe fetchedSeries(Timeframe timeframe) {
        return timeframe == Timeframe.D1 ? Timeframe.D1 : Timeframe.M1;
    }

    /** Held windows of the fetched series behind {@code timeframe}. */
    private static List<Window> held(Connection connection, String ticker, Timeframe timeframe, Instant from, Instant to)
            throws SQLException {
        List<Window> windows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(HELD_SQL)) {
            select.setString(1, ticker);
            select.setString(2, fetchedSeries(timeframe).code());
            select.setTimestamp(3, Timestamp.from(from));
            select.setTimestamp(4, Timestamp.from(to));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    windows.add(window(rows));
                }
            }
        }
        return windows;
    }

    /** A range's bounds as half-open milliseconds (bars start on whole minutes, so a millisecond decides nothing). */
    private static Window window(ResultSet row) throws SQLException {
        Timestamp lower = row.getTimestamp("lower_bound");
        Timestamp upper = row.getTimestamp("upper_bound");
        long from = lower == null ? Long.MIN_VALUE : lower.getTime() + (row.getBoolean("lower_inc") ? 0 : 1);
        long until = upper == null ? Long.MAX_VALUE : upper.getTime() + (row.getBoolean("upper_inc") ? 1 : 0);
        return new Window(from, until);
    }
}
