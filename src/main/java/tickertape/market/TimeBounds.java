package tickertape.market;

import java.time.Instant;

/**
 * The instants a client may name (a range's ends, a cursor's position, a row's timestamp), on every
 * endpoint: from the Unix epoch (Polygon's timestamps count from it; no bar is older) to 2200.
 *
 * <p>Why a bound at all: {@code Instant} reaches year 1,000,000,000 and PostgreSQL's timestamp year
 * 294,276, and what lies between was a 500 (a cursor of Long.MAX_VALUE ms, {@code to=+300000-01-01});
 * a range end or a bucket computed past the bound (a day or a bucket later) stays far inside both.
 */
public final class TimeBounds {
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");
    /** For a client's message: the range it must be in. */
    public static final String RANGE = "from 1970-01-01 to 2200-01-01 (UTC)";

    private TimeBounds() {
    }

    public static boolean contains(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** Unix milliseconds. */
    public static boolean containsMillis(long epochMillis) {
        return epochMillis >= EARLIEST.toEpochMilli() && epochMillis <= LATEST.toEpochMilli();
    }
}
