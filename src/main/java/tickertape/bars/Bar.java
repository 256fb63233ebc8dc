package tickertape.bars;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import tickertape.database.Columns;

/** One stored bar as the API shows it; {@code vwap} and {@code trades} may be null (not every source has them). */
public record Bar(Instant ts, double open, double high, double low, double close, double volume, Double vwap,
                  Long trades) {

    /** The columns {@link #of} reads, in a select list over market_bar. */
    public static final String COLUMNS = "ts, open, high, low, close, volume, vwap, trades";

    /** This bar with its prices multiplied by {@code multiplier} and its volume divided by it (a split adjustment). */
    public Bar scaled(double multiplier) {
        if (multiplier == 1) {
            return this;
        }
        return new Bar(ts, open * multiplier, high * multiplier, low * multiplier, close * multiplier,
                volume / multiplier, vwap == null ? null : vwap * multiplier, trades);
    }

    public static Bar of(ResultSet row) throws SQLException {
        double vwap = row.getDouble("vwap");
        Double nullableVwap = row.wasNull() ? null : vwap;
        long trades = row.getLong("trades");
        Long nullableTrades = row.wasNull() ? null : trades;
        return new Bar(Columns.instant(row, "ts"), row.getDouble("open"), row.getDouble("high"), row.getDouble("low"),
                row.getDouble("close"), row.getDouble("volume"), nullableVwap, nullableTrades);
    }
}
