package tickertape.market;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Polygon's bucketing for any multiplier of minute, hour or day: {@link Timeframe#bucketStart}
 * generalised. Intraday buckets are aligned from midnight America/New_York wall-clock time (so 7/minute
 * starts at 00:00, 00:07, … and the last bucket of a day is cut at midnight); N-day buckets are aligned
 * on whole multiples of N days since 1970-01-01, so a bucket never depends on the query range.
 */
public final class Bucketing {

    enum Unit { MINUTE, HOUR, DAY }

    private final int multiplier;
    private final Unit unit;
    /**
     * New York's offset from UTC is a whole number of hours, so a bucket that divides an hour starts
     * on the same instants whether aligned in New York or in UTC, and never crosses midnight: those
     * (1m 5m 15m 1h...) are found by arithmetic alone, the others on the wall clock. Validation and
     * roll-ups bucket every bar they see, so this is on the ingest path.
     */
    private final boolean alignsInUtc;
    private final long utcBucketMillis;

    private Bucketing(int multiplier, Unit unit) {
        this.multiplier = multiplier;
        this.unit = unit;
        this.alignsInUtc = (unit == Unit.MINUTE && 60 % multiplier == 0) || (unit == Unit.HOUR && multiplier == 1);
        this.utcBucketMillis = (unit == Unit.HOUR ? 60L * multiplier : multiplier) * 60_000L;
    }

    /**
     * @throws IllegalArgumentException for a timespan the sandbox does not serve (week and coarser are
     *     valid on Polygon, but tickertape never asks for them)
     */
    public static Bucketing of(int multiplier, String timespan) {
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be a positive integer");
        }
        return switch (timespan) {
            case "minute", "hour", "day" -> new Bucketing(multiplier, Unit.valueOf(timespan.toUpperCase(Locale.ROOT)));
            case "second", "week", "month", "quarter", "year" -> throw new IllegalArgumentException(
                    "timespan '" + timespan + "' is not served by the sandbox; use minute, hour or day");
            default -> throw new IllegalArgumentException(
                    "timespan must be one of second, minute, hour, day, week, month, quarter, year");
        };
    }

    /**
     * True when the base aggregates behind a bar (what {@code limit} counts) are minutes, false when
     * they are days: Polygon counts minutes for minute and hour bars and days for day bars.
     */
    public boolean countsMinutes() {
        return unit != Unit.DAY;
    }

    /** How many calendar days one bucket can span: intraday buckets never cross midnight. */
    public int daysPerBucket() {
        return unit == Unit.DAY ? multiplier : 1;
    }

    public long bucketStart(long epochMillis) {
        if (alignsInUtc && epochMillis >= WholeHourOffsets.SINCE) {
            return epochMillis - Math.floorMod(epochMillis, utcBucketMillis);
        }
        return wallClockBucketStart(epochMillis);
    }

    /** The bucket's start found on New York's wall clock: what {@link #bucketStart} means, for any bucket. */
    long wallClockBucketStart(long epochMillis) {
        ZonedDateTime et = Instant.ofEpochMilli(epochMillis).atZone(Timeframe.EXCHANGE_ZONE);
        LocalDate day = et.toLocalDate();
        if (unit == Unit.DAY) {
            long firstDay = Math.floorDiv(day.toEpochDay(), multiplier) * multiplier;
            return LocalDate.ofEpochDay(firstDay).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant().toEpochMilli();
        }
        long bucketMinutes = unit == Unit.HOUR ? 60L * multiplier : multiplier;
        long minuteOfDay = et.getHour() * 60L + et.getMinute();
        LocalDateTime wallStart = day.atStartOfDay().plusMinutes(minuteOfDay - minuteOfDay % bucketMinutes);
        // Preferring the instant's own offset keeps a bucket in the repeated autumn hour on its own side.
        return ZonedDateTime.ofLocal(wallStart, Timeframe.EXCHANGE_ZONE, et.getOffset()).toInstant().toEpochMilli();
    }

    /**
     * When New York's offset from UTC became a whole number of hours: railway time, 1883. (A holder,
     * read on first use: Timeframe's constants build Bucketings before its zone is set.)
     */
    private static final class WholeHourOffsets {
        static final long SINCE = Timeframe.EXCHANGE_ZONE.getRules().getTransitions().get(0).getInstant().toEpochMilli();
    }
}
