package tickertape.market;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;

/**
 * The bar resolutions tickertape stores, with the Polygon multiplier/timespan that names each one.
 * Buckets start on America/New_York wall-clock time, aligned from midnight ET, exactly as the
 * source builds its aggregates (docs/POLYGON.md, "Buckets"), so a derived bar equals the source's own.
 */
public enum Timeframe {
    M1("1m", 1, "minute"),
    M5("5m", 5, "minute"),
    M15("15m", 15, "minute"),
    H1("1h", 1, "hour"),
    H4("4h", 4, "hour"),
    D1("1d", 1, "day");

    public static final ZoneId EXCHANGE_ZONE = ZoneId.of("America/New_York");

    private final String code;
    private final int multiplier;
    private final String timespan;
    private final Bucketing bucketing;

    Timeframe(String code, int multiplier, String timespan) {
        this.code = code;
        this.multiplier = multiplier;
        this.timespan = timespan;
        this.bucketing = Bucketing.of(multiplier, timespan);
    }

    /** The name used in the database, the API and the configuration: 1m, 5m, 15m, 1h, 4h, 1d. */
    public String code() {
        return code;
    }

    public int multiplier() {
        return multiplier;
    }

    /** Polygon's timespan word: minute, hour or day. */
    public String timespan() {
        return timespan;
    }

    /** True for the timeframes rolled up from 1m bars instead of fetched. */
    public boolean isDerivedFromMinutes() {
        return this != M1 && this != D1;
    }

    public static Optional<Timeframe> ofCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }

    public static Optional<Timeframe> ofPolygon(int multiplier, String timespan) {
        return Arrays.stream(values())
                .filter(t -> t.multiplier == multiplier && t.timespan.equals(timespan))
                .findFirst();
    }

    /** The start of the bucket holding {@code instant}, on exchange wall-clock time, as the source buckets it. */
    public Instant bucketStart(Instant instant) {
        return Instant.ofEpochMilli(bucketing.bucketStart(instant.toEpochMilli()));
    }

    /** True when {@code instant} is the start of one of this timeframe's buckets. */
    public boolean isAligned(Instant instant) {
        return bucketStart(instant).equals(instant);
    }
}
