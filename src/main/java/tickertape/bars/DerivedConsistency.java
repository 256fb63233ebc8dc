package tickertape.bars;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import tickertape.market.ExchangeCalendar;
import tickertape.market.Timeframe;

/**
 * Compares a derived series (5m 15m 1h 4h) with its 1m bars: the roll-up is recomputed in SQL with
 * the same buckets and aggregates as the writer's ({@link RollUp}: New York wall-clock bins from
 * midnight, first open, last close, volume-weighted vwap clamped to the range, null vwap or trade
 * count when a minute lacks one) and joined to the stored bars. A bucket disagrees when either side
 * is missing, a price or the trade count differs, or volume or vwap differ by more than 1e-9
 * relative (sums of doubles may be added in another order).
 */
public final class DerivedConsistency {
    private static final int EXAMPLES = 10;

    private static final String DISAGREEING_BUCKETS = """
            with rolled as (
                select bucket as ts,
                       (array_agg(open order by ts))[1] as open, max(high) as high, min(low) as low,
                       (array_agg(close order by ts desc))[1] as close, sum(volume) as volume,
                       case when count(*) filter (where vwap is null and volume > 0) = 0 and sum(volume) > 0
                            then least(greatest(sum(vwap * volume) / sum(volume), min(low)), max(high)) end as vwap,
                       case when count(trades) = count(*) then sum(trades) end as trades
                from (select minute.*,
                             date_bin(?::interval, minute.ts at time zone 'America/New_York', timestamp '2000-01-01')
                                 at time zone 'America/New_York' as bucket
                      from market_bar minute
                      where minute.ticker = ? and minute.timeframe = '1m' and minute.ts >= ? and minute.ts < ?) minutes
                group by bucket),
            stored as (
                select ts, open, high, low, close, volume, vwap, trades from market_bar
                where ticker = ? and timeframe = ? and ts >= ? and ts < ?)
            select coalesce(s.ts, r.ts), count(*) over ()
            from rolled r full join stored s on s.ts = r.ts
            where s.ts is null or r.ts is null
               or (s.open, s.high, s.low, s.close, s.trades) is distinct from (r.open, r.high, r.low, r.close, r.trades)
               or abs(s.volume - r.volume) > 1e-9 * greatest(abs(s.volume), abs(r.volume))
               or (s.vwap is null) <> (r.vwap is null)
               or abs(s.vwap - r.vwap) > 1e-9 * greatest(abs(s.vwap), abs(r.vwap))
            order by 1
            limit ?""";

    /** How many buckets disagree, and the first few of them. */
    public record Disagreement(int buckets, List<Instant> examples) {
    }

    private final DataSource dataSource;

    public DerivedConsistency(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Checks the whole New York days [from, to) touches, so every bucket is compared with all its minutes. */
    public Disagreement check(String ticker, Timeframe derived, Instant from, Instant to) throws SQLException {
        Instant dayFrom = startOfDay(from, 0);
        Instant dayTo = startOfDay(to.minusMillis(1), 1);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(DISAGREEING_BUCKETS)) {
            statement.setString(1, derived.multiplier() + " " + derived.timespan() + "s");
            statement.setString(2, ticker);
            statement.setTimestamp(3, Timestamp.from(dayFrom));
            statement.setTimestamp(4, Timestamp.from(dayTo));
            statement.setString(5, ticker);
            statement.setString(6, derived.code());
            statement.setTimestamp(7, Timestamp.from(dayFrom));
            statement.setTimestamp(8, Timestamp.from(dayTo));
            statement.setInt(9, EXAMPLES);
            try (ResultSet rows = statement.executeQuery()) {
                List<Instant> examples = new ArrayList<>();
                int buckets = 0;
                while (rows.next()) {
                    examples.add(rows.getTimestamp(1).toInstant());
                    buckets = rows.getInt(2);
                }
                return new Disagreement(buckets, examples);
            }
        }
    }

    /** The start of the New York day {@code days} after the day of {@code instant}. */
    private static Instant startOfDay(Instant instant, int days) {
        return instant.atZone(ExchangeCalendar.ZONE).toLocalDate().plusDays(days).atStartOfDay(ExchangeCalendar.ZONE)
                .toInstant();
    }
}
