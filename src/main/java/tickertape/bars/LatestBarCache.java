package tickertape.bars;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import tickertape.bars.MarketBarChanges.Series;
import tickertape.market.SplitAdjustment;
import tickertape.market.Timeframe;
import tickertape.database.AnnouncedCache;

/**
 * The newest bar of each series, kept in memory until a write to the series is announced: every
 * writer of market_bar announces the series it changed inside its transaction ({@link MarketBarChanges};
 * {@link BarStore} does), so a bar written by any process replaces the cached one within
 * milliseconds of its commit. While the listener cannot vouch for the cache, every lookup is one
 * index probe (the primary key, backwards, limit 1).
 */
public final class LatestBarCache extends AnnouncedCache<Series, LatestBarCache.StoredBar> {
    /** The newest bar, and whether it lies in a held window of its fetched series (still adjusted as fetched). */
    private static final String LATEST_SQL = "select " + Bar.COLUMNS + """
            , exists (select 1 from series_coverage c
                      where c.ticker = b.ticker and c.timeframe = ? and c.adjusted_held @> b.ts) as held
            from market_bar b where ticker = ? and timeframe = ? order by ts desc limit 1""";

    private final DataSource dataSource;
    private final SplitAdjustments adjustments;

    public LatestBarCache(DataSource dataSource, SplitAdjustments adjustments) {
        this.dataSource = dataSource;
        this.adjustments = adjustments;
    }

    /** A bar as stored; {@code held}: inside a held window (sql/V8__splits.sql). */
    public record StoredBar(Bar bar, boolean held) {
    }

    /**
     * The newest bar of the series, split-adjusted or raw, empty when it has none (an unknown ticker
     * has none either). The stored bar is cached and adjusted at each read, as the date decides which
     * splits apply. Only bars are cached, never their absence, so requests for made-up tickers cannot
     * grow the map.
     */
    public Optional<Bar> latest(String ticker, Timeframe timeframe, boolean adjusted) {
        Series series = new Series(ticker, timeframe.code());
        StoredBar stored = get(series);
        if (stored == null) {
            long generation = generation();
            stored = load(series, timeframe);
            if (stored != null) {
                put(series, stored, generation);
            }
        }
        if (stored == null) {
            return Optional.empty();
        }
        SplitAdjustment adjustment = adjustments.splitsOnly(ticker, adjusted);
        return Optional.of(stored.bar().scaled(adjustment.multiplier(stored.bar().ts(), stored.held())));
    }

    @Override
    public String channel() {
        return MarketBarChanges.CHANNEL;
    }

    /** Forgets the series announced; everything, for a payload this version does not understand. */
    @Override
    public void announced(String payload) {
        MarketBarChanges.series(payload).ifPresentOrElse(this::invalidate, this::invalidateAll);
    }

    /** The newest bar, or null. */
    private StoredBar load(Series series, Timeframe timeframe) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(LATEST_SQL)) {
            statement.setString(1, SplitAdjustments.fetchedSeries(timeframe).code());
            statement.setString(2, series.ticker());
            statement.setString(3, series.timeframe());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new StoredBar(Bar.of(rows), rows.getBoolean("held")) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the latest bar of " + series, e);
        }
    }
}
