package tickertape.market;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One split of a ticker (sql/V8__splits.sql): from {@code executionDate} on, {@code from} old shares
 * became {@code to} new ones (5:1 a 1-for-5 reverse split, 1:2 a 2-for-1 forward split).
 */
public record Split(LocalDate executionDate, double from, double to) {

    /** What prices before the split are multiplied by (volume divided by) to compare with prices after it. */
    public double factor() {
        return from / to;
    }

    /** The first instant it applies from: midnight New York of its execution date; bars starting before it are adjusted. */
    public Instant effectiveFrom() {
        return executionDate.atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant();
    }
}
