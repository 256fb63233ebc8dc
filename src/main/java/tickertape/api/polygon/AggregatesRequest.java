package tickertape.api.polygon;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Pattern;
import tickertape.market.Bucketing;
import tickertape.market.Timeframe;

/**
 * A validated {@code /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}} request, read
 * as Polygon reads it (POLYGON.md): from and to are New York dates or Unix ms, both inclusive, snapped
 * to whole buckets; {@code limit} caps the base aggregates (minutes, or days for day bars) of a page;
 * the {@code cursor} of {@code next_url} is base64url of the first bucket the next page serves. Every
 * failure is a {@link PolygonProblem} with Polygon's kind of message.
 */
record AggregatesRequest(String ticker, int multiplier, String timespan, String rawFrom, String rawTo,
                         Bucketing bucketing, boolean descending, int limit, long firstBucket, long lastBucket) {

    static final int DEFAULT_LIMIT = 5_000;
    static final int MAX_LIMIT = 50_000;
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");
    /** Polygon's ticker forms (SPY, BRK.B, X:BTCUSD, O:SPY251219C00650000); anything else is no ticker at all. */
    private static final Pattern TICKER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,63}");

    static AggregatesRequest parse(String ticker, String multiplier, String timespan, String from, String to,
                                   String adjusted, String sort, String limit, String cursor) {
        if (ticker == null || !TICKER.matcher(ticker).matches()) {
            // a control character (%00) would otherwise reach PostgreSQL, which refuses it with an error (500)
            throw new PolygonProblem("ticker must be 1 to 64 of A-Z a-z 0-9 . : _ -");
        }
        int units = parseMultiplier(multiplier);
        Bucketing bucketing = bucketing(units, timespan);
        long start = parseBound("from", from, false);
        long end = parseBound("to", to, true);
        if (start > end) {
            throw new PolygonProblem("from must not be after to");
        }
        if (adjusted != null && !adjusted.equals("true")) {
            throw new PolygonProblem(adjusted.equals("false")
                    ? "adjusted=false is not available: this server stores split-adjusted bars only"
                    : "adjusted must be true or false");
        }
        boolean descending = parseSort(sort);
        long first = bucketing.bucketStart(start);
        long last = bucketing.bucketStart(end);
        if (cursor != null) {
            long position = decodeCursor(cursor);
            first = descending ? first : Math.max(first, position);
            last = descending ? Math.min(last, position) : last;
        }
        return new AggregatesRequest(ticker.toUpperCase(Locale.ROOT), units, timespan, from, to, bucketing, descending,
                parseLimit(limit), first, last);
    }

    /** Minutes for minute and hour bars, days for day bars: what {@code limit} and {@code queryCount} count. */
    Timeframe baseTimeframe() {
        return bucketing.countsMinutes() ? Timeframe.M1 : Timeframe.D1;
    }

    /**
     * The stored timeframe the bars are built from: the requested one when the store holds it, else the
     * largest stored one whose buckets nest in the requested ones (30/minute from 15m, 2/hour from 1h,
     * 3/day from 1d). Both are aligned from midnight New York, so nesting needs only divisibility.
     */
    Timeframe sourceTimeframe() {
        if (!bucketing.countsMinutes()) {
            return Timeframe.D1;
        }
        long bucketMinutes = minutes(multiplier, timespan);
        return Arrays.stream(Timeframe.values())
                .filter(stored -> !stored.timespan().equals("day"))
                .filter(stored -> bucketMinutes % minutes(stored.multiplier(), stored.timespan()) == 0)
                .max(Comparator.comparingLong(stored -> minutes(stored.multiplier(), stored.timespan())))
                .orElseThrow(); // 1m divides every bucket
    }

    /** An upper bound of a bucket's length (an extra hour or day for daylight-saving days). */
    long maxBucketMillis() {
        long hour = 3_600_000L;
        return bucketing.countsMinutes() ? minutes(multiplier, timespan) * 60_000L + hour : (multiplier + 1) * 24 * hour;
    }

    /** The same request from {@code nextBucket} on; carries no API key (the client sends its own). */
    String nextUrl(String baseUrl, long nextBucket) {
        return baseUrl + "/v2/aggs/ticker/" + ticker + "/range/" + multiplier + "/" + timespan + "/" + rawFrom + "/"
                + rawTo + "?adjusted=true&sort=" + (descending ? "desc" : "asc") + "&limit=" + limit + "&cursor="
                + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(Long.toString(nextBucket).getBytes(StandardCharsets.US_ASCII));
    }

    private static long minutes(int multiplier, String timespan) {
        return timespan.equals("hour") ? 60L * multiplier : multiplier;
    }

    private static Bucketing bucketing(int multiplier, String timespan) {
        if (timespan == null || !timespan.matches("minute|hour|day")) {
            throw new PolygonProblem(timespan != null && timespan.matches("second|week|month|quarter|year")
                    ? "timespan '" + timespan + "' is not served here; use minute, hour or day"
                    : "timespan must be one of minute, hour, day, week, month, quarter, year");
        }
        return Bucketing.of(multiplier, timespan);
    }

    private static int parseMultiplier(String text) {
        try {
            int multiplier = Integer.parseInt(text);
            if (multiplier >= 1 && multiplier <= 100_000) {
                return multiplier;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PolygonProblem("multiplier must be a positive integer");
    }

    /** A date means its whole New York day: its midnight for from, its last millisecond for to. */
    private static long parseBound(String name, String text, boolean endOfRange) {
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
                throw new PolygonProblem(name + " is not a valid date: " + text);
            }
        }
        throw new PolygonProblem(name + " must be a date YYYY-MM-DD or a Unix millisecond timestamp");
    }

    private static boolean parseSort(String text) {
        if (text == null || text.equals("asc")) {
            return false;
        }
        if (text.equals("desc")) {
            return true;
        }
        throw new PolygonProblem("sort must be asc or desc");
    }

    private static int parseLimit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PolygonProblem("limit must be an integer from 1 to " + MAX_LIMIT);
    }

    private static long decodeCursor(String cursor) {
        try {
            return Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new PolygonProblem("cursor is not one this server issued");
        }
    }
}
