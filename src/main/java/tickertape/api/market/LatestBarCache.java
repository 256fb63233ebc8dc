package tickertape.api.market;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import tickertape.market.Timeframe;
import tickertape.store.AnnouncedCache;
import tickertape.store.MarketBarChanges;
import tickertape.store.MarketBarChanges.Series;

/**
 * The newest bar of each series, kept in memory until a write to the series is announced: every
 * writer of market_bar announces the series it changed inside its transaction ({@link MarketBarChanges};
 * the ingest writer does), so a bar written by any process replaces the cached one within
 * milliseconds of its commit. While the listener cannot vouch for the cache, every lookup is one
 * index probe (the primary key, backwards, limit 1).
 */
public final class LatestBarCache extends AnnouncedCache<Series, Bar> {
    private static final String LATEST_SQL = "select " + Bar.COLUMNS
            + " from market_bar where ticker = ? and timeframe = ? order by ts desc limit 1";

    private final DataSource dataSource;

    public LatestBarCache(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The newest bar of the series, empty when it has none (an unknown ticker has none either). Only
     * bars are cached, never their absence, so requests for made-up tickers cannot grow the map.
     */
    public Optional<Bar> latest(String ticker, Timeframe timeframe) {
        Series series = new Series(ticker, timeframe.code());
        Bar cached = get(series);
        if (cached != null) {
            return Optional.of(cached);
        }
        long generation = generation();
        Bar loaded = load(series);
        if (loaded != null) {
            put(series, loaded, generation);
        }
        return Optional.ofNullable(loaded);
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
    private Bar load(Series series) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(LATEST_SQL)) {
            statement.setString(1, series.ticker());
            statement.setString(2, series.timeframe());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Bar.of(rows) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the latest bar of " + series, e);
        }
    }
}
