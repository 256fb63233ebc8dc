package tickertape.api.market;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.sql.DataSource;
import tickertape.market.Timeframe;

/**
 * The newest bar of each series, kept in memory until a write to the series invalidates it: never
 * stale, unlike a TTL, as long as every writer of market_bar calls {@link #invalidate} after its
 * commit (bound as {@code latestBarCache}; the ingestion's batch writer does).
 *
 * <p>Why a load can never leave a stale entry: a load runs inside {@link ConcurrentMap#computeIfAbsent},
 * and {@link ConcurrentMap#remove} of the same key waits for a load in progress to finish. So a load
 * that began before a writer's commit is removed by that writer's invalidate, and any load after
 * the invalidate began after the commit and sees it. The load is one index probe (the primary key,
 * backwards, limit 1), short enough to hold the map's bin lock.
 */
public final class LatestBarCache {
    private static final String LATEST_SQL = "select " + Bar.COLUMNS
            + " from market_bar where ticker = ? and timeframe = ? order by ts desc limit 1";

    private record Series(String ticker, String timeframe) {
    }

    private final DataSource dataSource;
    private final ConcurrentMap<Series, Bar> latest = new ConcurrentHashMap<>();

    public LatestBarCache(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The newest bar of the series, empty when it has none (an unknown ticker has none either). Only
     * bars are cached, never their absence, so requests for made-up tickers cannot grow the map.
     */
    public Optional<Bar> latest(String ticker, Timeframe timeframe) {
        return Optional.ofNullable(latest.computeIfAbsent(new Series(ticker, timeframe.code()), this::load));
    }

    /** Drops the cached bar of the series; call it after committing a write of any of its bars. */
    public void invalidate(String ticker, String timeframe) {
        latest.remove(new Series(ticker, timeframe));
    }

    /** The newest bar, or null: computeIfAbsent then stores nothing. */
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
