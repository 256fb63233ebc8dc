package tickertape.polygon;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.regex.Pattern;
import tickertape.market.TimeBounds;
import tickertape.market.Timeframe;

/**
 * The parameters of Polygon's aggregates request, read as Polygon reads them (docs/POLYGON.md), for the
 * two servers of that API here: the offline sandbox source and the Polygon-compatible read of the
 * store. Each refusal is an {@link IllegalArgumentException} whose message is fit for a 400 body.
 *
 * <p>The {@code cursor} of a {@code next_url} is opaque to clients: base64url of the start (Unix ms)
 * of the first bucket the next page serves.
 */
public final class AggregatesParameters {
    /** Base aggregates (minutes, or days for day bars) per page when no limit is given, and at most. */
    public static final int DEFAULT_LIMIT = 5_000;
    public static final int MAX_LIMIT = 50_000;

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");

    private AggregatesParameters() {
    }

    public static int multiplier(String text) {
        try {
            int multiplier = Integer.parseInt(text);
            if (multiplier >= 1 && multiplier <= 100_000) {
                return multiplier;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("multiplier must be a positive integer");
    }

    /**
     * A date means its whole New York day: its midnight for from, its last millisecond for to. Either
     * form lies within {@link TimeBounds}.
     */
    public static long bound(String name, String text, boolean endOfRange) {
        long millis = unboundedMillis(name, text, endOfRange);
        if (!TimeBounds.containsMillis(millis)) {
            throw new IllegalArgumentException(name + " must be " + TimeBounds.RANGE);
        }
        return millis;
    }

    private static long unboundedMillis(String name, String text, boolean endOfRange) {
        if (text != null && MILLIS.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        if (text != null && DATE.matcher(text).matches()) {
            try {
                LocalDate day = LocalDate.parse(text);
                long midnight = (endOfRange ? day.plusDays(1) : day).atStartOfDay(Timeframe.EXCHANGE_ZONE).toInstant()
                        .toEpochMilli();
                return endOfRange ? midnight - 1 : midnight;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " is not a valid date: " + text);
            }
        }
        throw new IllegalArgumentException(name + " must be a date YYYY-MM-DD or a Unix millisecond timestamp");
    }

    /** {@code sort}: asc (the default) or desc. */
    public static boolean descending(String sort) {
        if (sort == null || sort.equals("asc")) {
            return false;
        }
        if (sort.equals("desc")) {
            return true;
        }
        throw new IllegalArgumentException("sort must be asc or desc");
    }

    public static int limit(String text) {
        return limit(text, DEFAULT_LIMIT, MAX_LIMIT);
    }

    /** A {@code limit} parameter as Polygon reads it: absent means the default, else 1 to the maximum. */
    public static int limit(String text, int defaultLimit, int maxLimit) {
        if (text == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below, with the same message as an out-of-range number
        }
        throw new IllegalArgumentException("limit must be an integer from 1 to " + maxLimit);
    }

    public static String cursor(long bucketStart) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Long.toString(bucketStart).getBytes(StandardCharsets.US_ASCII));
    }

    /** The bucket start a cursor of {@link #cursor} stands for: never outside {@link TimeBounds}, as none issued is. */
    public static long position(String cursor) {
        try {
            long position = Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
            if (TimeBounds.containsMillis(position)) {
                return position;
            }
        } catch (IllegalArgumentException e) {
            // not base64, or not a number: reported below, as a position out of bounds is
        }
        throw new IllegalArgumentException("cursor is not one this server issued");
    }
}
